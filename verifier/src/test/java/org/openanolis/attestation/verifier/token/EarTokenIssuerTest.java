package org.openanolis.attestation.verifier.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.openanolis.attestation.certs.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarTokenIssuerTest {
    private static final char[] PW = "changeit".toCharArray();

    @Test
    void tokenVerifiesWithItsJwksKeyAndCarriesEarClaims(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        SigningKeys keys = SigningKeys.openOrCreate(dir.resolve("keys.p12"), PW, clock, Duration.ofMinutes(5));
        EarTokenIssuer issuer = new EarTokenIssuer(keys, clock, Duration.ofMinutes(5), "https://verifier.test", "test");
        EarTokenIssuer.Issued t = issuer.issue(new EarTokenIssuer.Result("n0nce", "gateway",
                Map.of("kty", "EC"), Map.of("cpu", new EarTokenIssuer.Submod("affirming",
                        Map.of("hardware", 2), "default-tdx", Map.of("mr_td", "00"))), null));
        SignedJWT jwt = SignedJWT.parse(t.token());
        ECKey pub = (ECKey) keys.jwks().getKeyByKeyId(jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new ECDSAVerifier(pub)));
        assertEquals(EarTokenIssuer.EAT_PROFILE, jwt.getJWTClaimsSet().getStringClaim("eat_profile"));
        assertEquals("n0nce", jwt.getJWTClaimsSet().getStringClaim("eat_nonce"));
        assertEquals(300, (t.expiresAt().getEpochSecond() - t.issuedAt().getEpochSecond()));
        Map<String, Object> cpu = jwt.getJWTClaimsSet().getJSONObjectClaim("submods");
        assertEquals("affirming", ((Map<?, ?>) cpu.get("cpu")).get("ear.status"));
    }

    @Test
    void rotatedKeyStaysPublishedUntilItsLastTokenExpires(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Path file = dir.resolve("keys.p12");
        SigningKeys keys = SigningKeys.openOrCreate(file, PW, clock, Duration.ofMinutes(5));
        String first = keys.current().kid();
        clock.advance(java.time.Duration.ofSeconds(3600));
        keys.rotate();
        String second = keys.current().kid();
        assertNotEquals(first, second);
        JWKSet both = keys.jwks();
        assertEquals(2, both.getKeys().size());
        // Reopened from disk: same keys, same order.
        SigningKeys reopened = SigningKeys.openOrCreate(file, PW, clock, Duration.ofMinutes(5));
        assertEquals(second, reopened.current().kid());
        clock.advance(java.time.Duration.ofSeconds(301));
        assertEquals(1, keys.jwks().getKeys().size());
        assertEquals(second, keys.jwks().getKeys().get(0).getKeyID());
    }
}

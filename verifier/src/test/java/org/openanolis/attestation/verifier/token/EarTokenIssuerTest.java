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
    void aRehearsalTokenIsSignedByAKeyNoRelyingPartyKnows(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        SigningKeys keys = SigningKeys.openOrCreate(dir.resolve("keys.p12"), PW, clock, Duration.ofMinutes(5));
        EarTokenIssuer issuer = new EarTokenIssuer(keys, clock, Duration.ofMinutes(5), "https://verifier.test", "test");
        EarTokenIssuer.Result result = new EarTokenIssuer.Result("n0nce", null, null, Map.of("cpu",
                new EarTokenIssuer.Submod("affirming", Map.of("hardware", 2), "default-tdx", Map.of("mr_td", "00"))), null);
        SignedJWT rehearsal = SignedJWT.parse(issuer.rehearse(result).token());
        SignedJWT real = SignedJWT.parse(issuer.issue(result).token());
        String kid = rehearsal.getHeader().getKeyID();
        assertTrue(kid.startsWith("rehearsal-"), kid);
        assertEquals(null, keys.jwks().getKeyByKeyId(kid), "the rehearsal key is never published");
        ECKey published = (ECKey) keys.jwks().getKeyByKeyId(real.getHeader().getKeyID());
        assertTrue(real.verify(new ECDSAVerifier(published)));
        // Forged under the published kid, the rehearsal signature still does not verify.
        SignedJWT relabelled = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(real.getHeader()).build()
                .toBase64URL(), rehearsal.getPayload().toBase64URL(), rehearsal.getSignature());
        assertTrue(!relabelled.verify(new ECDSAVerifier(published)));
        // The same claims as a real token; the next real token is still signed with the current key.
        assertEquals(real.getJWTClaimsSet().getJSONObjectClaim("submods"),
                rehearsal.getJWTClaimsSet().getJSONObjectClaim("submods"));
        assertEquals(real.getHeader().getKeyID(), SignedJWT.parse(issuer.issue(result).token()).getHeader().getKeyID());
        assertEquals(kid, SignedJWT.parse(issuer.rehearse(result).token()).getHeader().getKeyID());
    }

    @Test
    void directlyAssembledTokenHasNimbusHeaderAndClaims(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        SigningKeys keys = SigningKeys.openOrCreate(dir.resolve("keys.p12"), PW, clock, Duration.ofMinutes(5));
        EarTokenIssuer issuer = new EarTokenIssuer(keys, clock, Duration.ofMinutes(5), "https://verifier.test", "test");
        Map<String, Object> cpuClaims = new java.util.LinkedHashMap<>();
        cpuClaims.put("mr_td", "00ff");
        cpuClaims.put("advisory_ids", java.util.List.of("INTEL-SA-00001", "a \"quoted\" <b>&</b> \u00e9\u2028"));
        cpuClaims.put("debug", false);
        cpuClaims.put("quote_version", 4);
        cpuClaims.put("big", Long.MAX_VALUE);
        cpuClaims.put("nothing", null);
        cpuClaims.put("nested", Map.of("k", java.util.List.of(1, 2, Map.of())));
        EarTokenIssuer.Result result = new EarTokenIssuer.Result("n0nce", "gateway",
                Map.of("kty", "EC", "crv", "P-256", "x", "abc", "y", "def"),
                Map.of("cpu", new EarTokenIssuer.Submod("affirming", Map.of("hardware", 2, "executables", 3),
                        "default-tdx", cpuClaims)), null);
        EarTokenIssuer.Issued direct = issuer.issue(result);
        EarTokenIssuer.Issued viaNimbus = issuer.issueWithNimbus(result);
        SignedJWT a = SignedJWT.parse(direct.token());
        SignedJWT b = SignedJWT.parse(viaNimbus.token());
        ECKey pub = (ECKey) keys.jwks().getKeyByKeyId(a.getHeader().getKeyID());
        assertTrue(a.verify(new ECDSAVerifier(pub)));
        assertEquals(b.getHeader().toBase64URL(), a.getHeader().toBase64URL());
        Map<String, Object> ca = new java.util.LinkedHashMap<>(a.getJWTClaimsSet().toJSONObject());
        Map<String, Object> cb = new java.util.LinkedHashMap<>(b.getJWTClaimsSet().toJSONObject());
        assertEquals(direct.jti(), ca.remove("jti"));
        assertEquals(viaNimbus.jti(), cb.remove("jti"));
        assertEquals(cb, ca);
        assertEquals(new java.util.ArrayList<>(cb.keySet()), new java.util.ArrayList<>(ca.keySet()));
        assertEquals(java.util.List.of("gateway"), a.getJWTClaimsSet().getAudience());
        assertEquals(direct.expiresAt(), a.getJWTClaimsSet().getExpirationTime().toInstant());
        // A claim value outside plain JSON still gives a valid token (through nimbus).
        EarTokenIssuer.Issued odd = issuer.issue(new EarTokenIssuer.Result("n", null, null,
                Map.of("cpu", new EarTokenIssuer.Submod("affirming", Map.of(), "p", Map.of("ratio", 0.5))), null));
        SignedJWT o = SignedJWT.parse(odd.token());
        assertTrue(o.verify(new ECDSAVerifier(pub)));
        assertEquals(0.5, ((Map<?, ?>) ((Map<?, ?>) o.getJWTClaimsSet().getJSONObjectClaim("submods").get("cpu")))
                .get("ratio"));
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

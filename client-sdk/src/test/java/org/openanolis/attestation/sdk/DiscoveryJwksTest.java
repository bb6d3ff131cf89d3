package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.sdk.testing.StandInProviders;
import org.openanolis.attestation.sdk.testing.VerifierFixture;

/** JWKS from the service's discovery document: key rotation, outage tolerance, issuer pinning. */
class DiscoveryJwksTest {
    private static TokenVerifier.Builder verifier(String issuer, MutableClock clock, JwksCachePolicy cache) {
        return TokenVerifier.builder().issuer(issuer).jwksFromDiscovery().jwksCache(cache).audience("gw").clock(clock)
                .maxClockSkew(Duration.ofSeconds(5)).acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays();
    }

    private static String attest(VerifierFixture s) throws Exception {
        return AttesterClient.builder(s.uri()).teePublicKey(KeyRelease.generateTeeKey().toPublicJWK())
                .cpu(StandInProviders.tdx(false)).audience("gw").build().attest().token();
    }

    @Test
    void rotationOutageAndIssuerPinning(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
        JwksCachePolicy cache = new JwksCachePolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofHours(1));
        VerifierFixture s = VerifierFixture.start(dir.resolve("a"), clock);
        TokenVerifier v = verifier(s.issuer(), clock, cache).build();
        TokenVerifier wrongIssuer = verifier(s.issuer() + "/other", clock, cache).build();
        String before;
        try {
            before = attest(s);
            v.verify(before);
            // Rotation: a token under the new kid makes the verifier fetch the JWKS again.
            String oldKid = s.running().keys().current().kid();
            s.running().keys().rotate();
            String after = attest(s);
            assertNotEquals(oldKid, s.running().keys().current().kid());
            v.verify(after);
            v.verify(before);
            // Discovery answering for another issuer is never trusted.
            TokenVerificationException e = assertThrows(TokenVerificationException.class, () -> wrongIssuer.verify(before));
            assertEquals(TokenFailure.JWKS_UNAVAILABLE, e.failure());
        } finally {
            s.close();
        }
        // The service is down: the cached JWKS still verifies its tokens.
        v.verify(before);
        // A verifier that never reached the service refuses with JWKS_UNAVAILABLE, not a crash.
        TokenVerifier cold = verifier(s.issuer(), clock, cache).build();
        assertEquals(TokenFailure.JWKS_UNAVAILABLE,
                assertThrows(TokenVerificationException.class, () -> cold.verify(before)).failure());
    }
}

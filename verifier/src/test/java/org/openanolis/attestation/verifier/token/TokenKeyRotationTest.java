package org.openanolis.attestation.verifier.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.verifier.service.ServiceConfig;

/** Scheduled token-key rotation on a pinned clock, and its configuration key. */
class TokenKeyRotationTest {
    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void rotatesWhenTheCurrentKeyIsOneIntervalOldAndKeepsTheRetiredKeyPublishedForTheTokenLifetime(@TempDir Path dir)
            throws Exception {
        MutableClock clock = new MutableClock(T0);
        Duration lifetime = Duration.ofMinutes(5);
        SigningKeys keys = SigningKeys.openOrCreate(dir.resolve("keys.p12"), "pw".toCharArray(), clock, lifetime);
        TokenKeyRotation rotation = new TokenKeyRotation(keys, clock, Duration.ofHours(1));
        String first = keys.current().kid();

        clock.advance(Duration.ofMinutes(59).plusSeconds(59));
        assertFalse(rotation.due());
        assertTrue(rotation.rotateIfDue().isEmpty());
        assertEquals(first, keys.current().kid());

        clock.advance(Duration.ofSeconds(1));
        String second = rotation.rotateIfDue().orElseThrow().kid();
        assertNotEquals(first, second);
        assertEquals(second, keys.current().kid());
        assertEquals(List.of(second, first), keys.published().stream().map(SigningKeys.SigningKey::kid).toList(),
                "the retired key stays in the JWKS while its tokens may be valid");
        assertTrue(rotation.rotateIfDue().isEmpty(), "the new key is not due");

        clock.advance(lifetime.plusSeconds(1));
        assertEquals(List.of(second), keys.published().stream().map(SigningKeys.SigningKey::kid).toList());
        // The keystore on disk holds what is current: a restart signs with the rotated key.
        assertEquals(second, SigningKeys.openOrCreate(dir.resolve("keys.p12"), "pw".toCharArray(), clock, lifetime)
                .current().kid());
        assertEquals(Duration.ofSeconds(60), rotation.checkPeriod());
        assertEquals(Duration.ofSeconds(6), new TokenKeyRotation(keys, clock, Duration.ofSeconds(60)).checkPeriod());
    }

    @Test
    void theConfigurationKeyIsOffByDefaultAndBounded() throws Exception {
        assertEquals(0, ServiceConfig.load(null, Map.of()).tokenKeyRotationSeconds);
        assertEquals(86_400, ServiceConfig.load(null, Map.of("ATTESTATION_TOKEN_KEY_ROTATION_SECONDS", "86400"))
                .tokenKeyRotationSeconds);
        assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("ATTESTATION_TOKEN_KEY_ROTATION_SECONDS", "30")));
        // Shorter than a token's lifetime: refused.
        assertThrows(ServiceConfig.ConfigException.class, () -> ServiceConfig.load(null, Map.of(
                "ATTESTATION_TOKEN_KEY_ROTATION_SECONDS", "600", "ATTESTATION_TOKEN_LIFETIME_SECONDS", "3600")));
    }
}

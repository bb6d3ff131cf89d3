package org.openanolis.attestation.verifier.nonce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

class NonceServiceTest {
    private static final byte[] KEY = new byte[32];
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static NonceService at(Instant t, byte[] key) {
        return new NonceService(key, Clock.fixed(t, ZoneOffset.UTC), Duration.ofMinutes(5));
    }

    @Test
    void anyReplicaWithTheKeyAcceptsTheNonce() throws VerificationException {
        NonceService.Nonce n = at(T0, KEY).issue();
        assertArrayEquals(n.bytes(), at(T0.plusSeconds(299), KEY).verify(n.value()));
        assertEquals(T0.plusSeconds(300), n.expiresAt());
    }

    @Test
    void expiredNonceIsBindingMismatch() {
        NonceService.Nonce n = at(T0, KEY).issue();
        VerificationException e = assertThrows(VerificationException.class, () -> at(T0.plusSeconds(301), KEY).verify(n.value()));
        assertEquals(ReasonCode.BINDING_MISMATCH, e.code());
        assertEquals("nonce.expires_at", e.field());
    }

    @Test
    void forgedOrForeignNonceIsRefused() {
        NonceService.Nonce n = at(T0, KEY).issue();
        byte[] other = new byte[32];
        other[0] = 1;
        assertEquals(ReasonCode.BINDING_MISMATCH,
                assertThrows(VerificationException.class, () -> at(T0, other).verify(n.value())).code());
        byte[] raw = n.bytes();
        raw[20] ^= 1;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertEquals("nonce", assertThrows(VerificationException.class, () -> at(T0, KEY).verify(tampered)).field());
        assertThrows(VerificationException.class, () -> at(T0, KEY).verify("not a nonce!"));
        assertThrows(VerificationException.class, () -> at(T0, KEY).verify(null));
    }
}

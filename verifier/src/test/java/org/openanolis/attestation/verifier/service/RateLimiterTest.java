package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void burstThenRefillPerClient() {
        AtomicLong t = new AtomicLong();
        RateLimiter l = new RateLimiter(2, 3, t::get);
        assertTrue(l.tryAcquire("a"));
        assertTrue(l.tryAcquire("a"));
        assertTrue(l.tryAcquire("a"));
        assertFalse(l.tryAcquire("a"));
        assertTrue(l.tryAcquire("b"), "clients are independent");
        t.addAndGet(500_000_000L); // half a second at 2/s = one token
        assertTrue(l.tryAcquire("a"));
        assertFalse(l.tryAcquire("a"));
    }

    @Test
    void zeroRateIsOff() {
        RateLimiter l = new RateLimiter(0, 1, () -> 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(l.tryAcquire("a"));
        }
    }
}

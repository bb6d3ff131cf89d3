package org.openanolis.attestation.verifier.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Per-client token buckets ({@code rate} requests per second, bursts up to {@code burst}). Clients
 * idle for a minute are forgotten, so the table stays bounded under a flood of source addresses.
 */
public final class RateLimiter {
    private static final class Bucket {
        double tokens;
        long lastNanos;
    }

    private final double rate;
    private final double burst;
    private final LongSupplier nanos;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(1)).maximumSize(100_000).build();

    /** {@code rate <= 0} turns limiting off. */
    public RateLimiter(double rate, double burst, LongSupplier nanos) {
        this.rate = rate;
        this.burst = Math.max(burst, 1);
        this.nanos = nanos;
    }

    public boolean enabled() {
        return rate > 0;
    }

    /** Takes one token for {@code client}; false when the client must wait. */
    public boolean tryAcquire(String client) {
        if (rate <= 0) {
            return true;
        }
        Bucket b = buckets.get(client, k -> {
            Bucket n = new Bucket();
            n.tokens = burst;
            n.lastNanos = nanos.getAsLong();
            return n;
        });
        synchronized (b) {
            long now = nanos.getAsLong();
            b.tokens = Math.min(burst, b.tokens + (now - b.lastNanos) / 1e9 * rate);
            b.lastNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** Seconds until one token is available again (for Retry-After). */
    public long retryAfterSeconds() {
        return rate <= 0 ? 0 : Math.max(1, (long) Math.ceil(1 / rate));
    }
}

package org.openanolis.attestation.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link AttesterClient} retries answers that say "try again later" (HTTP 503 and 429) and
 * connection failures: at most {@code maxAttempts} attempts in all, exponential back-off from
 * {@code initialBackoff} doubling up to {@code maxBackoff}, a server's {@code Retry-After} taking
 * precedence but never exceeding {@code maxBackoff}. Every attempt starts over with a fresh nonce
 * and fresh evidence, because the old nonce may have expired meanwhile.
 *
 * @param maxAttempts    at least 1 (1 = no retries)
 * @param initialBackoff the first wait
 * @param maxBackoff     the longest single wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /** Validates the bounds. */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** Four attempts, 500 ms doubling to at most 8 s. */
    public static RetryPolicy standard() {
        return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(8));
    }

    /** One attempt, no retries. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The wait before attempt {@code attempt + 1}.
     *
     * @param attempt    the attempt that just failed, from 1
     * @param retryAfter the server's {@code Retry-After}, or null
     */
    public Duration backoff(int attempt, Duration retryAfter) {
        if (retryAfter != null && !retryAfter.isNegative()) {
            return retryAfter.compareTo(maxBackoff) > 0 ? maxBackoff : retryAfter;
        }
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}

package org.openanolis.attestation.sdk;

import java.time.Instant;

/**
 * One-time use of tokens: a relying party that releases secrets must not honour the same
 * attestation twice. {@link TokenVerifier} calls {@link #firstUse} only for a token that passed
 * every other check, so refused tokens never consume a nonce.
 *
 * <p>Each token is identified twice: by its {@code jti} and by its {@code eat_nonce}. The service
 * issues many tokens for one nonce if asked (its nonces are stateless), so refusing a second
 * token with an already used nonce is what stops a recorded exchange from being replayed.
 * Gateways running several replicas implement this over a shared store (an atomic
 * "set if absent, expire at" per key); {@link #inMemory(int)} is for a single process.
 */
public interface ReplayGuard {
    /**
     * Records the token and returns true, or returns false when its {@code jti} or its
     * {@code nonce} was recorded before and has not yet expired. Must be atomic.
     *
     * @param expiresAt when the record may be forgotten (the token's {@code exp} plus skew)
     * @param now       the verifier's clock
     */
    boolean firstUse(String jti, String nonce, Instant expiresAt, Instant now);

    /** A single-process guard holding at most {@code maxEntries} live tokens; refuses when full. */
    static ReplayGuard inMemory(int maxEntries) {
        return new InMemoryReplayGuard(maxEntries);
    }
}

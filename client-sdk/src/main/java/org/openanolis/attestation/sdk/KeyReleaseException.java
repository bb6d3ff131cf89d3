package org.openanolis.attestation.sdk;

import java.util.Objects;

/** A model key could not be wrapped or unwrapped; {@link #failure()} says why. */
public final class KeyReleaseException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a wrap or unwrap failed. */
    public enum Failure {
        /** Not a compact JWE, or a required header parameter is absent. */
        MALFORMED,
        /** {@code alg}/{@code enc} is not the pinned pair for the key type. */
        ALGORITHM_NOT_ALLOWED,
        /** The JWE is for another TEE key ({@code kid} is not this key's thumbprint). */
        WRONG_RECIPIENT,
        /** The JWE was released against another token ({@code jti} differs). */
        TOKEN_MISMATCH,
        /** Decryption or authentication failed (tampered ciphertext or wrong key). */
        DECRYPTION_FAILED,
        /** The key type cannot be used for key release. */
        UNSUPPORTED_KEY
    }

    private final Failure failure;

    /** A failure with its cause (may be null). */
    public KeyReleaseException(Failure failure, String message, Throwable cause) {
        super(failure + ": " + message, cause);
        this.failure = Objects.requireNonNull(failure);
    }

    /** Why it failed. */
    public Failure failure() {
        return failure;
    }
}

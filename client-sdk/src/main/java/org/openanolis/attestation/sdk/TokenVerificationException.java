package org.openanolis.attestation.sdk;

import java.util.Objects;

/**
 * A token was refused: {@link #failure()} says why and {@link #field()} names the header
 * parameter or claim that failed ({@code exp}, {@code aud}, {@code submods.cpu.ear.status}…).
 */
public final class TokenVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final TokenFailure failure;
    private final String field;

    /** A refusal for {@code failure} at {@code field}. */
    public TokenVerificationException(TokenFailure failure, String field, String message) {
        this(failure, field, message, null);
    }

    /** A refusal with its cause. */
    public TokenVerificationException(TokenFailure failure, String field, String message, Throwable cause) {
        super(failure + " at " + field + ": " + message, cause);
        this.failure = Objects.requireNonNull(failure);
        this.field = Objects.requireNonNull(field);
    }

    /** Why the token was refused. */
    public TokenFailure failure() {
        return failure;
    }

    /** The failing header parameter or claim. */
    public String field() {
        return field;
    }
}

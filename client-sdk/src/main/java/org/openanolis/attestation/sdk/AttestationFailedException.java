package org.openanolis.attestation.sdk;

/**
 * {@link AttesterClient} could not obtain a token. {@link #reasonCode()} is the service's reason
 * code ({@code BINDING_MISMATCH}, {@code SIGNATURE_INVALID}, {@code COLLATERAL_MISSING}…; see
 * docs/api.md) when the service refused with one, {@link #field()} the failing check, and
 * {@link #httpStatus()} the last HTTP status (0 when the service was never reached or an evidence
 * provider failed).
 */
public final class AttestationFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final String reasonCode;
    private final String field;

    /** A failure with the service's answer; {@code reasonCode} and {@code field} may be null. */
    public AttestationFailedException(String message, int httpStatus, String reasonCode, String field, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.reasonCode = reasonCode;
        this.field = field;
    }

    /** The HTTP status of the last answer, or 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The service's reason code, or null (transport errors, provider failures, 5xx without code). */
    public String reasonCode() {
        return reasonCode;
    }

    /** The failing check named by the service, or null. */
    public String field() {
        return field;
    }
}

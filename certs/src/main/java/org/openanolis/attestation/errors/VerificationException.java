package org.openanolis.attestation.errors;

import java.util.Objects;

/**
 * A failed check. Carries exactly one {@link ReasonCode} plus the field that failed and, where it
 * makes sense, the expected and actual values. Tests assert on {@link #code()} and
 * {@link #field()}, never on the message text.
 */
public class VerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ReasonCode code;
    private final String field;
    private final String expected;
    private final String actual;

    public VerificationException(ReasonCode code, String field, String message) {
        this(code, field, message, null, null, null);
    }

    public VerificationException(ReasonCode code, String field, String message, Throwable cause) {
        this(code, field, message, null, null, cause);
    }

    public VerificationException(ReasonCode code, String field, String message,
                                 String expected, String actual, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.field = Objects.requireNonNull(field, "field");
        this.expected = expected;
        this.actual = actual;
    }

    /** A parse failure at {@code offset} of the evidence, in field {@code field}. */
    public static VerificationException malformed(String field, long offset, String message) {
        return new VerificationException(ReasonCode.MALFORMED_EVIDENCE, field,
                message + " (field " + field + " at offset " + offset + ")",
                null, "offset " + offset, null);
    }

    /** A check whose expected and actual values are worth showing. */
    public static VerificationException mismatch(ReasonCode code, String field, String expected, String actual) {
        return new VerificationException(code, field,
                field + ": expected " + expected + ", got " + actual, expected, actual, null);
    }

    public ReasonCode code() { return code; }

    /** The check or field that failed, e.g. {@code quote.header.version} or {@code pck_crl.nextUpdate}. */
    public String field() { return field; }

    /** What the check expected, or null. */
    public String expected() { return expected; }

    /** What the check found, or null. */
    public String actual() { return actual; }
}

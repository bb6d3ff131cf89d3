package org.openanolis.attestation.verifier.log;

/**
 * Bytes that claim to be a log artefact (an entry, a checkpoint, a signed note, a verifier key, an
 * export manifest) but do not follow its format. Checked: a caller reading log data from storage or
 * from an auditor's directory must decide what a malformed artefact means.
 */
public final class LogFormatException extends Exception {
    private final String field;

    public LogFormatException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public LogFormatException(String field, String message, Throwable cause) {
        super(field + ": " + message, cause);
        this.field = field;
    }

    /** The field or element that is malformed (e.g. {@code entry.outcome.status}). */
    public String field() {
        return field;
    }
}

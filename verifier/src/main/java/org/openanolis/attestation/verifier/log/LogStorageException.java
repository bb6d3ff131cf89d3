package org.openanolis.attestation.verifier.log;

/** The log's storage failed (database error, unreadable export directory). */
public final class LogStorageException extends Exception {
    public LogStorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public LogStorageException(String message) {
        super(message);
    }
}

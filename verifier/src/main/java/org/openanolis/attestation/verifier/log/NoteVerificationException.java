package org.openanolis.attestation.verifier.log;

/** A signed note or checkpoint that cannot be trusted, with the reason as data. */
public final class NoteVerificationException extends Exception {
    /** Why the note was refused. */
    public enum Problem {
        /** The note, a signature line or the checkpoint body does not follow its format. */
        MALFORMED,
        /** No signature line is by the pinned key (name and key id). */
        NOT_SIGNED_BY_KEY,
        /** A signature line names the pinned key but its signature does not verify. */
        SIGNATURE_INVALID,
        /** The checkpoint is for another log (origin line). */
        ORIGIN_MISMATCH
    }

    private final Problem problem;

    public NoteVerificationException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public NoteVerificationException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}

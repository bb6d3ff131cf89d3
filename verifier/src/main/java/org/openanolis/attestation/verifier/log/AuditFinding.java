package org.openanolis.attestation.verifier.log;

import java.util.Objects;

/**
 * One problem an audit found. Findings are data: tests and the CLI's JSON read {@link #kind()}
 * and {@link #index()}, never the detail text.
 *
 * @param kind what is wrong
 * @param index the entry index concerned, or -1 for the log as a whole
 * @param detail a human-readable explanation
 */
public record AuditFinding(Kind kind, long index, String detail) {
    /** What an audit can find. */
    public enum Kind {
        /** The log has no signed checkpoint. */
        CHECKPOINT_MISSING,
        /** The checkpoint note or body is malformed. */
        CHECKPOINT_MALFORMED,
        /** The checkpoint carries no valid signature by the pinned log key (e.g. forged with another key). */
        CHECKPOINT_SIGNATURE_INVALID,
        /** The checkpoint is for another log. */
        CHECKPOINT_ORIGIN_MISMATCH,
        /** The latest checkpoint is smaller than one the auditor already trusted: the log was cut back. */
        LOG_ROLLED_BACK,
        /** The latest checkpoint is not an extension of the trusted one (a fork or a rewritten history). */
        CONSISTENCY_FAILED,
        /** A whole log holds fewer entries than its checkpoint commits to. */
        LOG_TRUNCATED,
        /** An index inside the checked range has no entry (deleted). */
        ENTRY_MISSING,
        /** The entry stored at this index is not the one the checkpoint commits to (edited). */
        ENTRY_NOT_INCLUDED,
        /** The entry stored at this index is the one committed at another index (reordered). */
        ENTRY_REORDERED,
        /** The entry is committed but is not a valid deterministic-CBOR entry. */
        ENTRY_MALFORMED,
        /** The source could not produce a proof the audit needs. */
        PROOF_UNAVAILABLE,
        /** Collateral an entry references is absent. */
        COLLATERAL_MISSING,
        /** Collateral stored under a digest does not hash to it. */
        COLLATERAL_DIGEST_MISMATCH,
        /** Re-running the appraisal gave another outcome than the recorded one. */
        REPLAY_DIVERGENCE,
        /** Re-running the appraisal was impossible (e.g. the recorded policy version is unknown). */
        REPLAY_FAILED,
        /**
         * A release receipt record does not match an earlier attestation entry that issued its
         * token for its TEE key.
         */
        RECEIPT_UNMATCHED,
        /**
         * A second release receipt (matching its attestation entry) for a token that already has
         * one in the audited range: two replicas sharing one log both recorded a release.
         */
        RECEIPT_DUPLICATE
    }

    public AuditFinding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }
}

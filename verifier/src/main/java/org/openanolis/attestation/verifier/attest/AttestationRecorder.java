package org.openanolis.attestation.verifier.attest;

import java.util.concurrent.CompletableFuture;

/**
 * Where every appraisal is recorded before its token leaves the service (the verification log).
 * The token is issued only after the returned future completes successfully.
 */
public interface AttestationRecorder {
    /**
     * What is recorded: the request, the verification outcome (null when verification failed), the
     * token id (of a token that is issued only after the record, or a fresh id no token carries
     * for a failure), the failure, the collateral the engines were given and the instant every
     * check was judged at.
     */
    record Record(AttestRequest request, AttestationService.Outcome outcome, String jti,
                  org.openanolis.attestation.errors.VerificationException failure,
                  java.util.List<CollateralUsage.Used> collateral, java.time.Instant instant) {
        public Record {
            collateral = java.util.List.copyOf(collateral);
            if ((outcome == null) == (failure == null)) {
                throw new IllegalArgumentException("a record has either an outcome or a failure");
            }
        }

        /** A successful appraisal without collateral detail (tests). */
        public Record(AttestRequest request, AttestationService.Outcome outcome, String jti) {
            this(request, outcome, jti, null, java.util.List.of(), java.time.Instant.EPOCH);
        }
    }

    /** Appends the record; completes with its log index (or -1 when nothing is kept). */
    CompletableFuture<Long> record(Record record);

    /** A recorder that keeps nothing: for the offline CLI and tests that do not look at the log. */
    AttestationRecorder NONE = r -> CompletableFuture.completedFuture(-1L);
}

package org.openanolis.attestation.verifier.attest;

import java.util.concurrent.CompletableFuture;

/**
 * Where every appraisal is recorded before its token leaves the service (the verification log).
 * The token is issued only after the returned future completes successfully.
 */
public interface AttestationRecorder {
    /**
     * What is recorded: the request, the verification outcome (appraisals with the full policy
     * explanation) and the token id; {@code jti} is null for a denied outcome (no token issued).
     */
    record Record(AttestRequest request, AttestationService.Outcome outcome, String jti) {}

    /** Appends the record; completes with its log index (or -1 when nothing is kept). */
    CompletableFuture<Long> record(Record record);

    /** A recorder that keeps nothing: for the offline CLI and tests that do not look at the log. */
    AttestationRecorder NONE = r -> CompletableFuture.completedFuture(-1L);
}

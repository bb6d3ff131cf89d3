package org.openanolis.attestation.verifier.log;

/**
 * Re-runs the verification and appraisal of one recorded entry: the service implements it with
 * its verifiers and policy engine, pinning the clock at {@link LogEntry#instant()}, taking the
 * collateral only from {@code collateral} and the policy by the recorded id, version and hash.
 * Implementations must not fetch anything live: a replay reproduces the past decision.
 */
@FunctionalInterface
public interface ReplayEngine {
    /**
     * @return the outcome the appraisal gives today for the recorded inputs
     * @throws ReplayException if the replay cannot run (unknown policy version, policy hash
     *     mismatch, an engine fault); a verification failure is an outcome, not an exception
     */
    AppraisalOutcome replay(LogEntry entry, CollateralResolver collateral) throws ReplayException;

    /** The recorded collateral of an entry, already checked against its digest. */
    @FunctionalInterface
    interface CollateralResolver {
        /** The bytes of {@code reference} (copied). */
        byte[] bytes(CollateralReference reference) throws ReplayException;
    }

    /** A replay that could not run. */
    final class ReplayException extends Exception {
        public ReplayException(String message) {
            super(message);
        }

        public ReplayException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

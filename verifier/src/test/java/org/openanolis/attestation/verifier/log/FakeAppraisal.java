package org.openanolis.attestation.verifier.log;

import org.openanolis.attestation.errors.ReasonCode;

/**
 * A stand-in for the service's verifier + policy engine in replay tests: a pure function of the
 * recorded inputs that reproduces the decisions {@link LogEntries} records (entries whose jti
 * number is a multiple of 5 are denied by policy).
 */
final class FakeAppraisal {
    private FakeAppraisal() {}

    static AppraisalOutcome appraise(LogEntry entry) {
        int n = Integer.parseInt(entry.jti().substring("jti-".length()));
        boolean denied = n % 5 == 0;
        return new AppraisalOutcome(denied ? EarStatus.CONTRAINDICATED : EarStatus.AFFIRMING,
                denied ? ReasonCode.POLICY_DENIED : null, entry.outcome().explanation());
    }
}

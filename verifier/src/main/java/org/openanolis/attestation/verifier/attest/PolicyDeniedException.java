package org.openanolis.attestation.verifier.attest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The evidence verified but the policy denies it ({@code POLICY_DENIED}): no token is issued. The
 * outcome, with every device's full explanation, has been recorded before this is thrown; the
 * field names the first denied device ({@code appraisal.cpu}, {@code appraisal.gpu0}, …).
 */
public final class PolicyDeniedException extends VerificationException {
    private static final long serialVersionUID = 1L;
    private final transient AttestationService.Outcome outcome;

    public PolicyDeniedException(AttestationService.Outcome outcome) {
        super(ReasonCode.POLICY_DENIED, "appraisal." + firstDenied(outcome),
                "the policy denies " + deniedDevices(outcome));
        this.outcome = outcome;
    }

    /** The complete outcome (evidence, appraisals with explanations). */
    public AttestationService.Outcome outcome() {
        return outcome;
    }

    private static String firstDenied(AttestationService.Outcome o) {
        List<String> d = deniedDevices(o);
        return d.isEmpty() ? "unknown" : d.get(0);
    }

    private static List<String> deniedDevices(AttestationService.Outcome o) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Appraiser.Appraisal> e : o.appraisals().entrySet()) {
            if (e.getValue().denied()) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}

package org.openanolis.attestation.verifier.attest;

import java.util.List;
import java.util.Map;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * Appraises verified claims of one device. The built-in {@link DefaultAppraiser} stands in until a
 * policy engine is configured; verification never depends on which appraiser is used.
 */
public interface Appraiser {
    /** The outcome for one device. */
    record Appraisal(String status, Map<String, Integer> trustVector, String policyId,
                     List<Map<String, Object>> explanation) {
        public Appraisal {
            trustVector = Map.copyOf(trustVector);
            explanation = List.copyOf(explanation);
        }
    }

    /**
     * @param device   {@code cpu}, {@code gpu0}, …
     * @param policyId the policy the caller asked for, or null for the default of the TEE
     */
    Appraisal appraise(String device, VerifiedEvidence evidence, String policyId);
}

package org.openanolis.attestation.verifier.attest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * Appraises verified claims of one device against a policy. The service uses
 * {@link PolicyAppraiser} (the CEL policy engine); verification never depends on which appraiser
 * is used.
 */
public interface Appraiser {
    /**
     * The outcome for one device.
     *
     * @param status      EAR status ({@code affirming}, {@code warning}, {@code contraindicated})
     * @param trustVector AR4SI trust vector with EAR component names
     * @param policyId    the {@code ear.appraisal-policy-id}: {@code <id>@<version>#sha256:<hex>}
     *                    (version 0 is a built-in default), see docs/api.md
     * @param explanation every rule in policy order: name, expression, component, result
     *                    ({@code pass}/{@code fail}/{@code error}), status, claim, the claim and
     *                    reference values it read (docs/policies.md "Explanation")
     * @param references  the reference-set versions the policy used ({@code name}, {@code state},
     *                    {@code version}, {@code hash})
     * @param denied      whether this appraisal is a denial (no token; 403 {@code POLICY_DENIED})
     * @param provenance  the documents the appraisal read, for the verification log; null when the
     *                    appraiser has no documents (stand-in appraisers)
     */
    record Appraisal(String status, Map<String, Integer> trustVector, String policyId,
                     List<Map<String, Object>> explanation, List<Map<String, Object>> references, boolean denied,
                     Provenance provenance) {
        public Appraisal {
            trustVector = Map.copyOf(trustVector);
            explanation = List.copyOf(explanation);
            references = List.copyOf(references);
        }

        /** An appraisal whose documents are not known to the log. */
        public Appraisal(String status, Map<String, Integer> trustVector, String policyId,
                         List<Map<String, Object>> explanation, List<Map<String, Object>> references, boolean denied) {
            this(status, trustVector, policyId, explanation, references, denied, null);
        }

        /** An appraisal without reference sets that is not a denial. */
        public Appraisal(String status, Map<String, Integer> trustVector, String policyId,
                         List<Map<String, Object>> explanation) {
            this(status, trustVector, policyId, explanation, List.of(), false);
        }

        /** The rules of the explanation that did not pass (failed or could not be evaluated). */
        public List<Map<String, Object>> failedRules() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> rule : explanation) {
                if (!"pass".equals(rule.get("result"))) {
                    out.add(rule);
                }
            }
            return out;
        }
    }

    /**
     * The documents one appraisal read, as the policy engine holds them (made once per compiled
     * version, shared by every request): the policy's bytes and the reference-set versions in the
     * order the policy declares them, each with its bytes when a stored version was read.
     *
     * @param policy     the policy document; null when the policy was compiled without its bytes
     * @param references the reference-set uses ({@code state} used, not_valid or missing)
     */
    record Provenance(org.openanolis.attestation.policies.DocumentSource policy,
                      List<org.openanolis.attestation.policies.ReferenceSetUse> references) {
        public Provenance {
            references = List.copyOf(references);
        }
    }

    /**
     * The policy a request named cannot be used: no active version, or it does not cover the
     * device's TEE. The caller's mistake (422), not a verification failure; no token.
     */
    final class PolicyUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String field;
        private final boolean storeFault;

        public PolicyUnavailableException(String field, String message, Throwable cause) {
            this(field, message, cause, false);
        }

        /**
         * @param storeFault the policy store itself is at fault (a stored document no longer
         *                   hashes to its recorded hash): a server error (500), not the caller's
         */
        public PolicyUnavailableException(String field, String message, Throwable cause, boolean storeFault) {
            super(message, cause);
            this.field = field;
            this.storeFault = storeFault;
        }

        /** Whether the verifier's policy store is at fault rather than the request. */
        public boolean storeFault() {
            return storeFault;
        }

        /** The request field concerned, e.g. {@code policy_ids.cpu}. */
        public String field() {
            return field;
        }
    }

    /**
     * @param device   {@code cpu}, {@code gpu0}, …
     * @param policyId the policy the caller asked for, or null for the default of the TEE
     * @throws PolicyUnavailableException when {@code policyId} names no usable policy
     */
    Appraisal appraise(String device, VerifiedEvidence evidence, String policyId);
}

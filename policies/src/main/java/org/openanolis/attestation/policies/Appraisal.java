package org.openanolis.attestation.policies;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of appraising one device's claims: the EAR status, the AR4SI trust vector, and the
 * explanation (every rule with its result and the values it read, and the reference-set versions
 * used). {@code policySource} is the policy document's bytes when the policy was compiled with
 * them (stored and built-in policies), for the verification log. Immutable.
 */
public record Appraisal(PolicyIdentity policy, String tee, EarStatus status, TrustVector trustVector,
                        List<RuleOutcome> rules, List<ReferenceSetUse> references, DocumentSource policySource) {
    public Appraisal {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(trustVector, "trustVector");
        rules = List.copyOf(rules);
        references = List.copyOf(references);
    }

    /** An appraisal by a policy compiled without its document bytes. */
    public Appraisal(PolicyIdentity policy, String tee, EarStatus status, TrustVector trustVector,
                     List<RuleOutcome> rules, List<ReferenceSetUse> references) {
        this(policy, tee, status, trustVector, rules, references, null);
    }

    /** The rules that did not hold (false or error), in policy order. */
    public List<RuleOutcome> failedRules() {
        List<RuleOutcome> out = new ArrayList<>();
        for (RuleOutcome r : rules) {
            if (r.failed()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Whether the policy denies: the status is contraindicated. */
    public boolean denied() {
        return status == EarStatus.CONTRAINDICATED;
    }

    /** The full explanation as a JSON-friendly map (for the log, the admin API and dry runs). */
    public Map<String, Object> toExplanation() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy_id", policy.id());
        m.put("policy_version", policy.version());
        m.put("policy_hash", policy.contentHash());
        m.put("tee", tee);
        m.put("status", status.value());
        m.put("trust_vector", trustVector.toEarMap());
        List<Object> r = new ArrayList<>();
        for (RuleOutcome o : rules) {
            r.add(o.toMap());
        }
        m.put("rules", r);
        List<Object> refs = new ArrayList<>();
        for (ReferenceSetUse u : references) {
            refs.add(u.toMap());
        }
        m.put("references", refs);
        return Collections.unmodifiableMap(m);
    }
}

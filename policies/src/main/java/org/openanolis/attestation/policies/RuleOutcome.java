package org.openanolis.attestation.policies;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The explanation of one rule: what it asked, whether it held, what it put into the trust vector,
 * and every claim and reference value it read (by path; {@code null} where the path was absent).
 *
 * @param error the evaluation error when {@code result} is {@link Result#ERROR} (a missing claim,
 *              a type mismatch at run time); such a rule counts as failed (fail closed)
 */
public record RuleOutcome(String rule, String description, String expression, TrustComponent component,
                          Result result, EarStatus status, int claim, String error,
                          Map<String, Object> claimsRead, Map<String, Object> referencesRead) {
    /** How a rule ended. */
    public enum Result {
        /** The expression was {@code true}. */
        PASS,
        /** The expression was {@code false}. */
        FAIL,
        /** The expression could not be evaluated; treated as a failure. */
        ERROR;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public RuleOutcome {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(result, "result");
        claimsRead = immutable(claimsRead);
        referencesRead = immutable(referencesRead);
    }

    /** An immutable copy that keeps order and allows null (absent) values. */
    private static Map<String, Object> immutable(Map<String, Object> m) {
        if (m.isEmpty()) {
            return Map.of();
        }
        if (m.size() == 1) {
            Map.Entry<String, Object> e = m.entrySet().iterator().next();
            return Collections.singletonMap(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** Whether the rule did not hold (false or error). */
    public boolean failed() {
        return result != Result.PASS;
    }

    /** The outcome as a JSON-friendly map for explanations, logs and the admin API. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", rule);
        if (description != null) {
            m.put("description", description);
        }
        m.put("expr", expression);
        m.put("component", component.key());
        m.put("result", result.value());
        m.put("status", status.value());
        m.put("claim", claim);
        if (error != null) {
            m.put("error", error);
        }
        m.put("claims_read", claimsRead);
        m.put("references_read", referencesRead);
        return Collections.unmodifiableMap(m);
    }
}

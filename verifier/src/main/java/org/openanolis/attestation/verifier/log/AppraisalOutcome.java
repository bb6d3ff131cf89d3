package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openanolis.attestation.errors.ReasonCode;

/**
 * What an appraisal decided: the EAR status, the primary reason code (null when nothing failed)
 * and a structured explanation (rule → result, as the policy engine reports it).
 *
 * <p>The explanation is a JSON-like tree of {@code String}, {@code Long}, {@code Boolean},
 * {@code null}, {@code List} and {@code Map<String, ?>}; integers are normalised to {@code Long} and
 * the tree is copied into unmodifiable collections so that equal outcomes are {@code equals}.
 */
public record AppraisalOutcome(EarStatus status, ReasonCode reason, Map<String, Object> explanation) {
    public AppraisalOutcome {
        Objects.requireNonNull(status, "outcome.status");
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) freeze(Objects.requireNonNull(explanation,
                "outcome.explanation"), "outcome.explanation");
        explanation = copy;
    }

    /** Deep, unmodifiable copy of a JSON-like value; rejects types the log cannot encode. */
    static Object freeze(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(freeze(list.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException(path + ": keys must be strings");
                }
                out.put(k, freeze(e.getValue(), path + "." + k));
            }
            return Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException(path + ": " + value.getClass().getSimpleName()
                + " is not a JSON-like value the log can record (bytes go in as hex strings)");
    }
}

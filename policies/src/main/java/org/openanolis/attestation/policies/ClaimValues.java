package org.openanolis.attestation.policies;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Claims in the form CEL evaluates: an immutable deep copy in which every integer is a
 * {@link Long} (CEL's {@code int}; a Java {@code Integer} would match no overload of {@code <}),
 * maps have string keys, and only String, Long, Boolean, Double, List and Map remain. A map entry
 * whose value is {@code null} is dropped: to a policy, an unknown value is an absent one
 * ({@code has(claims.x)} is false).
 */
public final class ClaimValues {
    private ClaimValues() {}

    /** An immutable copy of {@code claims} in CEL form. */
    public static Map<String, Object> normalizeMap(Map<String, ?> claims) {
        Map<String, Object> out = new LinkedHashMap<>(claims.size() * 2);
        for (Map.Entry<String, ?> e : claims.entrySet()) {
            if (e.getValue() != null) {
                out.put(e.getKey(), normalize(e.getValue()));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** One value in CEL form. */
    public static Object normalize(Object v) {
        if (v instanceof String || v instanceof Long || v instanceof Boolean || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(normalize(o));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException("claim map keys must be strings: " + e.getKey());
                }
                if (e.getValue() != null) {
                    out.put(k, normalize(e.getValue()));
                }
            }
            return Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException("not a JSON-friendly claim value: "
                + (v == null ? "null" : v.getClass().getName()));
    }
}

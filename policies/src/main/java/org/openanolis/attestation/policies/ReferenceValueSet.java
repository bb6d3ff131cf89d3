package org.openanolis.attestation.policies;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named set of reference values (MRTD and RTMR values, SNP measurements, GPU driver versions,
 * ...) with provenance, an optional validity window and the values revoked from it. Revoked values
 * are kept (with who, when and why) but never offered to policies. Shape:
 * <pre>
 * name: tdx_images              # [a-z][a-z0-9_]*: policies read it as reference.tdx_images
 * description: ...
 * provenance: {source: ci, build: "1234"}   # string to string, free
 * valid_from: 2025-01-01T00:00:00Z          # optional
 * valid_until: 2026-01-01T00:00:00Z         # optional
 * values:                                    # key: a scalar or a list of scalars
 *   mr_td: ["5f3c...", "a1b2..."]
 *   min_guest_svn: 3
 * revoked:
 *   - {key: mr_td, value: "0c2f...", reason: "CVE-...", revoked_at: ..., revoked_by: alice}
 * </pre>
 * Long hexadecimal strings must be lower-case, the encoding of every claim.
 */
public record ReferenceValueSet(String name, String description, Map<String, String> provenance,
                                Instant validFrom, Instant validUntil, Map<String, Object> values,
                                List<RevokedValue> revoked) {
    /** Names of sets and of their keys: usable as CEL field selections. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern UPPER_HEX = Pattern.compile("(?=.*[A-F])[0-9A-Fa-f]{16,}");

    private static final Set<String> TOP_KEYS = Set.of("name", "description", "provenance", "valid_from",
            "valid_until", "values", "revoked");
    private static final Set<String> REVOKED_KEYS = Set.of("key", "value", "reason", "revoked_at", "revoked_by");

    /** A value taken out of the set, kept for the record. */
    public record RevokedValue(String key, Object value, String reason, Instant revokedAt, String revokedBy) {
        public RevokedValue {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(revokedAt, "revokedAt");
            Objects.requireNonNull(revokedBy, "revokedBy");
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            m.put("value", value);
            if (reason != null) {
                m.put("reason", reason);
            }
            m.put("revoked_at", revokedAt.toString());
            m.put("revoked_by", revokedBy);
            return m;
        }
    }

    public ReferenceValueSet {
        Objects.requireNonNull(name, "name");
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        values = ClaimValues.normalizeMap(values);
        revoked = List.copyOf(revoked);
        if (validFrom != null && validUntil != null && validUntil.isBefore(validFrom)) {
            throw new IllegalArgumentException("valid_until before valid_from");
        }
    }

    /** Whether the set may be used at {@code instant}. */
    public boolean isValidAt(Instant instant) {
        return (validFrom == null || !instant.isBefore(validFrom)) && (validUntil == null || instant.isBefore(validUntil));
    }

    /** The values as policies see them: revoked values removed (they are already out of {@link #values()}). */
    public Map<String, Object> policyView() {
        return values;
    }

    /**
     * This set with {@code value} of {@code key} revoked: removed from {@link #values()} and recorded
     * in {@link #revoked()}.
     */
    public ReferenceValueSet revoke(String key, Object value, String reason, Instant at, String by) throws PolicyException {
        Object normalized = ClaimValues.normalize(value);
        Object current = values.get(key);
        Map<String, Object> newValues = new LinkedHashMap<>(values);
        if (current instanceof List<?> list && list.contains(normalized)) {
            List<Object> rest = new ArrayList<>(list);
            rest.remove(normalized);
            newValues.put(key, rest);
        } else if (current != null && current.equals(normalized)) {
            newValues.remove(key);
        } else {
            throw new PolicyException(PolicyException.Code.NOT_FOUND, "values." + key,
                    "value not in reference set " + name + " under " + key);
        }
        List<RevokedValue> newRevoked = new ArrayList<>(revoked);
        newRevoked.add(new RevokedValue(key, normalized, reason, at, by));
        return new ReferenceValueSet(name, description, provenance, validFrom, validUntil, newValues, newRevoked);
    }

    /** The set as a JSON-friendly map, in the document shape {@link #parse} reads. */
    public Map<String, Object> toDocument() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (description != null) {
            m.put("description", description);
        }
        if (!provenance.isEmpty()) {
            m.put("provenance", provenance);
        }
        if (validFrom != null) {
            m.put("valid_from", validFrom.toString());
        }
        if (validUntil != null) {
            m.put("valid_until", validUntil.toString());
        }
        m.put("values", values);
        if (!revoked.isEmpty()) {
            List<Object> r = new ArrayList<>();
            for (RevokedValue v : revoked) {
                r.add(v.toMap());
            }
            m.put("revoked", r);
        }
        return m;
    }

    /** Parses and validates a reference-value set document. */
    public static ReferenceValueSet parse(byte[] content, DocumentFormat format) throws PolicyException {
        DocumentFields f = new DocumentFields(format.parse(content), "", TOP_KEYS);
        String name = f.requiredText("name");
        if (!NAME.matcher(name).matches()) {
            throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "name", "must match " + NAME.pattern());
        }
        Map<String, String> provenance = new LinkedHashMap<>();
        if (f.has("provenance")) {
            JsonNode p = f.get("provenance");
            if (!p.isObject()) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "provenance", "must be a mapping");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "provenance." + e.getKey(), "must be a scalar");
                }
                provenance.put(e.getKey(), e.getValue().asText());
            }
        }
        Instant validFrom = f.optionalInstant("valid_from");
        Instant validUntil = f.optionalInstant("valid_until");
        if (validFrom != null && validUntil != null && validUntil.isBefore(validFrom)) {
            throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "valid_until", "before valid_from");
        }
        if (!f.has("values")) {
            throw DocumentFields.invalid(PolicyException.Code.MISSING_KEY, "values", "required");
        }
        JsonNode v = f.get("values");
        if (!v.isObject()) {
            throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "values", "must be a mapping");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "values." + e.getKey();
            if (!NAME.matcher(e.getKey()).matches()) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, field, "key must match " + NAME.pattern());
            }
            JsonNode n = e.getValue();
            if (n.isArray()) {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < n.size(); i++) {
                    list.add(scalar(n.get(i), field + "[" + i + "]"));
                }
                values.put(e.getKey(), list);
            } else {
                values.put(e.getKey(), scalar(n, field));
            }
        }
        List<RevokedValue> revoked = new ArrayList<>();
        if (f.has("revoked")) {
            JsonNode r = f.get("revoked");
            if (!r.isArray()) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "revoked", "must be a list");
            }
            for (int i = 0; i < r.size(); i++) {
                String path = "revoked[" + i + "]";
                DocumentFields rf = new DocumentFields(r.get(i), path, REVOKED_KEYS);
                if (!rf.has("value")) {
                    throw DocumentFields.invalid(PolicyException.Code.MISSING_KEY, rf.field("value"), "required");
                }
                Instant at = rf.optionalInstant("revoked_at");
                if (at == null) {
                    throw DocumentFields.invalid(PolicyException.Code.MISSING_KEY, rf.field("revoked_at"), "required");
                }
                revoked.add(new RevokedValue(rf.requiredText("key"), scalar(rf.get("value"), rf.field("value")),
                        rf.optionalText("reason"), at, rf.requiredText("revoked_by")));
            }
        }
        return new ReferenceValueSet(name, f.optionalText("description"), provenance, validFrom, validUntil,
                values, revoked);
    }

    private static Object scalar(JsonNode n, String field) throws PolicyException {
        if (n.isTextual()) {
            String s = n.textValue();
            if (UPPER_HEX.matcher(s).matches()) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, field,
                        "hexadecimal values must be lower-case, as claims are");
            }
            return s;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, field, "must be a string, an integer or a boolean");
    }
}

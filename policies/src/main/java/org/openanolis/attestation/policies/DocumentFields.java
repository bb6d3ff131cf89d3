package org.openanolis.attestation.policies;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict reading of one mapping of a document: unknown keys are errors, required keys must be
 * there, and every value has the type the schema says. Each failure names the field path.
 */
final class DocumentFields {
    /** Ids and names: lower-case, digits, {@code . _ -}, starting with a letter or digit. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private final JsonNode node;
    private final String path;

    DocumentFields(JsonNode node, String path, Set<String> allowed) throws PolicyException {
        if (node == null || !node.isObject()) {
            throw invalid(PolicyException.Code.MALFORMED_DOCUMENT, path, "must be a mapping");
        }
        this.node = node;
        this.path = path;
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                throw invalid(PolicyException.Code.UNKNOWN_KEY, field(n), "unknown key (allowed: " + sorted(allowed) + ")");
            }
        }
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    JsonNode get(String key) {
        return node.get(key);
    }

    String requiredText(String key) throws PolicyException {
        if (!has(key)) {
            throw invalid(PolicyException.Code.MISSING_KEY, field(key), "required");
        }
        return text(key);
    }

    String optionalText(String key) throws PolicyException {
        return has(key) ? text(key) : null;
    }

    private String text(String key) throws PolicyException {
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw invalid(PolicyException.Code.INVALID_VALUE, field(key), "must be a string");
        }
        return v.textValue();
    }

    String requiredName(String key) throws PolicyException {
        String v = requiredText(key);
        if (!NAME.matcher(v).matches()) {
            throw invalid(PolicyException.Code.INVALID_VALUE, field(key), "must match " + NAME.pattern());
        }
        return v;
    }

    Integer optionalInt(String key, int min, int max) throws PolicyException {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw invalid(PolicyException.Code.INVALID_VALUE, field(key), "must be an integer in " + min + ".." + max);
        }
        return v.intValue();
    }

    Instant optionalInstant(String key) throws PolicyException {
        String v = optionalText(key);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw invalid(PolicyException.Code.INVALID_VALUE, field(key), "must be an RFC 3339 instant (UTC)");
        }
    }

    List<String> textList(String key, boolean required, Pattern pattern) throws PolicyException {
        if (!has(key)) {
            if (required) {
                throw invalid(PolicyException.Code.MISSING_KEY, field(key), "required");
            }
            return List.of();
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            throw invalid(PolicyException.Code.INVALID_VALUE, field(key), "must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String f = field(key) + "[" + i + "]";
            if (!e.isTextual()) {
                throw invalid(PolicyException.Code.INVALID_VALUE, f, "must be a string");
            }
            if (pattern != null && !pattern.matcher(e.textValue()).matches()) {
                throw invalid(PolicyException.Code.INVALID_VALUE, f, "must match " + pattern.pattern());
            }
            if (out.contains(e.textValue())) {
                throw invalid(PolicyException.Code.INVALID_VALUE, f, "duplicate " + e.textValue());
            }
            out.add(e.textValue());
        }
        if (required && out.isEmpty()) {
            throw invalid(PolicyException.Code.INVALID_VALUE, field(key), "must not be empty");
        }
        return List.copyOf(out);
    }

    static PolicyException invalid(PolicyException.Code code, String field, String message) {
        return new PolicyException(code, field, field + ": " + message, List.of(PolicyIssue.at(field, message)), null);
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", new java.util.TreeSet<>(s));
    }
}

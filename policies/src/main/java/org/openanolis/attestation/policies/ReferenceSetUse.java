package org.openanolis.attestation.policies;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which version of a reference-value set an appraisal saw, or why it saw none ({@code state}
 * {@code missing}: no active version; {@code not_valid}: outside its validity window).
 */
public record ReferenceSetUse(String name, int version, String contentHash, String state, DocumentSource source) {
    /** The set was offered to the policy. */
    public static final String USED = "used";
    /** No active version of the set exists. */
    public static final String MISSING = "missing";
    /** The active version is outside its validity window at the appraisal instant. */
    public static final String NOT_VALID = "not_valid";

    public ReferenceSetUse {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        if (source != null && !source.sha256().equals(contentHash)) {
            throw new IllegalArgumentException("the source's hash is not the content hash");
        }
    }

    /** A use without the set's bytes (tests, benchmarks). */
    public ReferenceSetUse(String name, int version, String contentHash, String state) {
        this(name, version, contentHash, state, null);
    }

    /** The use as a JSON-friendly map ({@code name}, {@code state}, {@code version}, {@code hash}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("state", state);
        if (contentHash != null) {
            m.put("version", version);
            m.put("hash", contentHash);
        }
        return m;
    }
}

package org.openanolis.attestation.verifier.log;

import java.util.Objects;
import java.util.Set;

/**
 * A reference-value set an appraisal's policy declared, and which version it saw.
 *
 * @param name the set's name
 * @param state {@code used} (offered to the policy), {@code not_valid} (the active version was
 *     outside its validity window) or {@code missing} (no active version)
 * @param version the store version read (0 when missing)
 * @param sha256 the digest of the version's document; null when missing
 * @param format {@code yaml} or {@code json} when the document bytes are stored beside the log
 *     under {@code sha256} (once per digest); null when they are not
 */
public record ReferenceSetReference(String name, String state, long version, Sha256Digest sha256, String format) {
    /** The states of a reference-set use, as the policy engine names them. */
    public static final Set<String> STATES = Set.of("used", "not_valid", "missing");

    public ReferenceSetReference {
        LogNames.requireName(name, "reference_values[].name");
        Objects.requireNonNull(state, "reference_values[].state");
        if (!STATES.contains(state)) {
            throw new IllegalArgumentException("reference_values[].state must be one of " + STATES + ", got " + state);
        }
        if (version < 0) {
            throw new IllegalArgumentException("reference_values[].version must not be negative");
        }
        if (state.equals("missing") != (sha256 == null)) {
            throw new IllegalArgumentException("reference_values[].sha256 is null exactly when the set is missing");
        }
        if (format != null && (sha256 == null || !AppliedPolicy.FORMATS.contains(format))) {
            throw new IllegalArgumentException("reference_values[].format must be yaml or json, and only with a digest");
        }
    }

    /** Whether the set's document is stored beside the log. */
    public boolean documentRecorded() {
        return format != null;
    }
}

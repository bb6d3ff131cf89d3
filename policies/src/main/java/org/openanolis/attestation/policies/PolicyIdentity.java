package org.openanolis.attestation.policies;

import java.util.Objects;

/**
 * Which policy decided: its id, its store version (0 for a built-in default) and the SHA-256 of
 * its document bytes (lower-case hex). The EAR token and the verification log carry all three.
 */
public record PolicyIdentity(String id, int version, String contentHash) {
    public PolicyIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(contentHash, "contentHash");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0");
        }
    }

    /** Whether this is a built-in default policy rather than a stored version. */
    public boolean builtIn() {
        return version == 0;
    }

    /** {@code id@version#hash-prefix}, for {@code ear.appraisal-policy-id} and logs. */
    public String reference() {
        return id + "@" + version + "#" + contentHash.substring(0, Math.min(16, contentHash.length()));
    }
}

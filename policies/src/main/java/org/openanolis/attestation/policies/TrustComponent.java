package org.openanolis.attestation.policies;

import java.util.Optional;

/**
 * The eight components of the AR4SI trustworthiness vector (draft-ietf-rats-ar4si, section 2.3),
 * the axes a policy rule decides. Policy documents name them in snake_case ({@link #key()}); EAR
 * tokens carry the hyphenated names ({@link #earName()}).
 */
public enum TrustComponent {
    INSTANCE_IDENTITY("instance_identity", "instance-identity"),
    CONFIGURATION("configuration", "configuration"),
    EXECUTABLES("executables", "executables"),
    FILE_SYSTEM("file_system", "file-system"),
    HARDWARE("hardware", "hardware"),
    RUNTIME_OPAQUE("runtime_opaque", "runtime-opaque"),
    STORAGE_OPAQUE("storage_opaque", "storage-opaque"),
    SOURCED_DATA("sourced_data", "sourced-data");

    private final String key;
    private final String earName;

    TrustComponent(String key, String earName) {
        this.key = key;
        this.earName = earName;
    }

    /** The name used in policy documents and explanations, e.g. {@code file_system}. */
    public String key() { return key; }

    /** The name used in {@code ear.trustworthiness-vector}, e.g. {@code file-system}. */
    public String earName() { return earName; }

    /** The component named {@code key} in a policy document, if any. */
    public static Optional<TrustComponent> fromKey(String key) {
        for (TrustComponent c : values()) {
            if (c.key.equals(key)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}

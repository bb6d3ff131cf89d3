package org.openanolis.attestation.verifier.log;

/** Validation of the short names (submodules, kinds, ids) that entries carry. */
final class LogNames {
    private LogNames() {}

    static String requireName(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(field + " must be printable ASCII without spaces: " + value);
            }
        }
        return value;
    }
}

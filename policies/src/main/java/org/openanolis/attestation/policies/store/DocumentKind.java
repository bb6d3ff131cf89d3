package org.openanolis.attestation.policies.store;

/** What a stored document is; the {@code kind} column. */
public enum DocumentKind {
    POLICY("policy"), REFERENCE_SET("reference_set");

    private final String column;

    DocumentKind(String column) {
        this.column = column;
    }

    /** The value stored in the {@code kind} column. */
    public String column() {
        return column;
    }
}

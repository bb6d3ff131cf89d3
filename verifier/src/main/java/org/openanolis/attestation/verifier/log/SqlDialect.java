package org.openanolis.attestation.verifier.log;

/** The two databases the log runs on; the name is Flyway's {@code {vendor}} directory. */
public enum SqlDialect {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String vendor;

    SqlDialect(String vendor) {
        this.vendor = vendor;
    }

    /** The migration directory under {@code db/migration/}. */
    public String vendor() {
        return vendor;
    }
}

package org.openanolis.attestation.parsers.tdx;

/**
 * The TEE a DCAP quote comes from: header field {@code tee_type} at offset 4 (Intel DCAP Quote
 * Library API, "Quote Header"; {@code tdx-verification.md} 1.1).
 */
public enum TeeType {
    /** {@code 0x00000000}: an SGX enclave quote (v3, or v5 with body type 1). */
    SGX(0x00000000L, "sgx"),
    /** {@code 0x00000081}: a TDX TD quote (v4, or v5 with body type 2 or 3). */
    TDX(0x00000081L, "tdx");

    private final long code;
    private final String claimName;

    TeeType(long code, String claimName) {
        this.code = code;
        this.claimName = claimName;
    }

    /** The numeric value of the header field. */
    public long code() {
        return code;
    }

    /** The lower-case name used in bundles and claims ({@code tdx}, {@code sgx}). */
    public String claimName() {
        return claimName;
    }
}

package org.openanolis.attestation.parsers.tdx;

/**
 * The report body a quote carries. Quote v5 names it in the body descriptor at offset 48
 * ({@code body_type u16, body_size u32}); v3 always carries an SGX enclave report and v4 a TD
 * report 1.0 ({@code tdx-verification.md} 1.2).
 */
public enum BodyType {
    /** Type 1: SGX enclave report, 384 bytes. */
    SGX_ENCLAVE_REPORT(1, EnclaveReport.SIZE, TeeType.SGX),
    /** Type 2: TD report body 1.0, 584 bytes. */
    TD_REPORT_10(2, TdReport.SIZE_10, TeeType.TDX),
    /** Type 3: TD report body 1.5 (adds TEE_TCB_SVN2 and MRSERVICETD), 648 bytes. */
    TD_REPORT_15(3, TdReport.SIZE_15, TeeType.TDX);

    private final int code;
    private final int size;
    private final TeeType tee;

    BodyType(int code, int size, TeeType tee) {
        this.code = code;
        this.size = size;
        this.tee = tee;
    }

    /** The v5 body descriptor's {@code body_type} value. */
    public int code() {
        return code;
    }

    /** The fixed size of this body in bytes. */
    public int size() {
        return size;
    }

    /** The TEE this body belongs to. */
    public TeeType tee() {
        return tee;
    }

    /** The body type with descriptor value {@code code}, or null. */
    public static BodyType fromCode(int code) {
        for (BodyType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}

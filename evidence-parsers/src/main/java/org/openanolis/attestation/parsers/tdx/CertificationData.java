package org.openanolis.attestation.parsers.tdx;

import java.util.Objects;

/**
 * The innermost certification data of a quote: type 1..5 and its bytes. Type 5 is the PCK
 * certificate chain as PEM (leaf, PCK CA, root, often NUL-terminated, in any order); types 1..4
 * carry a PPID and need the chain from the collateral ({@code tdx-verification.md} 1.4).
 */
public final class CertificationData {
    /** Type 5: PCK certificate chain in PEM. */
    public static final int PCK_CERT_CHAIN = 5;
    /** Type 6: QE report certification data (the v4/v5 wrapper). */
    public static final int QE_REPORT_CERTIFICATION_DATA = 6;

    private final int type;
    private final byte[] data;

    public CertificationData(int type, byte[] data) {
        this.type = type;
        this.data = Objects.requireNonNull(data, "data").clone();
    }

    /** Certification data type (1..5). */
    public int type() {
        return type;
    }

    /** A copy of the data bytes. */
    public byte[] data() {
        return data.clone();
    }

    /** Size of the data in bytes. */
    public int size() {
        return data.length;
    }
}

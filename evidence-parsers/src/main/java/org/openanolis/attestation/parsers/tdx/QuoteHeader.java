package org.openanolis.attestation.parsers.tdx;

import java.util.Objects;

/**
 * The 48-byte quote header ({@code tdx-verification.md} 1.1): version (offset 0), attestation key
 * type (2), TEE type (4), QE vendor id (12, 16 bytes), user data (28, 20 bytes; the first 16 are
 * the QE id). The parser has already checked every value it accepts.
 */
public record QuoteHeader(int version, int attestationKeyType, TeeType teeType, String qeVendorIdHex,
                          String userDataHex) {
    /** Size of the header in bytes. */
    public static final int SIZE = 48;
    /** Attestation key type 2: ECDSA-256-with-P-256. */
    public static final int ECDSA_P256 = 2;
    /** The Intel QE vendor id {@code 939A7233F79C4CA9940A0DB3957F0607}. */
    public static final String INTEL_QE_VENDOR_ID = "939a7233f79c4ca9940a0db3957f0607";

    public QuoteHeader {
        Objects.requireNonNull(teeType, "teeType");
        Objects.requireNonNull(qeVendorIdHex, "qeVendorIdHex");
        Objects.requireNonNull(userDataHex, "userDataHex");
    }
}

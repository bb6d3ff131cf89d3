package org.openanolis.attestation.parsers.tdx;

import java.util.Arrays;
import java.util.Objects;

/**
 * An SGX enclave report body (384 bytes): the body of an SGX quote and the QE report inside every
 * quote's signature data. Offsets from Intel SGX DCAP "SGX Report Body" ({@code tdx-verification.md}
 * 1.2): CPUSVN 0, MISCSELECT 16, ATTRIBUTES 48, MRENCLAVE 64, MRSIGNER 128, ISVPRODID 256,
 * ISVSVN 258, REPORTDATA 320. Immutable: every accessor returns a copy.
 */
public final class EnclaveReport {
    /** Size of the report body in bytes. */
    public static final int SIZE = 384;

    private final byte[] raw;

    /** Wraps a copy of exactly {@link #SIZE} bytes. */
    public EnclaveReport(byte[] raw) {
        Objects.requireNonNull(raw, "raw");
        if (raw.length != SIZE) {
            throw new IllegalArgumentException("enclave report must be " + SIZE + " bytes, got " + raw.length);
        }
        this.raw = raw.clone();
    }

    private byte[] range(int from, int len) {
        return Arrays.copyOfRange(raw, from, from + len);
    }

    private int u16(int off) {
        return (raw[off] & 0xff) | (raw[off + 1] & 0xff) << 8;
    }

    /** All 384 bytes (what the QE report signature covers). */
    public byte[] raw() {
        return raw.clone();
    }

    /** CPUSVN, offset 0, 16 bytes. */
    public byte[] cpuSvn() {
        return range(0, 16);
    }

    /** MISCSELECT as its 4 raw little-endian bytes, offset 16. */
    public byte[] miscSelect() {
        return range(16, 4);
    }

    /** ATTRIBUTES, offset 48, 16 bytes (byte 0 bit 1 is DEBUG). */
    public byte[] attributes() {
        return range(48, 16);
    }

    /** MRENCLAVE, offset 64, 32 bytes. */
    public byte[] mrEnclave() {
        return range(64, 32);
    }

    /** MRSIGNER, offset 128, 32 bytes. */
    public byte[] mrSigner() {
        return range(128, 32);
    }

    /** ISVPRODID, offset 256, u16 little-endian. */
    public int isvProdId() {
        return u16(256);
    }

    /** ISVSVN, offset 258, u16 little-endian. */
    public int isvSvn() {
        return u16(258);
    }

    /** REPORTDATA, offset 320, 64 bytes. */
    public byte[] reportData() {
        return range(320, 64);
    }

    /** True when ATTRIBUTES.DEBUG (byte 48 bit 1) is set. */
    public boolean debug() {
        return (raw[48] & 0x02) != 0;
    }
}

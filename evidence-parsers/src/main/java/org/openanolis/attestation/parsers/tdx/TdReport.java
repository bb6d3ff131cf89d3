package org.openanolis.attestation.parsers.tdx;

import java.util.Arrays;
import java.util.Objects;

/**
 * A TD report body, version 1.0 (584 bytes) or 1.5 (648 bytes). Offsets from Intel TDX DCAP
 * Quoting Library API, "TD Quote Body" / "TD Quote Body 1.5" ({@code tdx-verification.md} 1.2):
 * TEE_TCB_SVN 0, MRSEAM 16, MRSIGNERSEAM 64, SEAMATTRIBUTES 112, TDATTRIBUTES 120, XFAM 128,
 * MRTD 136, MRCONFIGID 184, MROWNER 232, MROWNERCONFIG 280, RTMR0..3 328, REPORTDATA 520,
 * TEE_TCB_SVN2 584 (1.5), MRSERVICETD 600 (1.5). Immutable: every accessor returns a copy.
 */
public final class TdReport {
    /** Size of a TD report body 1.0. */
    public static final int SIZE_10 = 584;
    /** Size of a TD report body 1.5. */
    public static final int SIZE_15 = 648;

    private final byte[] raw;

    /** Wraps a copy of exactly {@link #SIZE_10} or {@link #SIZE_15} bytes. */
    public TdReport(byte[] raw) {
        Objects.requireNonNull(raw, "raw");
        if (raw.length != SIZE_10 && raw.length != SIZE_15) {
            throw new IllegalArgumentException("TD report must be 584 or 648 bytes, got " + raw.length);
        }
        this.raw = raw.clone();
    }

    private byte[] range(int from, int len) {
        return Arrays.copyOfRange(raw, from, from + len);
    }

    /** True for a TD report body 1.5 (quote v5 body type 3). */
    public boolean isVersion15() {
        return raw.length == SIZE_15;
    }

    /** TEE_TCB_SVN, offset 0, 16 bytes: [0] module minor SVN, [1] module major version, [2] late microcode SVN. */
    public byte[] teeTcbSvn() {
        return range(0, 16);
    }

    /** One byte of TEE_TCB_SVN as an unsigned value. */
    public int teeTcbSvn(int index) {
        Objects.checkIndex(index, 16);
        return raw[index] & 0xff;
    }

    /** MRSEAM, offset 16, 48 bytes. */
    public byte[] mrSeam() {
        return range(16, 48);
    }

    /** MRSIGNERSEAM, offset 64, 48 bytes (zero for Intel-signed modules). */
    public byte[] mrSignerSeam() {
        return range(64, 48);
    }

    /** SEAMATTRIBUTES, offset 112, 8 bytes. */
    public byte[] seamAttributes() {
        return range(112, 8);
    }

    /** TDATTRIBUTES, offset 120, 8 bytes in quote (little-endian) order. */
    public byte[] tdAttributes() {
        return range(120, 8);
    }

    /** XFAM, offset 128, 8 bytes. */
    public byte[] xfam() {
        return range(128, 8);
    }

    /** MRTD, offset 136, 48 bytes. */
    public byte[] mrTd() {
        return range(136, 48);
    }

    /** MRCONFIGID, offset 184, 48 bytes. */
    public byte[] mrConfigId() {
        return range(184, 48);
    }

    /** MROWNER, offset 232, 48 bytes. */
    public byte[] mrOwner() {
        return range(232, 48);
    }

    /** MROWNERCONFIG, offset 280, 48 bytes. */
    public byte[] mrOwnerConfig() {
        return range(280, 48);
    }

    /** RTMR{@code index} (0..3), offset 328 + 48 * index, 48 bytes. */
    public byte[] rtmr(int index) {
        Objects.checkIndex(index, 4);
        return range(328 + 48 * index, 48);
    }

    /** REPORTDATA, offset 520, 64 bytes. */
    public byte[] reportData() {
        return range(520, 64);
    }

    /** TEE_TCB_SVN2, offset 584, 16 bytes; TD report 1.5 only. */
    public byte[] teeTcbSvn2() {
        requireV15();
        return range(584, 16);
    }

    /** MRSERVICETD, offset 600, 48 bytes; TD report 1.5 only. */
    public byte[] mrServiceTd() {
        requireV15();
        return range(600, 48);
    }

    private void requireV15() {
        if (!isVersion15()) {
            throw new IllegalStateException("field only present in TD report body 1.5");
        }
    }

    /** TDATTRIBUTES.TUD.DEBUG: bit 0. */
    public boolean debug() {
        return (raw[120] & 0x01) != 0;
    }

    /** TDATTRIBUTES.SEPT_VE_DISABLE: bit 28. */
    public boolean septVeDisable() {
        return (raw[120 + 3] & 0x10) != 0;
    }
}

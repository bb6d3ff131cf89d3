package org.openanolis.attestation.parsers.snp;

import java.util.Optional;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;

/**
 * A TCB_VERSION (8 bytes, little-endian) decoded with the layout of its product
 * ({@code snp-verification.md} section 3; virtee {@code TcbVersion::from_legacy_bytes} /
 * {@code from_turin_bytes}):
 *
 * <pre>
 * byte   Milan / Genoa   Turin
 * 0      BOOT_LOADER     FMC
 * 1      TEE             BOOT_LOADER
 * 2      reserved        TEE
 * 3      reserved        SNP
 * 4..5   reserved        reserved
 * 6      SNP             reserved
 * 7      MICROCODE       MICROCODE
 * </pre>
 *
 * The layout depends on the product, never on the report version. Decoding does not reject
 * non-zero reserved bytes (they are kept in {@link #reservedBits()}): the VEK binding compares the
 * whole value with the one its SPLs encode, so a reserved byte there fails as a binding mismatch
 * rather than as a parse error that a wrongly chosen layout could cause.
 *
 * @param product the product whose layout decoded {@code raw}
 * @param raw the field as a little-endian 64-bit value
 * @param fmc the FMC SPL on Turin; empty for Milan and Genoa, which have none
 */
public record SnpTcbVersion(AmdProduct product, long raw, Optional<Integer> fmc, int bootloader, int tee, int snp,
                            int microcode) {

    /** Bytes 2..5 of the Milan/Genoa layout. */
    private static final long LEGACY_RESERVED = 0x0000_FFFF_FFFF_0000L;
    /** Bytes 4..6 of the Turin layout. */
    private static final long TURIN_RESERVED = 0x00FF_FFFF_0000_0000L;

    public SnpTcbVersion {
        if (fmc.isPresent() != (product == AmdProduct.TURIN)) {
            throw new IllegalArgumentException("fmc is present exactly for Turin");
        }
    }

    private static int at(long raw, int index) {
        return (int) (raw >>> (8 * index) & 0xff);
    }

    /** Decodes {@code raw} with {@code product}'s layout. */
    public static SnpTcbVersion decode(long raw, AmdProduct product) {
        if (product == AmdProduct.TURIN) {
            return new SnpTcbVersion(product, raw, Optional.of(at(raw, 0)), at(raw, 1), at(raw, 2), at(raw, 3),
                    at(raw, 7));
        }
        return new SnpTcbVersion(product, raw, Optional.empty(), at(raw, 0), at(raw, 1), at(raw, 6), at(raw, 7));
    }

    /**
     * The TCB_VERSION that the given SPLs encode in {@code product}'s layout, reserved bytes zero.
     * {@code fmc} is used on Turin only.
     */
    public static long encode(AmdProduct product, int fmc, int bootloader, int tee, int snp, int microcode) {
        if (product == AmdProduct.TURIN) {
            return (long) (microcode & 0xff) << 56 | (long) (snp & 0xff) << 24 | (long) (tee & 0xff) << 16
                    | (long) (bootloader & 0xff) << 8 | (fmc & 0xff);
        }
        return (long) (microcode & 0xff) << 56 | (long) (snp & 0xff) << 48 | (long) (tee & 0xff) << 8
                | (bootloader & 0xff);
    }

    /** The bits of the layout's reserved bytes that are set (normally zero). */
    public long reservedBits() {
        return raw & (product == AmdProduct.TURIN ? TURIN_RESERVED : LEGACY_RESERVED);
    }

    /** The raw value as 16 lower-case hex digits (the u64 as a number, most significant first). */
    public String rawHex() {
        String h = Long.toHexString(raw);
        return "0".repeat(16 - h.length()) + h;
    }
}

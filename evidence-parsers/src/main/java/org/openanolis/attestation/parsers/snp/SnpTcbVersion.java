package org.openanolis.attestation.parsers.snp;

import java.util.Optional;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.errors.VerificationException;

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
 * The layout depends on the product, never on the report version. Reserved bytes must be zero.
 *
 * @param product the product whose layout decoded {@code raw}
 * @param raw the field as a little-endian 64-bit value
 * @param fmc the FMC SPL on Turin; empty for Milan and Genoa, which have none
 */
public record SnpTcbVersion(AmdProduct product, long raw, Optional<Integer> fmc, int bootloader, int tee, int snp,
                            int microcode) {

    public SnpTcbVersion {
        if (fmc.isPresent() != (product == AmdProduct.TURIN)) {
            throw new IllegalArgumentException("fmc is present exactly for Turin");
        }
    }

    private static int at(long raw, int index) {
        return (int) (raw >>> (8 * index) & 0xff);
    }

    /**
     * Decodes {@code raw} with {@code product}'s layout.
     *
     * @param field the report field, for errors (e.g. {@code report.reported_tcb})
     * @param offset the field's offset in the report, for errors
     * @throws VerificationException MALFORMED_EVIDENCE when a reserved byte of that layout is not zero
     */
    public static SnpTcbVersion decode(long raw, AmdProduct product, String field, int offset)
            throws VerificationException {
        int[] reserved = product == AmdProduct.TURIN ? new int[] {4, 5, 6} : new int[] {2, 3, 4, 5};
        for (int i : reserved) {
            if (at(raw, i) != 0) {
                throw VerificationException.malformed(field, offset + i,
                        "reserved TCB_VERSION byte " + i + " not zero in the " + product + " layout");
            }
        }
        if (product == AmdProduct.TURIN) {
            return new SnpTcbVersion(product, raw, Optional.of(at(raw, 0)), at(raw, 1), at(raw, 2), at(raw, 3),
                    at(raw, 7));
        }
        return new SnpTcbVersion(product, raw, Optional.empty(), at(raw, 0), at(raw, 1), at(raw, 6), at(raw, 7));
    }

    /** The raw value as 16 lower-case hex digits (the u64 as a number, most significant first). */
    public String rawHex() {
        return String.format("%016x", raw);
    }
}

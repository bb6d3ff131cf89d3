package org.openanolis.attestation.parsers.snp;

import java.util.Optional;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;

/**
 * Which EPYC generation a report or a VEK belongs to ({@code snp-verification.md} section 4).
 * The report version never decides it: GCP Milan emits v5 and old Turin firmware emits v2.
 */
public final class SnpProducts {
    private SnpProducts() {}

    /**
     * The product of a CPUID identification (report v3+): family 0x19 models 0x00..0x0F are Milan;
     * 0x10..0x1F and 0xA0..0xAF (Siena, Bergamo) are Genoa; family 0x1A models 0x00..0x11 are
     * Turin. Empty for anything else.
     */
    public static Optional<AmdProduct> fromCpuid(SnpCpuid cpuid) {
        int fam = cpuid.family();
        int model = cpuid.model();
        if (fam == 0x19) {
            if (model <= 0x0f) {
                return Optional.of(AmdProduct.MILAN);
            }
            if (model <= 0x1f || (model >= 0xa0 && model <= 0xaf)) {
                return Optional.of(AmdProduct.GENOA);
            }
        } else if (fam == 0x1a && model <= 0x11) {
            return Optional.of(AmdProduct.TURIN);
        }
        return Optional.empty();
    }

    /**
     * The product of a VEK {@code productName} extension: {@code Milan-B0}, {@code Milan-B1} and
     * {@code Milan} (VLEKs carry no stepping) are Milan; likewise {@code Genoa[-..]} and
     * {@code Turin[-..]}. Matching is exact on the part before the first hyphen.
     */
    public static Optional<AmdProduct> fromVekProductName(String productName) {
        int dash = productName.indexOf('-');
        String family = dash < 0 ? productName : productName.substring(0, dash);
        for (AmdProduct p : AmdProduct.values()) {
            if (displayName(p).equals(family)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** AMD's spelling in certificate names and KDS URLs: {@code Milan}, {@code Genoa}, {@code Turin}. */
    public static String displayName(AmdProduct product) {
        String n = product.name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}

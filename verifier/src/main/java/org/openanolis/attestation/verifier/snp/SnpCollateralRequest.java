package org.openanolis.attestation.verifier.snp;

import java.util.Objects;
import java.util.Optional;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.parsers.snp.SnpReport;
import org.openanolis.attestation.parsers.snp.SnpSigningKey;

/**
 * What a parsed report needs from a collateral source: the key kind that signed it and, for AMD
 * KDS look-ups, the product (known from the CPUID bytes of v3+ reports; empty for v2, where only
 * the VEK names it), the CHIP_ID and the REPORTED_TCB.
 *
 * @param product the product from CPUID, empty when the report does not identify it
 * @param signingKey VCEK or VLEK: selects the ASK or the ASVK
 * @param chipIdHex CHIP_ID (64 bytes) in lower-case hex; all zeros when masked
 * @param reportedTcb REPORTED_TCB as read (decode with the product layout)
 */
public record SnpCollateralRequest(Optional<AmdProduct> product, SnpSigningKey signingKey, String chipIdHex,
                                   long reportedTcb) {
    public SnpCollateralRequest {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(chipIdHex, "chipIdHex");
    }

    /** The request for {@code report}. */
    public static SnpCollateralRequest of(SnpReport report) {
        return new SnpCollateralRequest(SnpReportVerifier.productFromCpuid(report), report.signingKey(),
                report.chipIdHex(), report.reportedTcb());
    }
}

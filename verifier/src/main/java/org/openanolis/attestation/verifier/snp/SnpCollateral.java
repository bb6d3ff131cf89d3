package org.openanolis.attestation.verifier.snp;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * The collateral one SEV-SNP report is verified with. Only the VEK is required: the ARK is always
 * the pinned one (a supplied ARK is informational and never used) and the ASK/ASVK defaults to the
 * pinned one of the product. A supplied intermediate must be byte-identical to the pinned
 * certificate when the trust anchors pin one, and is verified against the ARK otherwise; a supplied
 * CRL is checked (signed by the ARK, within its window, intermediate not revoked).
 *
 * @param vek the VCEK or VLEK
 * @param intermediate the ASK (VCEK) or ASVK (VLEK), when supplied
 * @param ark the ARK, when supplied (informational: kept for logs and exports, never trusted)
 * @param crl the AMD KDS CRL of the product, when supplied
 */
public record SnpCollateral(X509Certificate vek, Optional<X509Certificate> intermediate, Optional<X509Certificate> ark,
                            Optional<X509CRL> crl) {
    public SnpCollateral {
        Objects.requireNonNull(vek, "vek");
        Objects.requireNonNull(intermediate, "intermediate");
        Objects.requireNonNull(ark, "ark");
        Objects.requireNonNull(crl, "crl");
    }

    /** Only a VEK: pinned ARK and intermediate, no CRL. */
    public static SnpCollateral ofVek(X509Certificate vek) {
        return new SnpCollateral(vek, Optional.empty(), Optional.empty(), Optional.empty());
    }
}

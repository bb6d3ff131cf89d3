package org.openanolis.attestation.verifier.snp;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

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
    /**
     * The collateral of recorded parts ({@code vek}, {@code ask} or {@code asvk}, {@code ark},
     * {@code crl}), as a verification log holds them.
     */
    public static SnpCollateral fromParts(java.util.Map<String, byte[]> c) throws VerificationException {
        byte[] vek = c.get("vek");
        if (vek == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "vek", "no VEK was recorded");
        }
        byte[] inter = c.containsKey("ask") ? c.get("ask") : c.get("asvk");
        Optional<X509Certificate> intermediate = inter == null ? Optional.empty()
                : Optional.of(Certificates.parseCertificate(inter, ReasonCode.COLLATERAL_INVALID, "ask"));
        Optional<X509Certificate> ark = c.get("ark") == null ? Optional.empty()
                : Optional.of(Certificates.parseCertificate(c.get("ark"), ReasonCode.COLLATERAL_INVALID, "ark"));
        return new SnpCollateral(Certificates.parseCertificate(vek, ReasonCode.COLLATERAL_INVALID, "vek"),
                intermediate, ark, c.get("crl") == null ? Optional.empty()
                        : Optional.of(Certificates.parseCrl(c.get("crl"), ReasonCode.COLLATERAL_INVALID, "crl")));
    }

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

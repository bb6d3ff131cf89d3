package org.openanolis.attestation.verifier.snp;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.snp.SnpSigningKey;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * Collateral from an attestation bundle's {@code snp} keys ({@code bundle-format.md}): {@code vek}
 * (DER or PEM), {@code ask} or {@code asvk} (PEM, the first certificate is used), {@code ark}
 * (PEM) and {@code crl} (DER or PEM). The report's SIGNING_KEY selects {@code ask} (VCEK) or
 * {@code asvk} (VLEK); the other one is not used.
 */
public final class BundleSnpCollateralSource implements SnpCollateralSource {
    private final Optional<byte[]> vek;
    private final Optional<byte[]> ask;
    private final Optional<byte[]> asvk;
    private final Optional<byte[]> ark;
    private final Optional<byte[]> crl;

    /** Reads the files the bundle names; the bytes are decoded on request. */
    public BundleSnpCollateralSource(AttestationBundle bundle) throws BundleException {
        this.vek = bundle.collateral("vek");
        this.ask = bundle.collateral("ask");
        this.asvk = bundle.collateral("asvk");
        this.ark = bundle.collateral("ark");
        this.crl = bundle.collateral("crl");
    }

    @Override
    public SnpCollateral collateralFor(SnpCollateralRequest request) throws VerificationException {
        byte[] vekBytes = vek.orElseThrow(() -> new VerificationException(ReasonCode.COLLATERAL_MISSING,
                "collateral.vek", "the bundle has no vek (VCEK or VLEK certificate)"));
        X509Certificate vekCert = Certificates.parseCertificate(vekBytes, ReasonCode.COLLATERAL_INVALID,
                "collateral.vek");
        boolean vlek = request.signingKey() == SnpSigningKey.VLEK;
        Optional<byte[]> icaBytes = vlek ? asvk : ask;
        String icaField = vlek ? "collateral.asvk" : "collateral.ask";
        Optional<X509Certificate> ica = Optional.empty();
        if (icaBytes.isPresent()) {
            ica = Optional.of(Certificates.parseCertificate(icaBytes.get(), ReasonCode.COLLATERAL_INVALID, icaField));
        }
        Optional<X509Certificate> arkCert = Optional.empty();
        if (ark.isPresent()) {
            arkCert = Optional.of(Certificates.parseCertificate(ark.get(), ReasonCode.COLLATERAL_INVALID,
                    "collateral.ark"));
        }
        Optional<X509CRL> crlValue = Optional.empty();
        if (crl.isPresent()) {
            crlValue = Optional.of(Certificates.parseCrl(crl.get(), ReasonCode.COLLATERAL_INVALID, "collateral.crl"));
        }
        return new SnpCollateral(vekCert, ica, arkCert, crlValue);
    }
}

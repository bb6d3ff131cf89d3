package org.openanolis.attestation.verifier.snp;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.UUID;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.snp.SnpCertificateTable;
import org.openanolis.attestation.parsers.snp.SnpSigningKey;

/**
 * Collateral from the certificate table of an extended report (SNP_GET_EXT_REPORT), as a guest
 * sends it with its report: the VCEK or VLEK entry (by the report's SIGNING_KEY), the ASK/ASVK
 * entry, the ARK entry (informational), and optionally a CRL obtained elsewhere. Nothing here is
 * trusted; {@link SnpReportVerifier} checks it all against the pinned roots.
 */
public final class CertificateTableSnpCollateralSource implements SnpCollateralSource {
    private final SnpCertificateTable table;
    private final Optional<X509CRL> crl;

    public CertificateTableSnpCollateralSource(SnpCertificateTable table, Optional<X509CRL> crl) {
        this.table = table;
        this.crl = crl;
    }

    @Override
    public SnpCollateral collateralFor(SnpCollateralRequest request) throws VerificationException {
        boolean vlek = request.signingKey() == SnpSigningKey.VLEK;
        UUID vekGuid = vlek ? SnpCertificateTable.VLEK : SnpCertificateTable.VCEK;
        String vekField = vlek ? "cert_table.vlek" : "cert_table.vcek";
        byte[] vekDer = table.entry(vekGuid).orElseThrow(() -> new VerificationException(
                ReasonCode.COLLATERAL_MISSING, vekField, vekField + ": the certificate table has no entry"));
        X509Certificate vek = Certificates.parseCertificate(vekDer, ReasonCode.COLLATERAL_INVALID, vekField);
        Optional<X509Certificate> ica = Optional.empty();
        Optional<byte[]> icaDer = table.entry(SnpCertificateTable.ASK);
        if (icaDer.isPresent()) {
            ica = Optional.of(Certificates.parseCertificate(icaDer.get(), ReasonCode.COLLATERAL_INVALID,
                    "cert_table.ask"));
        }
        Optional<X509Certificate> ark = Optional.empty();
        Optional<byte[]> arkDer = table.entry(SnpCertificateTable.ARK);
        if (arkDer.isPresent()) {
            ark = Optional.of(Certificates.parseCertificate(arkDer.get(), ReasonCode.COLLATERAL_INVALID,
                    "cert_table.ark"));
        }
        return new SnpCollateral(vek, ica, ark, crl);
    }
}

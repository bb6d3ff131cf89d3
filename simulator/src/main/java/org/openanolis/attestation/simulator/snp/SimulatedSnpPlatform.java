package org.openanolis.attestation.simulator.snp;

import java.security.cert.X509Certificate;
import java.util.function.UnaryOperator;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;

/**
 * One simulated SEV-SNP host: a chip of an {@link AmdTestPki} product at a TCB, with its VCEK.
 * {@link #attest} makes reports the way the firmware would (REPORTED_TCB = the VCEK's TCB,
 * CHIP_ID = its hwID) and signs them; the HTTP service's simulated hosts and the tests use it.
 */
public final class SimulatedSnpPlatform {
    private final AmdTestPki pki;
    private final SimulatedTcb tcb;
    private final byte[] hwId;
    private final AmdTestPki.IssuedVek vcek;

    /**
     * A platform of {@code pki}'s product with the given TCB and hwID (64 bytes on Milan and Genoa,
     * 8 on Turin), with a VCEK issued for exactly that.
     */
    public SimulatedSnpPlatform(AmdTestPki pki, SimulatedTcb tcb, byte[] hwId) {
        int want = pki.product() == AmdProduct.TURIN ? 8 : 64;
        if (hwId.length != want) {
            throw new IllegalArgumentException("hwID must be " + want + " bytes for " + pki.product());
        }
        this.pki = pki;
        this.tcb = tcb;
        this.hwId = hwId.clone();
        this.vcek = pki.issue(pki.vcekSpec(tcb, hwId));
    }

    public AmdTestPki pki() {
        return pki;
    }

    public SimulatedTcb tcb() {
        return tcb;
    }

    /** The chip's hwID, a copy. */
    public byte[] hwId() {
        return hwId.clone();
    }

    /** The VCEK certificate (what KDS would serve for this chip and TCB). */
    public X509Certificate vcek() {
        return vcek.certificate();
    }

    /**
     * The certificate table the host would return with an extended report: VCEK, ASK and ARK
     * (go-sev-guest {@code abi.CertTable} layout).
     */
    public byte[] certificateTable() {
        return new SnpCertificateTableBuilder()
                .entry(SnpCertificateTableBuilder.VCEK, vcek.certificate())
                .entry(SnpCertificateTableBuilder.ASK, pki.ask())
                .entry(SnpCertificateTableBuilder.ARK, pki.ark())
                .build();
    }

    /** A VCEK-signed report with {@code reportData} (64 bytes). */
    public byte[] attest(byte[] reportData) {
        return attest(reportData, UnaryOperator.identity());
    }

    /** As {@link #attest(byte[])}, with the builder adjusted by {@code customize} before signing. */
    public byte[] attest(byte[] reportData, UnaryOperator<SnpReportBuilder> customize) {
        SnpReportBuilder b = SnpReportBuilder.forProduct(pki.product())
                .tcb(tcb)
                .chipIdFromHwId(hwId)
                .reportData(reportData);
        return customize.apply(b).sign(vcek.keyPair().getPrivate());
    }
}

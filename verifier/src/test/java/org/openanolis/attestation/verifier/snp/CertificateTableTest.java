package org.openanolis.attestation.verifier.snp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.openanolis.attestation.verifier.snp.SnpTestPkis.now;
import static org.openanolis.attestation.verifier.snp.SnpTestPkis.pki;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.snp.SnpCertificateTable;
import org.openanolis.attestation.simulator.snp.SimulatedSnpPlatform;
import org.openanolis.attestation.simulator.snp.SimulatedTcb;
import org.openanolis.attestation.simulator.snp.SnpCertificateTableBuilder;

/** The extended-report certificate table: the simulator writes it, the parser reads it back. */
class CertificateTableTest {
    @Test
    void simulatedHostTableVerifies() throws Exception {
        SimulatedSnpPlatform host = new SimulatedSnpPlatform(pki(AmdProduct.GENOA), new SimulatedTcb(0, 10, 0, 25, 84),
                SnpSyntheticPkiTest.hwId(AmdProduct.GENOA, 5));
        byte[] tableBytes = host.certificateTable();
        SnpCertificateTable table = SnpCertificateTable.parse(tableBytes);
        assertEquals(List.of(SnpCertificateTable.VCEK, SnpCertificateTable.ASK, SnpCertificateTable.ARK),
                List.copyOf(table.guids()));
        assertArrayEquals(host.vcek().getEncoded(), table.entry(SnpCertificateTable.VCEK).orElseThrow());
        // RFC 4122 byte order: the first bytes of the VCEK GUID 63da758d-... are 63 da 75 8d.
        assertArrayEquals(new byte[] {0x63, (byte) 0xda, 0x75, (byte) 0x8d}, Arrays.copyOf(tableBytes, 4));
        var source = new CertificateTableSnpCollateralSource(table, Optional.empty());
        var claims = new SnpReportVerifier().verify(host.attest(new byte[64]), source, now()).claims();
        assertEquals("genoa", claims.get("product"));
    }

    @Test
    void vlekReportNeedsAVlekEntry() throws Exception {
        SimulatedSnpPlatform host = new SimulatedSnpPlatform(pki(AmdProduct.MILAN), SnpSyntheticPkiTest.MILAN_TCB,
                SnpSyntheticPkiTest.hwId(AmdProduct.MILAN, 5));
        byte[] report = host.attest(new byte[64], b -> b.signedByVlek(true));
        var source = new CertificateTableSnpCollateralSource(SnpCertificateTable.parse(host.certificateTable()),
                Optional.empty());
        VerificationException e = assertThrows(VerificationException.class,
                () -> new SnpReportVerifier().verify(report, source, now()));
        assertEquals(ReasonCode.COLLATERAL_MISSING, e.code());
        assertEquals("cert_table.vlek", e.field());
    }

    @Test
    void emptyTableHasNoEntries() throws Exception {
        assertEquals(0, SnpCertificateTable.parse(new byte[0]).guids().size());
        assertEquals(0, SnpCertificateTable.parse(new byte[24]).guids().size());
    }

    @Test
    void malformedTables() {
        byte[] good = new SnpCertificateTableBuilder().entry(SnpCertificateTableBuilder.ASK, new byte[] {1, 2, 3}).build();
        byte[] noTerminator = Arrays.copyOf(good, 24);
        byte[] outside = good.clone();
        outside[20] = 9; // length 9 > data
        byte[] intoHeader = good.clone();
        intoHeader[16] = 4; // offset inside the header
        byte[] twice = new SnpCertificateTableBuilder().entry(SnpCertificateTableBuilder.ASK, new byte[] {1})
                .entry(SnpCertificateTableBuilder.ARK, new byte[] {2}).build();
        System.arraycopy(twice, 0, twice, 24, 16); // second GUID := first GUID
        for (byte[] bad : List.of(noTerminator, outside, intoHeader, twice)) {
            VerificationException e = assertThrows(VerificationException.class, () -> SnpCertificateTable.parse(bad));
            assertEquals(ReasonCode.COLLATERAL_INVALID, e.code());
        }
    }
}

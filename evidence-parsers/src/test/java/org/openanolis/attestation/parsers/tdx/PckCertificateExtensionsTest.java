package org.openanolis.attestation.parsers.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** The SGX extension of real PCK certificates (leaf of the chain in each quote). */
class PckCertificateExtensionsTest {
    private static X509Certificate leaf(String set) throws Exception {
        Quote q = QuoteParser.parse(Vectors.quote(set));
        List<X509Certificate> chain = Certificates.parsePemChain(q.signatureData().certificationData().data(),
                ReasonCode.CERT_CHAIN_INVALID, "pck_chain");
        return chain.stream().filter(c -> c.getSubjectX500Principal().getName().contains("SGX PCK Certificate"))
                .findFirst().orElseThrow();
    }

    @Test
    void tdxPlatformPck() throws Exception {
        PckCertificateExtensions e = PckCertificateExtensions.parse(leaf(Vectors.NEAR_V4));
        assertEquals("20a06f000000", e.fmspcHex());
        assertEquals("0000", e.pceIdHex());
        assertEquals(16, e.sgxTcbComponents().length);
        assertEquals(16, e.cpuSvn().length);
        assertEquals(16, e.ppid().length);
        // QVL compares the 16 component INTEGERs; in real certificates they equal the CPUSVN bytes.
        for (int i = 0; i < 16; i++) {
            assertEquals(e.cpuSvn()[i] & 0xff, e.sgxTcbComponent(i));
        }
    }

    @Test
    void sgxProcessorPck() throws Exception {
        PckCertificateExtensions e = PckCertificateExtensions.parse(leaf(Vectors.SGX_V3));
        assertEquals("00a067110000", e.fmspcHex());
    }

    @Test
    void aCertificateWithoutTheExtensionIsNotAPck() throws Exception {
        Quote q = QuoteParser.parse(Vectors.quote(Vectors.NEAR_V4));
        List<X509Certificate> chain = Certificates.parsePemChain(q.signatureData().certificationData().data(),
                ReasonCode.CERT_CHAIN_INVALID, "pck_chain");
        X509Certificate root = chain.stream().filter(c -> c.getSubjectX500Principal().getName().contains("Root"))
                .findFirst().orElseThrow();
        VerificationException ex = assertThrows(VerificationException.class, () -> PckCertificateExtensions.parse(root));
        assertEquals(ReasonCode.CERT_CHAIN_INVALID, ex.code());
    }

    @Test
    void malformedExtensionValues() {
        for (byte[] der : List.of(new byte[0], new byte[] {0x30, 0x00}, new byte[] {0x30, 0x03, 0x30, 0x01, 0x00},
                new byte[] {0x04, 0x01, 0x00})) {
            VerificationException ex = assertThrows(VerificationException.class,
                    () -> PckCertificateExtensions.parseValue(der));
            assertEquals(ReasonCode.CERT_CHAIN_INVALID, ex.code());
        }
    }
}

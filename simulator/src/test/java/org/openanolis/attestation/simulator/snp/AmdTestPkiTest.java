package org.openanolis.attestation.simulator.snp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

class AmdTestPkiTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static AmdTestPki turin;

    @BeforeAll
    static void pki() {
        turin = AmdTestPki.create(AmdProduct.TURIN, START);
    }

    @Test
    void chainIsRsaPssAndVerifies() throws Exception {
        X509Certificate ark = turin.ark();
        ark.verify(ark.getPublicKey());
        turin.ask().verify(ark.getPublicKey());
        turin.asvk().verify(ark.getPublicKey());
        X509Certificate vcek = turin.issue(turin.vcekSpec(new SimulatedTcb(1, 3, 2, 5, 0x61), new byte[8])).certificate();
        vcek.verify(turin.ask().getPublicKey());
        assertEquals("1.2.840.113549.1.1.10", vcek.getSigAlgOID());
        assertEquals(BigInteger.ZERO, vcek.getSerialNumber());
        assertTrue(ark.getSubjectX500Principal().getName().contains("CN=ARK-Turin"));
        assertThrows(java.security.SignatureException.class, () -> vcek.verify(turin.asvk().getPublicKey()));
    }

    @Test
    void hwIdIsRawBytesUnlessWrapped() {
        byte[] id = {1, 2, 3, 4, 5, 6, 7, 8};
        SimulatedTcb tcb = new SimulatedTcb(0, 1, 2, 3, 4);
        X509Certificate raw = turin.issue(turin.vcekSpec(tcb, id)).certificate();
        X509Certificate wrapped = turin.issue(turin.vcekSpec(tcb, id).withHwIdWrapped(true)).certificate();
        byte[] rawContent = ASN1OctetString.getInstance(raw.getExtensionValue("1.3.6.1.4.1.3704.1.4")).getOctets();
        byte[] wrappedContent = ASN1OctetString.getInstance(wrapped.getExtensionValue("1.3.6.1.4.1.3704.1.4")).getOctets();
        assertArrayEquals(id, rawContent);
        assertEquals(10, wrappedContent.length);
        assertEquals(0x04, wrappedContent[0]);
    }

    @Test
    void turinTcbLayoutMatchesTheDesignExample() {
        // snp-verification.md section 3: fmc=1, bl=3, tee=2, snp=5, ucode=0x61 -> 0x6100000005020301.
        assertEquals(0x6100000005020301L, new SimulatedTcb(1, 3, 2, 5, 0x61).encode(AmdProduct.TURIN));
        assertEquals(0xdb18000000000004L, new SimulatedTcb(0, 4, 0, 24, 219).encode(AmdProduct.MILAN));
    }

    @Test
    void reportSignatureVerifiesWithTheVcekKey() throws VerificationException {
        SimulatedSnpPlatform host = new SimulatedSnpPlatform(turin, new SimulatedTcb(1, 3, 2, 5, 0x61),
                new byte[] {9, 16, -76, -8, -124, -1, 75, -87});
        byte[] report = host.attest(new byte[64]);
        assertEquals(1184, report.length);
        assertEquals(0x1a, report[0x188]);
        var key = Ecdsa.certificateKey(host.vcek(), Ecdsa.P384, ReasonCode.CERT_CHAIN_INVALID, "vcek");
        BigInteger r = le(report, 0x2A0);
        BigInteger s = le(report, 0x2E8);
        Ecdsa.verifyDigest(key, Digests.sha384(Arrays.copyOf(report, 0x2A0)), r, s, "report");
        report[0x50] ^= 1;
        byte[] tampered = report;
        assertThrows(VerificationException.class,
                () -> Ecdsa.verifyDigest(key, Digests.sha384(Arrays.copyOf(tampered, 0x2A0)), r, s, "report"));
    }

    @Test
    void crlAndTrustAnchorLayout(@TempDir Path dir) throws Exception {
        var crl = turin.crl(START, START.plusSeconds(86400), List.of(turin.ask().getSerialNumber()));
        crl.verify(turin.ark().getPublicKey());
        assertTrue(crl.isRevoked(turin.ask()));
        turin.writeTrustAnchors(dir);
        assertTrue(Files.isRegularFile(dir.resolve("amd/turin/ark.pem")));
        assertTrue(Files.isRegularFile(dir.resolve("amd/turin/asvk.pem")));
    }

    private static BigInteger le(byte[] b, int off) {
        byte[] be = new byte[48];
        for (int i = 0; i < 48; i++) {
            be[i] = b[off + 47 - i];
        }
        return new BigInteger(1, be);
    }
}

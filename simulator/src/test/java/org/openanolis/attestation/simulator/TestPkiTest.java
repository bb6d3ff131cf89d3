package org.openanolis.attestation.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.errors.ReasonCode;

class TestPkiTest {
    @Test
    void chainAndCrlVerify() throws Exception {
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        Instant t1 = Instant.parse("2035-01-01T00:00:00Z");
        KeyPair rootKey = TestPki.ecKeyPair("secp256r1");
        X509Certificate root = TestPki.issue("CN=Test Root", rootKey.getPublic(), null, rootKey.getPrivate(),
                "SHA256withECDSA", t0, t1, TestPki.nextSerial(), true, List.of());
        KeyPair leafKey = TestPki.ecKeyPair("secp384r1");
        X509Certificate leaf = TestPki.issue("CN=Leaf", leafKey.getPublic(), root, rootKey.getPrivate(),
                "SHA256withECDSA", t0, t1, TestPki.nextSerial(), false, List.of());
        root.verify(root.getPublicKey());
        leaf.verify(root.getPublicKey());
        X509CRL crl = TestPki.crl(root, rootKey.getPrivate(), "SHA256withECDSA", t0, t1, List.of(leaf.getSerialNumber()));
        crl.verify(root.getPublicKey());
        assertTrue(crl.isRevoked(leaf));
        List<X509Certificate> parsed = Certificates.parsePemChain(TestPki.pemBytes(leaf, root),
                ReasonCode.CERT_CHAIN_INVALID, "chain");
        assertEquals(List.of(leaf, root), parsed);
        assertTrue(leaf.getSerialNumber().compareTo(BigInteger.ZERO) > 0);
    }
}

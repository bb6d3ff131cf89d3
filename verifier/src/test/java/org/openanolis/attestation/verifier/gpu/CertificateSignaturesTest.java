package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.simulator.TestPki;

/**
 * The cached-key ECDSA path and the memo of CA signatures: keyed by the exact bytes of both
 * certificates, so a forged or altered certificate is never accepted because a genuine one was.
 */
class CertificateSignaturesTest {
    private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2030-01-01T00:00:00Z");
    private static final String ALG = "SHA384withECDSA";
    private static final KeyPair ROOT_KEY = TestPki.ecKeyPair("secp384r1");
    private static final X509Certificate ROOT = TestPki.issue("CN=Sig Root", ROOT_KEY.getPublic(), null,
            ROOT_KEY.getPrivate(), ALG, FROM, TO, TestPki.nextSerial(), true, List.of());

    private static X509Certificate ca(String dn, KeyPair key, X509Certificate issuer, KeyPair issuerKey) {
        return TestPki.issue(dn, key.getPublic(), issuer, issuerKey.getPrivate(), ALG, FROM, TO, TestPki.nextSerial(),
                true, List.of());
    }

    /** {@code c} with one byte of its signature value flipped (still parses). */
    private static X509Certificate withFlippedSignatureByte(X509Certificate c) throws Exception {
        byte[] der = c.getEncoded();
        byte[] sig = c.getSignature();
        // The signature value is the DER SEQUENCE {r, s} at the end; flip a byte inside s.
        byte[] altered = der.clone();
        altered[der.length - 3] ^= 0x01;
        assertEquals(sig.length, Arrays.copyOfRange(altered, der.length - sig.length, der.length).length);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(altered));
    }

    @Test
    void genuineCaSignatureVerifiesAndIsRemembered() throws Exception {
        X509Certificate ica = ca("CN=Sig ICA A", TestPki.ecKeyPair("secp384r1"), ROOT, ROOT_KEY);
        int before = CertificateSignatures.rememberedCaSignatures();
        assertDoesNotThrow(() -> CertificateSignatures.verifyCertificate(ica, ROOT));
        assertNotEquals(before, CertificateSignatures.rememberedCaSignatures());
        // Remembered: verifying again is a lookup (and still succeeds).
        assertDoesNotThrow(() -> CertificateSignatures.verifyCertificate(ica, ROOT));
    }

    @Test
    void alteredCopyOfARememberedCaFails() throws Exception {
        X509Certificate ica = ca("CN=Sig ICA B", TestPki.ecKeyPair("secp384r1"), ROOT, ROOT_KEY);
        CertificateSignatures.verifyCertificate(ica, ROOT);
        X509Certificate altered = withFlippedSignatureByte(ica);
        assertThrows(GeneralSecurityException.class, () -> CertificateSignatures.verifyCertificate(altered, ROOT));
    }

    @Test
    void sameNameSignedByAnotherKeyFailsAfterTheGenuineOneWasRemembered() throws Exception {
        KeyPair icaKey = TestPki.ecKeyPair("secp384r1");
        X509Certificate genuine = ca("CN=Sig ICA C", icaKey, ROOT, ROOT_KEY);
        CertificateSignatures.verifyCertificate(genuine, ROOT);
        // Same subject, same key, issuer name of ROOT, but signed by an attacker's key.
        KeyPair attacker = TestPki.ecKeyPair("secp384r1");
        X509Certificate fakeRoot = TestPki.issue("CN=Sig Root", attacker.getPublic(), null, attacker.getPrivate(), ALG,
                FROM, TO, TestPki.nextSerial(), true, List.of());
        X509Certificate forged = ca("CN=Sig ICA C", icaKey, fakeRoot, attacker);
        assertThrows(GeneralSecurityException.class, () -> CertificateSignatures.verifyCertificate(forged, ROOT));
        // And the genuine certificate against the attacker's root fails too (the issuer bytes are part of the key).
        assertThrows(GeneralSecurityException.class, () -> CertificateSignatures.verifyCertificate(genuine, fakeRoot));
    }

    @Test
    void deviceSignaturesAreVerifiedButNotRemembered() throws Exception {
        KeyPair icaKey = TestPki.ecKeyPair("secp384r1");
        X509Certificate ica = ca("CN=Sig ICA D", icaKey, ROOT, ROOT_KEY);
        X509Certificate leaf = TestPki.issue("CN=Sig Leaf", TestPki.ecKeyPair("secp384r1").getPublic(), ica,
                icaKey.getPrivate(), ALG, FROM, TO, TestPki.nextSerial(), false, List.of());
        int before = CertificateSignatures.rememberedCaSignatures();
        CertificateSignatures.verifyCertificate(leaf, ica);
        assertEquals(before, CertificateSignatures.rememberedCaSignatures());
        X509Certificate altered = withFlippedSignatureByte(leaf);
        assertThrows(GeneralSecurityException.class, () -> CertificateSignatures.verifyCertificate(altered, ica));
        // Signed by the root, not the ICA: fails with the ICA as issuer.
        X509Certificate wrongIssuer = TestPki.issue("CN=Sig Leaf", TestPki.ecKeyPair("secp384r1").getPublic(), ica,
                ROOT_KEY.getPrivate(), ALG, FROM, TO, TestPki.nextSerial(), false, List.of());
        assertThrows(GeneralSecurityException.class, () -> CertificateSignatures.verifyCertificate(wrongIssuer, ica));
    }

    @Test
    void otherAlgorithmsGoToTheJca() throws Exception {
        KeyPair rsa = TestPki.rsaKeyPair(2048);
        X509Certificate rsaRoot = TestPki.issue("CN=Sig RSA Root", rsa.getPublic(), null, rsa.getPrivate(),
                "SHA256withRSA", FROM, TO, TestPki.nextSerial(), true, List.of());
        assertNull(CertificateSignatures.verifyEcdsa(rsaRoot, rsaRoot.getSigAlgOID(), rsaRoot.getTBSCertificate(),
                rsaRoot.getSignature()));
        assertDoesNotThrow(() -> CertificateSignatures.verifyCertificate(rsaRoot, rsaRoot));
        KeyPair p256 = TestPki.ecKeyPair("secp256r1");
        X509Certificate p256Leaf = TestPki.issue("CN=Sig P256", p256.getPublic(), rsaRoot, rsa.getPrivate(),
                "SHA256withRSA", FROM, TO, TestPki.nextSerial(), false, List.of());
        assertDoesNotThrow(() -> CertificateSignatures.verifyCertificate(p256Leaf, rsaRoot));
        assertThrows(GeneralSecurityException.class, () -> CertificateSignatures.verifyCertificate(p256Leaf, ROOT));
    }
}

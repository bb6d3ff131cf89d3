package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.TestPki;

/** Path validation rules, each broken once. */
class CertificatePathValidatorTest {
    private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2030-01-01T00:00:00Z");
    private static final String ALG = "SHA384withECDSA";
    private static final KeyPair ROOT_KEY = TestPki.ecKeyPair("secp384r1");
    private static final X509Certificate ROOT = TestPki.issue("CN=Root", ROOT_KEY.getPublic(), null,
            ROOT_KEY.getPrivate(), ALG, FROM, TO, TestPki.nextSerial(), true, List.of());

    private static X509Certificate leafUnder(X509Certificate issuer, KeyPair issuerKey, List<TestPki.Ext> ext) {
        KeyPair k = TestPki.ecKeyPair("secp384r1");
        return TestPki.issue("CN=Leaf", k.getPublic(), issuer, issuerKey.getPrivate(), ALG, FROM, TO,
                TestPki.nextSerial(), false, ext);
    }

    private static String fails(List<X509Certificate> chain) {
        VerificationException e = assertThrows(VerificationException.class,
                () -> CertificatePathValidator.validate(chain, ROOT, "chain"));
        assertEquals(ReasonCode.CERT_CHAIN_INVALID, e.code());
        return e.field();
    }

    @Test
    void leafUnderRootValidatesAndRootCopyIsDropped() throws VerificationException {
        X509Certificate leaf = leafUnder(ROOT, ROOT_KEY, List.of());
        assertEquals(2, CertificatePathValidator.validate(List.of(leaf, ROOT), ROOT, "chain").certificates().size());
    }

    @Test
    void issuerThatIsNotACa() {
        KeyPair midKey = TestPki.ecKeyPair("secp384r1");
        X509Certificate notCa = TestPki.issue("CN=Mid", midKey.getPublic(), ROOT, ROOT_KEY.getPrivate(), ALG, FROM, TO,
                TestPki.nextSerial(), false, List.of());
        assertEquals("chain[1].basic_constraints", fails(List.of(leafUnder(notCa, midKey, List.of()), notCa)));
    }

    @Test
    void pathLengthZeroCaCannotHaveCaBelow() {
        // "A" has pathLen 0 (TestPki gives a non-CA certificate keyUsage digitalSignature; the path
        // length is checked before key usage, so the failure names the path length).
        KeyPair aKey = TestPki.ecKeyPair("secp384r1");
        X509Certificate a = TestPki.issue("CN=A", aKey.getPublic(), ROOT, ROOT_KEY.getPrivate(), ALG, FROM, TO,
                TestPki.nextSerial(), false,
                List.of(new TestPki.Ext(Extension.basicConstraints, true, new BasicConstraints(0))));
        KeyPair bKey = TestPki.ecKeyPair("secp384r1");
        X509Certificate b = TestPki.issue("CN=B", bKey.getPublic(), a, aKey.getPrivate(), ALG, FROM, TO,
                TestPki.nextSerial(), true, List.of());
        assertEquals("chain[2].path_length", fails(List.of(leafUnder(b, bKey, List.of()), b, a)));
        // Directly under "A" a leaf is within the path length; then "A"'s key usage is what fails.
        assertEquals("chain[1].key_usage", fails(List.of(leafUnder(a, aKey, List.of()), a)));
    }

    @Test
    void unknownCriticalExtension() {
        X509Certificate leaf = leafUnder(ROOT, ROOT_KEY,
                List.of(new TestPki.Ext(new ASN1ObjectIdentifier("1.2.3.4.5"), true, DERNull.INSTANCE)));
        assertEquals("chain[0].critical_extension", fails(List.of(leaf)));
    }

    @Test
    void criticalDiceExtensionIsUnderstood() throws VerificationException {
        X509Certificate leaf = leafUnder(ROOT, ROOT_KEY,
                List.of(new TestPki.Ext(new ASN1ObjectIdentifier("2.23.133.5.4.1"), true, DERNull.INSTANCE)));
        CertificatePathValidator.validate(List.of(leaf), ROOT, "chain");
    }

    @Test
    void wrongIssuerName() {
        KeyPair otherKey = TestPki.ecKeyPair("secp384r1");
        X509Certificate other = TestPki.issue("CN=Other", otherKey.getPublic(), null, otherKey.getPrivate(), ALG, FROM, TO,
                TestPki.nextSerial(), true, List.of());
        // Self-signed "Other" is dropped as a root copy; the leaf's issuer is then not the pinned root.
        assertEquals("chain[0].issuer", fails(List.of(leafUnder(other, otherKey, List.of()), other)));
    }

    @Test
    void onlyARootIsNoChain() {
        assertEquals("chain", fails(List.of(ROOT)));
    }
}

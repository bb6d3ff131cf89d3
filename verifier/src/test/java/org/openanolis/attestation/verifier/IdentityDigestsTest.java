package org.openanolis.attestation.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.TrustAnchors;

/** Digests remembered per object: the right value, once per object, never shared between equal copies. */
class IdentityDigestsTest {
    @Test
    void digestIsComputedOncePerArrayAndEqualArraysAreHashedSeparately() {
        byte[] a = "ocsp answer".getBytes(StandardCharsets.US_ASCII);
        byte[] d = IdentityDigests.sha256(a);
        assertArrayEquals(Digests.sha256(a), d);
        assertSame(d, IdentityDigests.sha256(a), "remembered for the same array");
        byte[] b = a.clone();
        assertNotSame(d, IdentityDigests.sha256(b), "an equal copy is another key (identity, not equals)");
        assertArrayEquals(d, IdentityDigests.sha256(b));
    }

    @Test
    void fingerprintIsTheCertificatesSha256() throws Exception {
        X509Certificate root = TrustAnchors.builtIn().nvidiaDeviceIdentityCa();
        assertEquals(Certificates.fingerprint(root), IdentityDigests.fingerprint(root));
        assertSame(IdentityDigests.fingerprint(root), IdentityDigests.fingerprint(root));
    }
}

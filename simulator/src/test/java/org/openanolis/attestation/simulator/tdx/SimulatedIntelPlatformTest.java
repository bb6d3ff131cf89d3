package org.openanolis.attestation.simulator.tdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.CryptoProviders;

/** The simulator's own contract: chains verify, collateral is signed as Intel signs it, quotes are self-consistent. */
class SimulatedIntelPlatformTest {
    private static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void pkiChainsAndPckExtension() throws Exception {
        IntelTestPki pki = IntelTestPki.create(FROM, TO);
        SimulatedIntelPlatform host = SimulatedIntelPlatform.tdx(pki, "aabbcc000000");
        pki.root().certificate().verify(pki.root().keyPair().getPublic());
        pki.platformCa().certificate().verify(pki.root().keyPair().getPublic());
        pki.tcbSigning().certificate().verify(pki.root().keyPair().getPublic());
        host.pck().certificate().verify(pki.platformCa().keyPair().getPublic());
        assertNotNull(host.pck().certificate().getExtensionValue(IntelTestPki.SGX_EXTENSION_OID));
        byte[] pem = host.pckChainPem();
        assertEquals(0, pem[pem.length - 1]);
    }

    @Test
    void collateralIsSignedOverTheExactObjectBytes() throws Exception {
        IntelTestPki pki = IntelTestPki.create(FROM, TO);
        SimulatedIntelPlatform host = SimulatedIntelPlatform.tdx(pki, "aabbcc000000");
        TcbInfoDocument tcb = host.tcbInfo(FROM, TO, new int[16]);
        Map<String, byte[]> c = host.collateral(tcb, host.qeIdentity(FROM, TO), FROM, TO, List.of());
        String body = new String(c.get("tcb_info"), StandardCharsets.UTF_8);
        String object = tcb.json();
        assertTrue(body.startsWith("{\"tcbInfo\":" + object + ",\"signature\":\""));
        String sigHex = body.substring(body.length() - 2 - 128, body.length() - 2);
        Signature v = Signature.getInstance("SHA256withPLAIN-ECDSA", CryptoProviders.bouncyCastle());
        v.initVerify(pki.tcbSigning().certificate());
        v.update(object.getBytes(StandardCharsets.UTF_8));
        assertTrue(v.verify(HexFormat.of().parseHex(sigHex)));
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(c.get("pck_crl")));
        crl.verify(pki.platformCa().keyPair().getPublic());
        assertNotNull(crl.getExtensionValue("2.5.29.20"));
        assertNotNull(crl.getExtensionValue("2.5.29.35"));
    }

    @Test
    void quoteLayoutAndBindings() throws Exception {
        IntelTestPki pki = IntelTestPki.create(FROM, TO);
        SimulatedIntelPlatform host = SimulatedIntelPlatform.tdx(pki, "aabbcc000000");
        byte[] q = host.quote().trailingZeros(10).build();
        ByteBuffer b = ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, b.getShort(0));
        assertEquals(0x81, b.getInt(4));
        int sigLen = b.getInt(632);
        assertEquals(q.length - 10, 636 + sigLen);
        assertEquals(6, b.getShort(764));
        assertEquals(sigLen - 134, b.getInt(766));
        byte[] ak = Arrays.copyOfRange(q, 700, 764);
        assertArrayEquals(IntelTestPki.rawPublicKey(host.attestationKey()), ak);
        byte[] auth = Arrays.copyOfRange(q, 1220, 1252);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(ak);
        md.update(auth);
        assertArrayEquals(md.digest(), Arrays.copyOfRange(q, 770 + 320, 770 + 352));
        Signature v = Signature.getInstance("SHA256withPLAIN-ECDSA", CryptoProviders.bouncyCastle());
        v.initVerify(host.attestationKey().getPublic());
        v.update(q, 0, 632);
        assertTrue(v.verify(Arrays.copyOfRange(q, 636, 700)));
        byte[] v5 = host.preset(DcapQuoteBuilder.tdxV5(true)).build();
        assertEquals(3, ByteBuffer.wrap(v5).order(ByteOrder.LITTLE_ENDIAN).getShort(48));
        assertEquals(648, ByteBuffer.wrap(v5).order(ByteOrder.LITTLE_ENDIAN).getInt(50));
    }
}

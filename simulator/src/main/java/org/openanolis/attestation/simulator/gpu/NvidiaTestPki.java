package org.openanolis.attestation.simulator.gpu;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openanolis.attestation.certs.CryptoProviders;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.openanolis.attestation.simulator.TestPki;

/**
 * NVIDIA-shaped test PKIs ({@code gpu-verification.md} §3 and §7.4), all ECDSA P-384:
 * <ul>
 *   <li>device identity: "NVIDIA Device Identity CA" (root) → "NVIDIA &lt;chip&gt; Identity" →
 *       "NVIDIA &lt;chip&gt; Provisioner ICA 1" → per device "&lt;chip&gt; A01 GSP BROM" (its CN is
 *       the hwmodel) → "… FMC LF" leaf carrying the FWID extension (Hopper/LS10 OID
 *       2.23.133.5.4.1, Blackwell 2.23.133.5.4.1.1);</li>
 *   <li>RIM signing: "NVIDIA CoRIM signing Root CA" → "NVIDIA Reference Value GH100 CA" →
 *       "NVIDIA Reference Value L3 GH100 001" (pathlen 0) → "HCC RIM L4 Signer" leaves.</li>
 * </ul>
 * The private key of every CA stays available ({@link #keyOf}) so tests can sign OCSP responses.
 */
public final class NvidiaTestPki {
    public static final String SIG_ALG = "SHA384withECDSA";
    private static final String CURVE = "secp384r1";

    private final Instant notBefore;
    private final Instant notAfter;
    private final Map<BigInteger, PrivateKey> keys = new ConcurrentHashMap<>();
    private final X509Certificate deviceRoot;
    private final Map<SimulatedArch, X509Certificate[]> deviceCas = new EnumMap<>(SimulatedArch.class);
    private final X509Certificate rimRoot;
    private final X509Certificate rimCa;
    private final X509Certificate rimL3;

    private NvidiaTestPki(Instant notBefore, Instant notAfter) {
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        deviceRoot = ca("CN=NVIDIA Device Identity CA,O=NVIDIA", null, -1);
        rimRoot = ca("C=US,O=NVIDIA,CN=NVIDIA CoRIM signing Root CA", null, -1);
        rimCa = ca("CN=NVIDIA Reference Value GH100 CA,O=NVIDIA Corporation,C=US", rimRoot, -1);
        rimL3 = ca("CN=NVIDIA Reference Value L3 GH100 001,O=NVIDIA Corporation,C=US", rimCa, 0);
    }

    /** A fresh PKI whose CAs are valid in {@code [notBefore, notAfter]}. */
    public static NvidiaTestPki create(Instant notBefore, Instant notAfter) {
        return new NvidiaTestPki(notBefore, notAfter);
    }

    private X509Certificate ca(String dn, X509Certificate issuer, int pathLen) {
        KeyPair kp = TestPki.ecKeyPair(CURVE);
        PrivateKey signer = issuer == null ? kp.getPrivate() : keys.get(issuer.getSerialNumber());
        List<TestPki.Ext> ext = new ArrayList<>();
        X509Certificate c;
        if (pathLen >= 0) {
            // TestPki.issue(ca=true) has no path length; build the CA extensions here instead.
            ext.add(new TestPki.Ext(Extension.basicConstraints, true, new BasicConstraints(pathLen)));
            ext.add(new TestPki.Ext(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
            c = issueRaw(dn, kp, issuer, signer, notBefore, notAfter, ext);
        } else {
            c = TestPki.issue(dn, kp.getPublic(), issuer, signer, SIG_ALG, notBefore, notAfter,
                    TestPki.nextSerial(), true, ext);
        }
        keys.put(c.getSerialNumber(), kp.getPrivate());
        return c;
    }

    private static X509Certificate issueRaw(String dn, KeyPair kp, X509Certificate issuer, PrivateKey signer,
                                            Instant nb, Instant na, List<TestPki.Ext> ext) {
        try {
            X500Name subject = new X500Name(dn);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, TestPki.nextSerial(),
                    Date.from(nb), Date.from(na), subject, kp.getPublic());
            for (TestPki.Ext e : ext) {
                b.addExtension(e.oid(), e.critical(), e.value());
            }
            ContentSigner cs = new JcaContentSignerBuilder(SIG_ALG).setProvider(CryptoProviders.bouncyCastle()).build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(cs));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized X509Certificate[] deviceCas(SimulatedArch arch) {
        return deviceCas.computeIfAbsent(arch, a -> {
            String chip = a == SimulatedArch.LS10 ? "GH100" : a.chip();
            X509Certificate identity = ca("CN=NVIDIA " + chip + " Identity,O=NVIDIA Corporation", deviceRoot, -1);
            X509Certificate ica = ca("CN=NVIDIA " + a.chip() + " Provisioner ICA 1,O=NVIDIA Corporation,C=US",
                    identity, -1);
            return new X509Certificate[] {identity, ica};
        });
    }

    /** Start of the CA validity window. */
    public Instant notBefore() {
        return notBefore;
    }

    /** End of the CA validity window. */
    public Instant notAfter() {
        return notAfter;
    }

    /** The device identity root (pin it as {@code nvidia/device_identity_ca.pem}). */
    public X509Certificate deviceRoot() {
        return deviceRoot;
    }

    /** The RIM signing root (pin it as {@code nvidia/corim_signing_root_ca.pem}). */
    public X509Certificate rimRoot() {
        return rimRoot;
    }

    /** The private key of a certificate this PKI issued (CA or leaf). */
    public PrivateKey keyOf(X509Certificate cert) {
        PrivateKey k = keys.get(cert.getSerialNumber());
        if (k == null) {
            throw new IllegalArgumentException("not issued by this PKI: " + cert.getSubjectX500Principal());
        }
        return k;
    }

    /**
     * Writes {@code nvidia/device_identity_ca.pem} and {@code nvidia/corim_signing_root_ca.pem} under
     * {@code dir} (the layout {@code TrustAnchors.fromDirectory} reads) and returns {@code dir}.
     */
    public Path writeTrustAnchors(Path dir) throws IOException {
        Path nv = dir.resolve("nvidia");
        Files.createDirectories(nv);
        Files.write(nv.resolve("device_identity_ca.pem"), TestPki.pemBytes(deviceRoot));
        Files.write(nv.resolve("corim_signing_root_ca.pem"), TestPki.pemBytes(rimRoot));
        return dir;
    }

    /** A device's attestation key and certificate chain (leaf first, root copy last, as NVML returns it). */
    public record DeviceCredentials(KeyPair attestationKey, List<X509Certificate> chain) {
        public DeviceCredentials {
            chain = List.copyOf(chain);
        }

        public X509Certificate leaf() {
            return chain.get(0);
        }

        /** The chain as PEM text, leaf first. */
        public byte[] chainPem() {
            return TestPki.pemBytes(chain.toArray());
        }
    }

    /**
     * Issues the BROM (device identity) and FMC leaf certificates of one device. {@code fwid} (48
     * bytes) goes into the leaf's TcbInfo extension, or no extension when null.
     */
    public DeviceCredentials issueDevice(SimulatedArch arch, byte[] fwid, Instant leafNotBefore, Instant leafNotAfter) {
        return issueDevice(arch, fwid, arch.fwidOid(), leafNotBefore, leafNotAfter);
    }

    /** As {@link #issueDevice(SimulatedArch, byte[], Instant, Instant)} with the FWID under {@code fwidOid}. */
    public DeviceCredentials issueDevice(SimulatedArch arch, byte[] fwid, String fwidOid, Instant leafNotBefore,
                                         Instant leafNotAfter) {
        X509Certificate[] cas = deviceCas(arch);
        KeyPair brom = TestPki.ecKeyPair(CURVE);
        String serial = TestPki.nextSerial().toString(16).toUpperCase();
        X509Certificate bromCert = TestPki.issue("CN=" + arch.devicePrefix() + " BROM,O=NVIDIA Corporation,C=US,SERIALNUMBER="
                        + serial, brom.getPublic(), cas[1], keys.get(cas[1].getSerialNumber()), SIG_ALG,
                notBefore, notAfter, TestPki.nextSerial(), true, List.of());
        keys.put(bromCert.getSerialNumber(), brom.getPrivate());
        KeyPair ak = TestPki.ecKeyPair(CURVE);
        List<TestPki.Ext> ext = new ArrayList<>();
        if (fwid != null) {
            ext.add(new TestPki.Ext(new ASN1ObjectIdentifier(fwidOid), false, diceTcbInfo(arch, fwid)));
        }
        X509Certificate leaf = TestPki.issue("CN=" + arch.devicePrefix() + " FMC LF,O=NVIDIA Corporation,C=US,SERIALNUMBER="
                        + serial + "01", ak.getPublic(), bromCert, brom.getPrivate(), SIG_ALG, leafNotBefore, leafNotAfter,
                TestPki.nextSerial(), false, ext);
        keys.put(leaf.getSerialNumber(), ak.getPrivate());
        return new DeviceCredentials(ak, List.of(leaf, bromCert, cas[1], cas[0], deviceRoot));
    }

    /** Device credentials valid as long as the PKI. */
    public DeviceCredentials issueDevice(SimulatedArch arch, byte[] fwid) {
        return issueDevice(arch, fwid, arch.fwidOid(), notBefore, notAfter);
    }

    /**
     * A TCG DiceTcbInfo ({@code SEQUENCE {[0] vendor, [1] model, [6] fwids SEQUENCE OF {hashAlg,
     * digest}}}); the digest is the last element, so the Hopper rule "last 48 bytes" and the
     * Blackwell rule "fwids[0].digest" both find it.
     */
    static DERSequence diceTcbInfo(SimulatedArch arch, byte[] fwid) {
        ASN1EncodableVector fw = new ASN1EncodableVector();
        fw.add(NISTObjectIdentifiers.id_sha384);
        fw.add(new DEROctetString(fwid));
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DERTaggedObject(false, 0, new DERUTF8String("NVIDIA")));
        v.add(new DERTaggedObject(false, 1, new DERUTF8String(arch.chip())));
        v.add(new DERTaggedObject(false, 6, new DERSequence(new DERSequence(fw))));
        return new DERSequence(v);
    }

    /** A RIM signer: the L4 key and its chain (L4, L3, CA, root copy), as RIMs embed it. */
    public record RimSigner(KeyPair key, List<X509Certificate> chain) {
        public RimSigner {
            chain = List.copyOf(chain);
        }
    }

    /** A new "HCC RIM L4 Signer" under the L3 CA, valid in {@code [l4NotBefore, l4NotAfter]}. */
    public RimSigner rimSigner(Instant l4NotBefore, Instant l4NotAfter) {
        KeyPair kp = TestPki.ecKeyPair(CURVE);
        X509Certificate l4 = TestPki.issue("C=US,ST=CA,L=Santa Clara,O=NVIDIA Corporation,CN=HCC RIM L4 Signer",
                kp.getPublic(), rimL3, keys.get(rimL3.getSerialNumber()), SIG_ALG, l4NotBefore, l4NotAfter,
                TestPki.nextSerial(), false, List.of());
        keys.put(l4.getSerialNumber(), kp.getPrivate());
        return new RimSigner(kp, List.of(l4, rimL3, rimCa, rimRoot));
    }

    /** A RIM signer valid as long as the PKI. */
    public RimSigner rimSigner() {
        return rimSigner(notBefore, notAfter);
    }
}

package org.openanolis.attestation.simulator.tdx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openanolis.attestation.certs.CryptoProviders;
import org.openanolis.attestation.simulator.TestPki;

/**
 * An Intel-shaped SGX/TDX provisioning PKI for tests and host simulation: a self-signed
 * "Intel SGX Root CA", the "Intel SGX PCK Platform CA" and "Intel SGX PCK Processor CA", the
 * "Intel SGX TCB Signing" certificate, PCK leaf certificates with the SGX extension
 * ({@code 1.2.840.113741.1.13.1}), CRLs, and ECDSA P-256 signing of JSON collateral and quotes.
 * Subjects mirror Intel's, so the production pin (by fingerprint) is what tells them apart.
 */
public final class IntelTestPki {
    /** The SGX extension OID of PCK certificates. */
    public static final String SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";
    private static final String DN_TAIL = ",O=Intel Corporation,L=Santa Clara,ST=CA,C=US";
    private static final String ALG = "SHA256withECDSA";

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keyPair) {
        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }
    }

    /** The TCB a PCK certificate attests: 16 SGX component SVNs and the PCESVN. */
    public record PckTcb(int[] sgxComponents, int pceSvn) {
        public PckTcb {
            sgxComponents = Objects.requireNonNull(sgxComponents).clone();
            if (sgxComponents.length != 16) {
                throw new IllegalArgumentException("16 SGX TCB components");
            }
        }

        @Override
        public int[] sgxComponents() {
            return sgxComponents.clone();
        }
    }

    private final Instant notBefore;
    private final Instant notAfter;
    private final Issued root;
    private final Issued platformCa;
    private final Issued processorCa;
    private final Issued tcbSigning;

    private IntelTestPki(Instant notBefore, Instant notAfter) {
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        KeyPair rk = TestPki.ecKeyPair("secp256r1");
        X509Certificate rc = TestPki.issue("CN=Intel SGX Root CA" + DN_TAIL, rk.getPublic(), null, rk.getPrivate(),
                ALG, notBefore, notAfter, TestPki.nextSerial(), true, List.of());
        this.root = new Issued(rc, rk);
        this.platformCa = ca("CN=Intel SGX PCK Platform CA" + DN_TAIL);
        this.processorCa = ca("CN=Intel SGX PCK Processor CA" + DN_TAIL);
        KeyPair tk = TestPki.ecKeyPair("secp256r1");
        this.tcbSigning = new Issued(TestPki.issue("CN=Intel SGX TCB Signing" + DN_TAIL, tk.getPublic(), rc,
                rk.getPrivate(), ALG, notBefore, notAfter, TestPki.nextSerial(), false, List.of()), tk);
    }

    private Issued ca(String dn) {
        KeyPair k = TestPki.ecKeyPair("secp256r1");
        return new Issued(TestPki.issue(dn, k.getPublic(), root.certificate(), root.privateKey(), ALG, notBefore,
                notAfter, TestPki.nextSerial(), true, List.of()), k);
    }

    /** A fresh PKI whose certificates are valid from {@code notBefore} to {@code notAfter}. */
    public static IntelTestPki create(Instant notBefore, Instant notAfter) {
        return new IntelTestPki(notBefore, notAfter);
    }

    public Issued root() {
        return root;
    }

    public Issued platformCa() {
        return platformCa;
    }

    public Issued processorCa() {
        return processorCa;
    }

    public Issued tcbSigning() {
        return tcbSigning;
    }

    /** The PCK CA: platform ({@code true}) or processor. */
    public Issued pckCa(boolean platform) {
        return platform ? platformCa : processorCa;
    }

    /**
     * Issues a PCK certificate ("Intel SGX PCK Certificate") under the platform or processor CA,
     * valid for the PKI's window, with the SGX extension carrying {@code tcb}, {@code fmspc}
     * (6 bytes) and {@code pceId} (2 bytes).
     */
    public Issued issuePck(boolean platform, PckTcb tcb, byte[] fmspc, byte[] pceId) {
        return issuePck(platform, tcb, fmspc, pceId, notBefore, notAfter);
    }

    /** {@link #issuePck(boolean, PckTcb, byte[], byte[])} with its own validity window. */
    public Issued issuePck(boolean platform, PckTcb tcb, byte[] fmspc, byte[] pceId, Instant from, Instant to) {
        KeyPair k = TestPki.ecKeyPair("secp256r1");
        Issued ca = pckCa(platform);
        X509Certificate c = TestPki.issue("CN=Intel SGX PCK Certificate" + DN_TAIL, k.getPublic(), ca.certificate(),
                ca.privateKey(), ALG, from, to, TestPki.nextSerial(), false,
                List.of(new TestPki.Ext(new ASN1ObjectIdentifier(SGX_EXTENSION_OID), false,
                        sgxExtension(tcb, fmspc, pceId))));
        return new Issued(c, k);
    }

    /** The DER structure of the SGX extension (Intel "SGX PCK Certificate and CRL Profile"). */
    public static DERSequence sgxExtension(PckTcb tcb, byte[] fmspc, byte[] pceId) {
        ASN1EncodableVector items = new ASN1EncodableVector();
        byte[] ppid = new byte[16];
        ppid[0] = 0x42;
        items.add(item(".1", new DEROctetString(ppid)));
        ASN1EncodableVector tcbItems = new ASN1EncodableVector();
        int[] comps = tcb.sgxComponents();
        byte[] cpuSvn = new byte[16];
        for (int i = 0; i < 16; i++) {
            tcbItems.add(item(".2." + (i + 1), new ASN1Integer(comps[i])));
            cpuSvn[i] = (byte) comps[i];
        }
        tcbItems.add(item(".2.17", new ASN1Integer(tcb.pceSvn())));
        tcbItems.add(item(".2.18", new DEROctetString(cpuSvn)));
        items.add(item(".2", new DERSequence(tcbItems)));
        items.add(item(".3", new DEROctetString(pceId)));
        items.add(item(".4", new DEROctetString(fmspc)));
        items.add(item(".5", new ASN1Enumerated(0)));
        return new DERSequence(items);
    }

    private static DERSequence item(String suffix, org.bouncycastle.asn1.ASN1Encodable value) {
        return new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                new ASN1ObjectIdentifier(SGX_EXTENSION_OID + suffix), value});
    }

    /**
     * A DER CRL issued by {@code issuer}, listing {@code revoked}, with the CRL number and
     * authority key identifier extensions Intel's CRLs carry (QVL {@code CRL_REQUIRED_EXTENSIONS}).
     */
    public static byte[] crl(Issued issuer, Instant thisUpdate, Instant nextUpdate, List<BigInteger> revoked) {
        return crl(issuer, thisUpdate, nextUpdate, revoked, true);
    }

    /** {@link #crl(Issued, Instant, Instant, List)}, optionally without the CRL number and AKI extensions. */
    public static byte[] crl(Issued issuer, Instant thisUpdate, Instant nextUpdate, List<BigInteger> revoked,
                             boolean requiredExtensions) {
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(
                    X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
                    Date.from(thisUpdate));
            b.setNextUpdate(Date.from(nextUpdate));
            for (BigInteger s : revoked) {
                b.addCRLEntry(s, Date.from(thisUpdate), CRLReason.keyCompromise);
            }
            if (requiredExtensions) {
                b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.certificate().getPublicKey()));
            }
            ContentSigner signer = new JcaContentSignerBuilder(ALG).setProvider(CryptoProviders.bouncyCastle())
                    .build(issuer.privateKey());
            return b.build(signer).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM of the certificates, in the order given. */
    public static byte[] pem(X509Certificate... certs) {
        return TestPki.pemBytes((Object[]) certs);
    }

    /** ECDSA P-256 / SHA-256 signature as raw {@code r||s} (64 bytes), as Intel quotes and JSON collateral carry it. */
    public static byte[] signRaw(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withPLAIN-ECDSA", CryptoProviders.bouncyCastle());
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw {@code x||y} (64 bytes) of a P-256 public key. */
    public static byte[] rawPublicKey(KeyPair k) {
        ECPublicKey pk = (ECPublicKey) k.getPublic();
        byte[] out = new byte[64];
        copy32(pk.getW().getAffineX(), out, 0);
        copy32(pk.getW().getAffineY(), out, 32);
        return out;
    }

    private static void copy32(BigInteger v, byte[] out, int off) {
        byte[] b = v.toByteArray();
        int start = Math.max(0, b.length - 32);
        int n = b.length - start;
        System.arraycopy(b, start, out, off + 32 - n, n);
    }

    /**
     * A signed Intel JSON body {@code {"<key>":<object>,"signature":"<hex r||s>"}} with the TCB
     * Signing key over the exact bytes of {@code objectJson}.
     */
    public byte[] signedJson(String key, String objectJson) {
        return signedJson(key, objectJson, tcbSigning.privateKey());
    }

    /** {@link #signedJson(String, String)} with any key (for wrong-signer tests). */
    public static byte[] signedJson(String key, String objectJson, PrivateKey signer) {
        byte[] obj = objectJson.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sig = HexFormat.of().formatHex(signRaw(signer, obj));
        return ("{\"" + key + "\":" + objectJson + ",\"signature\":\"" + sig + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The PCK chain PEM as a quote carries it: leaf, PCK CA, root, NUL-terminated. */
    public byte[] pckChainPem(Issued pck, boolean platform) {
        byte[] pem = pem(pck.certificate(), pckCa(platform).certificate(), root.certificate());
        byte[] out = new byte[pem.length + 1];
        System.arraycopy(pem, 0, out, 0, pem.length);
        return out;
    }

    /** All certificates of this PKI, for trust-anchor directories and debugging. */
    public List<X509Certificate> certificates() {
        List<X509Certificate> out = new ArrayList<>();
        out.add(root.certificate());
        out.add(platformCa.certificate());
        out.add(processorCa.certificate());
        out.add(tcbSigning.certificate());
        return out;
    }
}

package org.openanolis.attestation.simulator.snp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openanolis.attestation.certs.CryptoProviders;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.simulator.TestPki;

/**
 * An AMD-shaped test PKI for one product ({@code snp-verification.md} section 6): a self-signed
 * RSA ARK, an ASK and an ASVK issued by it, all signed RSASSA-PSS (SHA-384, MGF1-SHA-384, salt
 * 48), with AMD's distinguished names ({@code OU=Engineering, C=US, L=Santa Clara, ST=CA,
 * O=Advanced Micro Devices, CN=ARK-<Product> | SEV-<Product> | SEV-VLEK-<Product>}) and KDS CRL
 * distribution points; VCEKs and VLEKs with the AMD extensions (arc 1.3.6.1.4.1.3704.1) and
 * serial 0; CRLs signed by the ARK. {@link #writeTrustAnchors} lays the roots out like
 * {@code shared/trust-anchors} so the verifier can pin them.
 *
 * <p>For tests, demos and the simulated SNP hosts of the HTTP service; the verifier never uses it.
 */
public final class AmdTestPki {
    private static final String DN_TAIL = "OU=Engineering,C=US,L=Santa Clara,ST=CA,O=Advanced Micro Devices,CN=";
    private static final String PSS = "SHA384withRSAandMGF1";
    private static final String ARC = "1.3.6.1.4.1.3704.1";

    private final AmdProduct product;
    private final Instant notBefore;
    private final KeyPair arkKeys;
    private final KeyPair askKeys;
    private final KeyPair asvkKeys;
    private final X509Certificate ark;
    private final X509Certificate ask;
    private final X509Certificate asvk;

    private AmdTestPki(AmdProduct product, Instant notBefore, Duration validity, int rsaBits) {
        this.product = product;
        this.notBefore = notBefore;
        this.arkKeys = TestPki.rsaKeyPair(rsaBits);
        this.askKeys = TestPki.rsaKeyPair(rsaBits);
        this.asvkKeys = TestPki.rsaKeyPair(rsaBits);
        Instant notAfter = notBefore.plus(validity);
        String name = displayName(product);
        this.ark = ca("ARK-" + name, arkKeys.getPublic(), null, arkKeys.getPrivate(), notBefore, notAfter,
                BigInteger.valueOf(0x10000L * (product.ordinal() + 1)), "vcek");
        this.ask = ca("SEV-" + name, askKeys.getPublic(), ark, arkKeys.getPrivate(), notBefore, notAfter,
                BigInteger.valueOf(0x10000L * (product.ordinal() + 1) + 1), "vcek");
        this.asvk = ca("SEV-VLEK-" + name, asvkKeys.getPublic(), ark, arkKeys.getPrivate(), notBefore, notAfter,
                BigInteger.valueOf(0x10000L * (product.ordinal() + 1) + 0x101), "vlek");
    }

    /**
     * A new PKI for {@code product} whose CAs are valid from {@code notBefore} for
     * {@code validity}, with RSA keys of {@code rsaBits} (AMD uses 4096; tests use 2048 for speed).
     */
    public static AmdTestPki create(AmdProduct product, Instant notBefore, Duration validity, int rsaBits) {
        return new AmdTestPki(product, notBefore, validity, rsaBits);
    }

    /** {@link #create} with a 25-year validity (as AMD's ARKs) and 2048-bit keys. */
    public static AmdTestPki create(AmdProduct product, Instant notBefore) {
        return create(product, notBefore, Duration.ofDays(25 * 365), 2048);
    }

    /** AMD's spelling: {@code Milan}, {@code Genoa}, {@code Turin}. */
    public static String displayName(AmdProduct product) {
        String n = product.name();
        return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
    }

    public AmdProduct product() {
        return product;
    }

    public X509Certificate ark() {
        return ark;
    }

    public X509Certificate ask() {
        return ask;
    }

    public X509Certificate asvk() {
        return asvk;
    }

    /**
     * A VCEK template: productName as AMD writes it ({@code Milan-B0}, {@code Genoa}, {@code Turin}),
     * structVersion 1 on Turin else 0, fmcSPL on Turin only, raw hwID, 7-year validity from the
     * PKI's start, a fresh P-384 key.
     */
    public VekSpec vcekSpec(SimulatedTcb tcb, byte[] hwId) {
        boolean turin = product == AmdProduct.TURIN;
        String productName = product == AmdProduct.MILAN ? "Milan-B0" : displayName(product);
        return new VekSpec(false, java.util.Optional.of(productName), turin ? 1 : 0, tcb, turin,
                java.util.Optional.of(hwId), false, java.util.Optional.empty(), notBefore,
                notBefore.plus(Duration.ofDays(7 * 365)), TestPki.ecKeyPair("secp384r1"));
    }

    /** A VLEK template: productName without stepping, no hwID, a cspID, 1-year validity. */
    public VekSpec vlekSpec(SimulatedTcb tcb, String cspId) {
        boolean turin = product == AmdProduct.TURIN;
        return new VekSpec(true, java.util.Optional.of(displayName(product)), turin ? 1 : 0, tcb, turin,
                java.util.Optional.empty(), false, java.util.Optional.of(cspId), notBefore,
                notBefore.plus(Duration.ofDays(365)), TestPki.ecKeyPair("secp384r1"));
    }

    /** A simulated VEK certificate with its key pair. */
    public record IssuedVek(X509Certificate certificate, KeyPair keyPair) {}

    /** Issues a VCEK (by the ASK) or VLEK (by the ASVK) as {@code spec} says. Serial 0, as AMD's. */
    public IssuedVek issue(VekSpec spec) {
        X509Certificate issuer = spec.vlek() ? asvk : ask;
        PrivateKey issuerKey = spec.vlek() ? asvkKeys.getPrivate() : askKeys.getPrivate();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), BigInteger.ZERO,
                    Date.from(spec.notBefore()), Date.from(spec.notAfter()),
                    new X500Name(DN_TAIL + (spec.vlek() ? "SEV-VLEK" : "SEV-VCEK")), spec.keyPair().getPublic());
            b.addExtension(oid(".1"), false, new ASN1Integer(spec.structVersion()));
            if (spec.productName().isPresent()) {
                b.addExtension(oid(".2"), false, new DERIA5String(spec.productName().get()));
            }
            SimulatedTcb t = spec.tcb();
            if (spec.includeFmc()) {
                b.addExtension(oid(".3.9"), false, new ASN1Integer(t.fmc()));
            }
            b.addExtension(oid(".3.1"), false, new ASN1Integer(t.bootloader()));
            b.addExtension(oid(".3.2"), false, new ASN1Integer(t.tee()));
            if (product != AmdProduct.TURIN) {
                b.addExtension(oid(".3.4"), false, new ASN1Integer(0));
            }
            b.addExtension(oid(".3.5"), false, new ASN1Integer(0));
            b.addExtension(oid(".3.6"), false, new ASN1Integer(0));
            b.addExtension(oid(".3.7"), false, new ASN1Integer(0));
            b.addExtension(oid(".3.3"), false, new ASN1Integer(t.snp()));
            b.addExtension(oid(".3.8"), false, new ASN1Integer(t.microcode()));
            if (spec.hwId().isPresent()) {
                byte[] id = spec.hwId().get();
                byte[] value = spec.wrapHwIdInOctetString() ? new DEROctetString(id).getEncoded() : id;
                // Raw bytes, no inner tag: AMD's encoding of the hwID extension.
                b.addExtension(new Extension(oid(".4"), false, new DEROctetString(value)));
            }
            if (spec.cspId().isPresent()) {
                b.addExtension(oid(".5"), false, new DERIA5String(spec.cspId().get()));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
            return new IssuedVek(cert, spec.keyPair());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL signed by the ARK (RSASSA-PSS) listing {@code revoked} serials. */
    public X509CRL crl(Instant thisUpdate, Instant nextUpdate, List<BigInteger> revoked) {
        return TestPki.crl(ark, arkKeys.getPrivate(), PSS, thisUpdate, nextUpdate, revoked);
    }

    /**
     * Writes {@code amd/<product>/{ark,ask,asvk}.pem} under {@code dir} (the layout of
     * {@code shared/trust-anchors}; {@code TrustAnchors.fromDirectory} reads it).
     */
    public void writeTrustAnchors(Path dir) throws IOException {
        Path d = dir.resolve("amd").resolve(product.folder());
        Files.createDirectories(d);
        Files.write(d.resolve("ark.pem"), TestPki.pemBytes(ark));
        Files.write(d.resolve("ask.pem"), TestPki.pemBytes(ask));
        Files.write(d.resolve("asvk.pem"), TestPki.pemBytes(asvk));
    }

    private static ASN1ObjectIdentifier oid(String suffix) {
        return new ASN1ObjectIdentifier(ARC + suffix);
    }

    private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(PSS).setProvider(CryptoProviders.bouncyCastle()).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate ca(String cn, PublicKey key, X509Certificate issuer, PrivateKey issuerKey,
                               Instant from, Instant to, BigInteger serial, String kdsPath) {
        try {
            X500Name subject = new X500Name(DN_TAIL + cn);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial, Date.from(from),
                    Date.from(to), subject, key);
            b.addExtension(Extension.basicConstraints, true,
                    issuer == null ? new BasicConstraints(true) : new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            String url = "https://kdsintf.amd.com/" + kdsPath + "/v1/" + displayName(product) + "/crl";
            DistributionPoint dp = new DistributionPoint(new DistributionPointName(
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url))), null, null);
            b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {dp}));
            return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.openanolis.attestation.simulator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openanolis.attestation.certs.CryptoProviders;

/**
 * Building blocks for vendor-shaped test PKIs: key pairs, certificates with arbitrary extensions,
 * CRLs and PEM output. Deterministic enough for tests (serials count up); keys are random.
 * Never used by the verifier itself.
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(0x1000);

    private TestPki() {}

    /** An EC key pair on {@code curve} ("secp256r1", "secp384r1"). */
    public static KeyPair ecKeyPair(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CryptoProviders.bouncyCastle());
            g.initialize(new ECGenParameterSpec(curve), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An RSA key pair of {@code bits}. */
    public static KeyPair rsaKeyPair(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh positive serial number. */
    public static BigInteger nextSerial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    /** One extra extension to put in a certificate. */
    public record Ext(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {}

    /**
     * Issues a certificate. {@code issuer == null} makes it self-signed with {@code issuerKey}.
     * {@code sigAlg} is a JCA name such as {@code SHA256withECDSA}, {@code SHA384withECDSA} or
     * {@code SHA384withRSAandMGF1} (RSASSA-PSS, as AMD uses).
     */
    public static X509Certificate issue(String subjectDn, PublicKey subjectKey, X509Certificate issuer,
                                        PrivateKey issuerKey, String sigAlg, Instant notBefore, Instant notAfter,
                                        BigInteger serial, boolean ca, List<Ext> extensions) {
        try {
            X500Name subject = new X500Name(subjectDn);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            }
            for (Ext e : extensions) {
                b.addExtension(e.oid(), e.critical(), e.value());
            }
            X509CertificateHolder h = b.build(signer(sigAlg, issuerKey));
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL issued by {@code issuer} listing {@code revoked} serials. */
    public static X509CRL crl(X509Certificate issuer, PrivateKey issuerKey, String sigAlg,
                              Instant thisUpdate, Instant nextUpdate, List<BigInteger> revoked) {
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(
                    X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            b.setNextUpdate(Date.from(nextUpdate));
            for (BigInteger s : revoked) {
                b.addCRLEntry(s, Date.from(thisUpdate), CRLReason.keyCompromise);
            }
            X509CRLHolder h = b.build(signer(sigAlg, issuerKey));
            return new JcaX509CRLConverter().getCRL(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ContentSigner signer(String sigAlg, PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(sigAlg).setProvider(CryptoProviders.bouncyCastle()).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text of the given objects (certificates, CRLs, keys), concatenated. */
    public static String pem(Object... objects) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    /** {@link #pem} as US-ASCII bytes. */
    public static byte[] pemBytes(Object... objects) {
        return pem(objects).getBytes(StandardCharsets.US_ASCII);
    }
}

package org.openanolis.attestation.simulator.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.openanolis.attestation.certs.CryptoProviders;

/**
 * Signs OCSP responses with Bouncy Castle's {@link BasicOCSPRespBuilder}, the way a CA (or its
 * delegated responder) would, for tests and the simulated service.
 */
public final class OcspResponseFactory {
    private OcspResponseFactory() {}

    /** A certificate status to answer with. */
    public sealed interface Status {
        /** {@code good}. */
        record Good() implements Status {}

        /** {@code revoked} with an RFC 5280 reason code (6 = certificateHold). */
        record Revoked(Instant when, int reason) implements Status {}

        /** {@code unknown}. */
        record Unknown() implements Status {}

        static Status good() {
            return new Good();
        }

        static Status revoked(Instant when, int reason) {
            return new Revoked(when, reason);
        }
    }

    /** The RFC 5280 reason code of certificateHold. */
    public static final int CERTIFICATE_HOLD = CRLReason.certificateHold;
    public static final int KEY_COMPROMISE = CRLReason.keyCompromise;

    /**
     * A DER {@code OCSPResponse} for {@code serial} issued by {@code issuer}, signed by
     * {@code signerKey} (the issuer's key, or a delegated responder's with {@code signerCert} included).
     *
     * @param nonceExtension the request's nonce extension to echo, or null
     * @param nextUpdate     null for none
     */
    public static byte[] response(BigInteger serial, X509Certificate issuer, PrivateKey signerKey,
                                  X509Certificate signerCert, Status status, Instant thisUpdate, Instant nextUpdate,
                                  Extension nonceExtension) {
        try {
            DigestCalculatorProvider dcp = new JcaDigestCalculatorProviderBuilder().build();
            CertificateID id = new CertificateID(dcp.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer),
                    serial);
            X509Certificate responder = signerCert == null ? issuer : signerCert;
            BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(
                    new RespID(new JcaX509CertificateHolder(responder).getSubject()));
            CertificateStatus cs;
            if (status instanceof Status.Good) {
                cs = CertificateStatus.GOOD;
            } else if (status instanceof Status.Revoked r) {
                cs = new RevokedStatus(Date.from(r.when()), r.reason());
            } else {
                cs = new UnknownStatus();
            }
            b.addResponse(id, cs, Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate));
            if (nonceExtension != null) {
                b.setResponseExtensions(new Extensions(nonceExtension));
            }
            X509CertificateHolder[] chain = signerCert == null ? null
                    : new X509CertificateHolder[] {new JcaX509CertificateHolder(signerCert)};
            var basic = b.build(new JcaContentSignerBuilder("SHA384withECDSA")
                    .setProvider(CryptoProviders.bouncyCastle()).build(signerKey), chain, Date.from(thisUpdate));
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The nonce extension OID, for callers that echo a request's nonce. */
    public static boolean isNonce(Extension e) {
        return OCSPObjectIdentifiers.id_pkix_ocsp_nonce.equals(e.getExtnId());
    }
}

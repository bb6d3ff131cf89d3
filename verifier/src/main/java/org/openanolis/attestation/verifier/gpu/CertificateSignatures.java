package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.openanolis.attestation.certs.CryptoProviders;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.IdentityDigests;

/**
 * ECDSA signatures made by certificate keys (certificates, OCSP responses), on Bouncy Castle's
 * lightweight API with the signer's decoded key object kept by the signer certificate's exact
 * bytes (a reused key object also keeps BC's precomputed multiples of its point), and with
 * certificate signatures between two CA certificates remembered by the exact bytes of both: every
 * device of a model shares the same intermediate CAs, so a boot storm of 10,000 distinct GPUs
 * verifies "ICA signed by Identity" once, not 10,000 times. Signatures by non-CA subjects (the
 * per-device certificates) are not remembered: they are verified once per device anyway (the
 * device chain as a whole is cached by {@link GpuEvidenceVerifier}).
 *
 * <p>Only the ECDSA algorithms with SHA-256/384/512 on P-256/P-384 take the fast path; anything
 * else goes to the JCA (Bouncy Castle provider) unchanged. Signatures are decoded strictly (DER,
 * re-encoding must give the same bytes) as the JCA would. Thread-safe; the caches are bounded
 * and evict single entries when full ({@link DeviceCacheLimits#newCache}).
 */
final class CertificateSignatures {
    private static final int MAX_KEYS = DeviceCacheLimits.perDevice(1) + 1024;
    private static final int MAX_VERIFIED = 4096; // CA-to-CA signatures only
    private static final Cache<String, ECPublicKeyParameters> KEYS = DeviceCacheLimits.newCache(MAX_KEYS);
    /** "SHA-256(subject DER)/SHA-256(issuer DER)" of CA certificates whose signature verified. */
    private static final Cache<String, Boolean> VERIFIED_CA_SIGNATURES = DeviceCacheLimits.newCache(MAX_VERIFIED);

    private CertificateSignatures() {}

    /**
     * Throws unless {@code issuer}'s key made {@code subject}'s signature. Same contract as
     * {@code subject.verify(issuer.getPublicKey(), BC)}.
     */
    static void verifyCertificate(X509Certificate subject, X509Certificate issuer) throws GeneralSecurityException {
        boolean ca = subject.getBasicConstraints() >= 0;
        String memo = null;
        if (ca) {
            memo = digest(subject) + "/" + digest(issuer);
            if (VERIFIED_CA_SIGNATURES.getIfPresent(memo) != null) {
                return;
            }
        }
        Boolean ok = verifyEcdsa(issuer, subject.getSigAlgOID(), subject.getTBSCertificate(), subject.getSignature());
        if (ok == null) {
            subject.verify(issuer.getPublicKey(), CryptoProviders.bouncyCastle());
        } else if (!ok) {
            throw new SignatureException("certificate signature does not verify");
        }
        if (ca) {
            VERIFIED_CA_SIGNATURES.put(memo, Boolean.TRUE);
        }
    }

    /**
     * Whether {@code signer}'s key made {@code derSignature} (algorithm {@code sigAlgOid}) over
     * {@code signed}, for ECDSA with SHA-2 on P-256/P-384 (with the cached key object); null when
     * the algorithm or key is anything else (the caller then uses the JCA).
     */
    static Boolean verifyEcdsa(X509Certificate signer, String sigAlgOid, byte[] signed, byte[] derSignature)
            throws GeneralSecurityException {
        String hash = ecdsaHash(sigAlgOid);
        ECDomainParameters curve = hash == null ? null : curveOf(signer);
        if (curve == null) {
            return null;
        }
        ECPublicKeyParameters key = key(signer, curve);
        BigInteger[] rs;
        try {
            rs = StandardDSAEncoding.INSTANCE.decode(curve.getN(), derSignature);
        } catch (java.io.IOException | RuntimeException e) {
            throw new SignatureException("malformed ECDSA signature", e);
        }
        byte[] digest = switch (hash) {
            case "SHA-256" -> Digests.sha256(signed);
            case "SHA-384" -> Digests.sha384(signed);
            default -> Digests.sha512(signed);
        };
        try {
            Ecdsa.verifyDigest(key, digest, rs[0], rs[1], "signature");
            return Boolean.TRUE;
        } catch (VerificationException e) {
            return Boolean.FALSE;
        }
    }

    private static String ecdsaHash(String oid) {
        return switch (oid) {
            case "1.2.840.10045.4.3.2" -> "SHA-256";
            case "1.2.840.10045.4.3.3" -> "SHA-384";
            case "1.2.840.10045.4.3.4" -> "SHA-512";
            default -> null;
        };
    }

    private static ECDomainParameters curveOf(X509Certificate c) {
        if (!(c.getPublicKey() instanceof ECPublicKey ec)) {
            return null;
        }
        // Named curves only: P-256 and P-384 have these exact parameters.
        java.security.spec.ECParameterSpec p = ec.getParams();
        ECDomainParameters candidate = switch (p.getCurve().getField().getFieldSize()) {
            case 256 -> Ecdsa.P256;
            case 384 -> Ecdsa.P384;
            default -> null;
        };
        if (candidate == null || !candidate.getN().equals(p.getOrder())
                || !candidate.getCurve().getB().toBigInteger().equals(p.getCurve().getB())
                || !candidate.getG().getAffineXCoord().toBigInteger().equals(p.getGenerator().getAffineX())) {
            return null;
        }
        return candidate;
    }

    private static ECPublicKeyParameters key(X509Certificate signer, ECDomainParameters curve)
            throws GeneralSecurityException {
        String k = digest(signer);
        ECPublicKeyParameters key = KEYS.getIfPresent(k);
        if (key == null) {
            try {
                key = Ecdsa.certificateKey(signer, curve, org.openanolis.attestation.errors.ReasonCode.CERT_CHAIN_INVALID,
                        "public_key");
            } catch (VerificationException e) {
                throw new java.security.InvalidKeyException(e.getMessage(), e);
            }
            KEYS.put(k, key);
        }
        return key;
    }

    /**
     * Hex SHA-256 of the certificate's DER, once per certificate object: the CAs every device
     * shares are the same objects on every request (the PEM parse cache and the JDK's certificate
     * factory cache hand them out again), so a chain no longer re-encodes and re-hashes them.
     */
    private static String digest(X509Certificate c) throws CertificateEncodingException {
        try {
            return IdentityDigests.fingerprint(c);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof CertificateEncodingException cee) {
                throw cee;
            }
            throw e;
        }
    }

    /** How many CA signatures are remembered (tests). */
    static int rememberedCaSignatures() {
        VERIFIED_CA_SIGNATURES.cleanUp();
        return Math.toIntExact(VERIFIED_CA_SIGNATURES.estimatedSize());
    }
}

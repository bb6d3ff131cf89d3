package org.openanolis.attestation.certs;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * ECDSA verification on Bouncy Castle's lightweight API, with the range checks of SEC 1 4.1.4
 * (0 &lt; r, s &lt; n) done before the arithmetic. Public keys are {@link ECPublicKeyParameters}
 * objects that callers cache by certificate fingerprint: decoding a point costs about as much as
 * a verification ({@code perf-limits.md}).
 */
public final class Ecdsa {
    /** NIST P-256 (secp256r1). */
    public static final ECDomainParameters P256 = domain("secp256r1");
    /** NIST P-384 (secp384r1). */
    public static final ECDomainParameters P384 = domain("secp384r1");

    private Ecdsa() {}

    private static ECDomainParameters domain(String name) {
        // BC's custom curve implementations (SecP256R1Curve, SecP384R1Curve) are about 3x faster
        // than the generic Fp arithmetic ECNamedCurveTable returns (P-384 verify 250 vs 730 us here).
        X9ECParameters p = CustomNamedCurves.getByName(name);
        if (p == null) {
            p = ECNamedCurveTable.getByName(name);
        }
        return new ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH(), p.getSeed());
    }

    /**
     * A P-256 public key from the 64-byte raw {@code X || Y} encoding used in Intel quotes.
     *
     * @throws VerificationException {@code onError} when the bytes are not a point on the curve
     */
    public static ECPublicKeyParameters rawKey(ECDomainParameters curve, byte[] xy, ReasonCode onError, String field)
            throws VerificationException {
        int len = (curve.getCurve().getFieldSize() + 7) / 8;
        if (xy.length != 2 * len) {
            throw new VerificationException(onError, field, field + ": raw public key must be " + 2 * len + " bytes");
        }
        byte[] uncompressed = new byte[1 + xy.length];
        uncompressed[0] = 0x04;
        System.arraycopy(xy, 0, uncompressed, 1, xy.length);
        try {
            ECPoint q = curve.getCurve().decodePoint(uncompressed);
            return new ECPublicKeyParameters(q, curve);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(onError, field, field + ": not a point on the curve", e);
        }
    }

    /** The EC public key of a certificate as a BC key object, on the named curve {@code curve}. */
    public static ECPublicKeyParameters certificateKey(X509Certificate cert, ECDomainParameters curve,
                                                      ReasonCode onError, String field) throws VerificationException {
        PublicKey pk = cert.getPublicKey();
        if (!(pk instanceof ECPublicKey ec)) {
            throw new VerificationException(onError, field, field + ": certificate key is not EC");
        }
        int len = (curve.getCurve().getFieldSize() + 7) / 8;
        if (ec.getParams().getCurve().getField().getFieldSize() != curve.getCurve().getFieldSize()) {
            throw new VerificationException(onError, field, field + ": certificate key is on the wrong curve");
        }
        byte[] xy = new byte[2 * len];
        copyFixed(ec.getW().getAffineX(), xy, 0, len);
        copyFixed(ec.getW().getAffineY(), xy, len, len);
        return rawKey(curve, xy, onError, field);
    }

    private static void copyFixed(BigInteger v, byte[] out, int off, int len) {
        byte[] b = v.toByteArray();
        int start = Math.max(0, b.length - len);
        int n = b.length - start;
        System.arraycopy(b, start, out, off + len - n, n);
    }

    /**
     * Readies {@code key} for verifications to come (a known device's leaf key, prepared by the
     * warm start before its device attests again). Bouncy Castle moves a point to fixed-point
     * combs on its fifth use; this uses it five times on a signature that cannot verify
     * (r = s = 1 over a zero digest, whose scalar multiplications are trivial) so that its tables
     * exist before the first real verification. Measured on P-384 (thread CPU): ~0.8 ms now and
     * ~6 KB more per key; a verification with the key then costs ~0.35 ms instead of ~0.7 ms.
     * (BC's {@code WNafUtil.configureBasepoint} gives ~0.26 ms but costs 1.6 ms and ~46 KB per
     * key.) Only speed depends on BC's promotion rule; no result does.
     */
    public static void prepareForReuse(ECPublicKeyParameters key) {
        byte[] zero = new byte[(key.getParameters().getN().bitLength() + 7) / 8];
        for (int i = 0; i < 5; i++) {
            ECDSASigner signer = new ECDSASigner();
            signer.init(false, key);
            signer.verifySignature(zero, BigInteger.ONE, BigInteger.ONE);
        }
    }

    /**
     * Verifies a signature given as big-endian {@code r || s} (each half the length of the
     * array) over an already computed digest. Returns normally or throws
     * {@link ReasonCode#SIGNATURE_INVALID} naming {@code field}.
     */
    public static void verifyDigest(ECPublicKeyParameters key, byte[] digest, byte[] rawSignature, String field)
            throws VerificationException {
        if (rawSignature.length % 2 != 0 || rawSignature.length == 0) {
            throw new VerificationException(ReasonCode.SIGNATURE_INVALID, field, field + ": bad raw signature length");
        }
        int half = rawSignature.length / 2;
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, half));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(rawSignature, half, rawSignature.length));
        verifyDigest(key, digest, r, s, field);
    }

    /** Verifies {@code (r, s)} over {@code digest}; r and s must lie in [1, n-1]. */
    public static void verifyDigest(ECPublicKeyParameters key, byte[] digest, BigInteger r, BigInteger s, String field)
            throws VerificationException {
        BigInteger n = key.getParameters().getN();
        if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
            throw new VerificationException(ReasonCode.SIGNATURE_INVALID, field, field + ": r or s out of range");
        }
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, key);
        if (!signer.verifySignature(digest, r, s)) {
            throw new VerificationException(ReasonCode.SIGNATURE_INVALID, field, field + ": ECDSA signature does not verify");
        }
    }
}

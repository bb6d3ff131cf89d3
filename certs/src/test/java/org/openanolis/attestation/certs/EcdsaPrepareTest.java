package org.openanolis.attestation.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** A key readied for reuse ({@link Ecdsa#prepareForReuse}) verifies exactly as before. */
class EcdsaPrepareTest {
    @Test
    void aPreparedKeyAcceptsWhatItSignedAndNothingElse() throws Exception {
        SecureRandom rnd = new SecureRandom();
        for (var curve : new org.bouncycastle.crypto.params.ECDomainParameters[] {Ecdsa.P256, Ecdsa.P384}) {
            BigInteger d = new BigInteger(curve.getN().bitLength() - 2, rnd).add(BigInteger.ONE);
            ECPublicKeyParameters key = new ECPublicKeyParameters(curve.getG().multiply(d).normalize(), curve);
            ECPublicKeyParameters other = new ECPublicKeyParameters(
                    curve.getG().multiply(d.add(BigInteger.ONE)).normalize(), curve);
            byte[] digest = new byte[(curve.getN().bitLength() + 7) / 8];
            rnd.nextBytes(digest);
            ECDSASigner signer = new ECDSASigner();
            signer.init(true, new ParametersWithRandom(new ECPrivateKeyParameters(d, curve), rnd));
            BigInteger[] rs = signer.generateSignature(digest);

            Ecdsa.prepareForReuse(key);
            Ecdsa.prepareForReuse(other);
            for (int i = 0; i < 3; i++) {
                Ecdsa.verifyDigest(key, digest, rs[0], rs[1], "sig");
                VerificationException e = assertThrows(VerificationException.class,
                        () -> Ecdsa.verifyDigest(other, digest, rs[0], rs[1], "sig"));
                assertEquals(ReasonCode.SIGNATURE_INVALID, e.code());
                byte[] flipped = digest.clone();
                flipped[0] ^= 1;
                assertThrows(VerificationException.class, () -> Ecdsa.verifyDigest(key, flipped, rs[0], rs[1], "sig"));
                assertThrows(VerificationException.class,
                        () -> Ecdsa.verifyDigest(key, digest, BigInteger.ONE, BigInteger.ONE, "sig"));
            }
        }
    }
}

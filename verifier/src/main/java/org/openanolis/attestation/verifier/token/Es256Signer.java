package org.openanolis.attestation.verifier.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.interfaces.ECPrivateKey;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;

/**
 * ES256 (ECDSA P-256 / SHA-256, JWS {@code R || S}) on Bouncy Castle's lightweight API with the
 * custom P-256 curve of {@link Ecdsa#P256}, whose fixed-point table for the generator is computed
 * once per process. Signing through the JCA with a {@code java.security} key rebuilt that table
 * for every token (JFR: half of the token issuer's time). Nonces are deterministic (RFC 6979).
 * Thread-safe.
 */
final class Es256Signer implements JWSSigner {
    private final ECPrivateKeyParameters key;
    private final JCAContext jca = new JCAContext();

    Es256Signer(ECPrivateKey privateKey) {
        this.key = new ECPrivateKeyParameters(privateKey.getS(), Ecdsa.P256);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new JOSEException("only ES256");
        }
        return Base64URL.encode(signRaw(signingInput));
    }

    /** The JWS ES256 signature of {@code signingInput}: {@code R || S}, 32 bytes each. */
    byte[] signRaw(byte[] signingInput) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(Digests.sha256(signingInput));
        byte[] out = new byte[64];
        BigIntegers.asUnsignedByteArray(rs[0], out, 0, 32);
        BigIntegers.asUnsignedByteArray(rs[1], out, 32, 32);
        return out;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.ES256);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}

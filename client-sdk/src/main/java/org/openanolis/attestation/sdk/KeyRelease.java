package org.openanolis.attestation.sdk;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.text.ParseException;
import java.util.Objects;

/**
 * Key release: a gateway wraps a model key (any bytes) to the TEE public key of a
 * {@link VerifiedToken} ({@code cnf.jwk}), and the TEE unwraps it with its private key.
 *
 * <p>The result is a compact JWE: {@code ECDH-ES+A256KW} with {@code A256GCM} for EC keys,
 * {@code RSA-OAEP-256} with {@code A256GCM} for RSA keys. Its protected (authenticated) header
 * carries {@code kid} = the RFC 7638 thumbprint of the TEE key (the recipient), {@code jti} = the
 * token the release was made against, {@code model_key_id} = the gateway's id of the model key,
 * and {@code typ} = {@value #TYPE}. The unwrap side pins the algorithms for its key type and checks
 * all three identifiers, so a JWE cannot be redirected to another token or mistaken for another key.
 */
public final class KeyRelease {
    /** {@code typ} of a released key. */
    public static final String TYPE = "model-key+jwe";
    /** Header parameter naming the gateway's id of the key. */
    public static final String MODEL_KEY_ID = "model_key_id";
    /** Header parameter naming the token's {@code jti}. */
    public static final String TOKEN_ID = "jti";

    private KeyRelease() {}

    /**
     * Wraps {@code modelKey} to the TEE key of {@code token}.
     *
     * @param modelKeyId the gateway's name for the key (travels in the protected header)
     * @return the compact JWE
     */
    public static String wrap(VerifiedToken token, String modelKeyId, byte[] modelKey) throws KeyReleaseException {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(modelKeyId, "modelKeyId");
        if (modelKey == null || modelKey.length == 0) {
            throw new IllegalArgumentException("modelKey must not be empty");
        }
        JWK tee = token.teePublicKey();
        JWEHeader.Builder h = new JWEHeader.Builder(algorithmFor(tee), EncryptionMethod.A256GCM)
                .type(new JOSEObjectType(TYPE))
                .keyID(token.teeKeyThumbprint())
                .customParam(TOKEN_ID, token.jti())
                .customParam(MODEL_KEY_ID, modelKeyId);
        JWEObject jwe = new JWEObject(h.build(), new Payload(modelKey.clone()));
        try {
            if (tee instanceof ECKey ec) {
                jwe.encrypt(new ECDHEncrypter(ec));
            } else {
                jwe.encrypt(new RSAEncrypter((RSAKey) tee));
            }
        } catch (JOSEException e) {
            throw new KeyReleaseException(KeyReleaseException.Failure.UNSUPPORTED_KEY, e.getMessage(), e);
        }
        return jwe.serialize();
    }

    /**
     * The TEE side: decrypts a released key with the TEE's private key.
     *
     * @param jwe           the compact JWE from the gateway
     * @param teePrivateKey the private key whose public half was in {@code runtime_data}
     * @param expectedJti   the {@code jti} of the token this TEE presented
     */
    public static ReleasedKey unwrap(String jwe, JWK teePrivateKey, String expectedJti) throws KeyReleaseException {
        Objects.requireNonNull(teePrivateKey, "teePrivateKey");
        Objects.requireNonNull(expectedJti, "expectedJti");
        if (!teePrivateKey.isPrivate()) {
            throw new IllegalArgumentException("unwrap needs the TEE's private key");
        }
        JWEObject o;
        try {
            o = JWEObject.parse(jwe);
        } catch (ParseException | NullPointerException e) {
            throw new KeyReleaseException(KeyReleaseException.Failure.MALFORMED, "not a compact JWE", e);
        }
        JWEHeader h = o.getHeader();
        if (!algorithmFor(teePrivateKey).equals(h.getAlgorithm()) || !EncryptionMethod.A256GCM.equals(h.getEncryptionMethod())) {
            throw new KeyReleaseException(KeyReleaseException.Failure.ALGORITHM_NOT_ALLOWED,
                    h.getAlgorithm() + "/" + h.getEncryptionMethod() + " is not allowed for this key", null);
        }
        String thumbprint;
        try {
            thumbprint = teePrivateKey.toPublicJWK().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new KeyReleaseException(KeyReleaseException.Failure.UNSUPPORTED_KEY, e.getMessage(), e);
        }
        if (!thumbprint.equals(h.getKeyID())) {
            throw new KeyReleaseException(KeyReleaseException.Failure.WRONG_RECIPIENT,
                    "the JWE is for key " + h.getKeyID(), null);
        }
        Object jti = h.getCustomParam(TOKEN_ID);
        if (!expectedJti.equals(jti)) {
            throw new KeyReleaseException(KeyReleaseException.Failure.TOKEN_MISMATCH,
                    "released against token " + jti, null);
        }
        if (!(h.getCustomParam(MODEL_KEY_ID) instanceof String modelKeyId)) {
            throw new KeyReleaseException(KeyReleaseException.Failure.MALFORMED, "no model_key_id header", null);
        }
        try {
            if (teePrivateKey instanceof ECKey ec) {
                o.decrypt(new ECDHDecrypter(ec));
            } else {
                o.decrypt(new RSADecrypter((RSAKey) teePrivateKey));
            }
        } catch (JOSEException e) {
            throw new KeyReleaseException(KeyReleaseException.Failure.DECRYPTION_FAILED, e.getMessage(), e);
        }
        return new ReleasedKey(modelKeyId, expectedJti, o.getPayload().toBytes());
    }

    /**
     * A fresh P-256 key pair for the TEE (private JWK; send only {@code toPublicJWK()} to the
     * service). Generate it inside the TEE and never export the private half.
     */
    public static ECKey generateTeeKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("P-256 is part of every JDK", e);
        }
    }

    private static JWEAlgorithm algorithmFor(JWK key) throws KeyReleaseException {
        if (key instanceof ECKey) {
            return JWEAlgorithm.ECDH_ES_A256KW;
        }
        if (key instanceof RSAKey) {
            return JWEAlgorithm.RSA_OAEP_256;
        }
        throw new KeyReleaseException(KeyReleaseException.Failure.UNSUPPORTED_KEY,
                "key release needs an EC or RSA key, got " + key.getKeyType(), null);
    }
}

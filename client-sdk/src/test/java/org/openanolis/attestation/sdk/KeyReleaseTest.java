package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.MutableClock;

/** Wrap to the token's TEE key, unwrap inside the TEE, and every refusal of the unwrap side. */
class KeyReleaseTest {
    private static final byte[] MODEL_KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private TestTokens tokens;
    private TokenVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        tokens = new TestTokens();
        verifier = TokenVerifier.builder().issuer(TestTokens.ISSUER).jwks(tokens.jwks()).audience(TestTokens.AUDIENCE)
                .clock(new MutableClock(TestTokens.NOW)).maxClockSkew(Duration.ZERO).acceptStatus(EarStatus.AFFIRMING)
                .ignorePolicyIds().ignoreReplays().build();
    }

    private VerifiedToken tokenFor(JWK tee) throws Exception {
        return verifier.verify(tokens.sign(TestTokens.claims(tee).build()));
    }

    @Test
    void ecRoundTripCarriesJtiAndKeyIdsInTheProtectedHeader() throws Exception {
        VerifiedToken t = tokenFor(tokens.teeKey);
        String jwe = KeyRelease.wrap(t, "llama-70b/v3", MODEL_KEY);
        JWEHeader h = JWEObject.parse(jwe).getHeader();
        assertEquals(JWEAlgorithm.ECDH_ES_A256KW, h.getAlgorithm());
        assertEquals(EncryptionMethod.A256GCM, h.getEncryptionMethod());
        assertEquals(t.jti(), h.getCustomParam("jti"));
        assertEquals("llama-70b/v3", h.getCustomParam("model_key_id"));
        assertEquals(tokens.teeKey.computeThumbprint().toString(), h.getKeyID());
        ReleasedKey k = KeyRelease.unwrap(jwe, tokens.teeKey, t.jti());
        assertArrayEquals(MODEL_KEY, k.key());
        assertEquals("llama-70b/v3", k.modelKeyId());
    }

    @Test
    void rsaRoundTripUsesRsaOaep256() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        VerifiedToken t = tokenFor(rsa);
        String jwe = KeyRelease.wrap(t, "k1", MODEL_KEY);
        assertEquals(JWEAlgorithm.RSA_OAEP_256, JWEObject.parse(jwe).getHeader().getAlgorithm());
        assertArrayEquals(MODEL_KEY, KeyRelease.unwrap(jwe, rsa, t.jti()).key());
    }

    @Test
    void unwrapRefusals() throws Exception {
        VerifiedToken t = tokenFor(tokens.teeKey);
        String jwe = KeyRelease.wrap(t, "k1", MODEL_KEY);
        ECKey otherTee = KeyRelease.generateTeeKey();
        assertEquals(KeyReleaseException.Failure.WRONG_RECIPIENT,
                assertThrows(KeyReleaseException.class, () -> KeyRelease.unwrap(jwe, otherTee, t.jti())).failure());
        assertEquals(KeyReleaseException.Failure.TOKEN_MISMATCH,
                assertThrows(KeyReleaseException.class, () -> KeyRelease.unwrap(jwe, tokens.teeKey, "other")).failure());
        assertEquals(KeyReleaseException.Failure.ALGORITHM_NOT_ALLOWED,
                assertThrows(KeyReleaseException.class,
                        () -> KeyRelease.unwrap(jwe, new RSAKeyGenerator(2048).generate(), t.jti())).failure());
        assertEquals(KeyReleaseException.Failure.MALFORMED,
                assertThrows(KeyReleaseException.class, () -> KeyRelease.unwrap("x.y", tokens.teeKey, t.jti())).failure());
        // Flip one byte of the ciphertext: GCM authentication fails.
        String[] parts = jwe.split("\\.");
        char c = parts[3].charAt(2);
        parts[3] = parts[3].substring(0, 2) + (c == 'A' ? 'B' : 'A') + parts[3].substring(3);
        String tampered = String.join(".", parts);
        assertEquals(KeyReleaseException.Failure.DECRYPTION_FAILED,
                assertThrows(KeyReleaseException.class, () -> KeyRelease.unwrap(tampered, tokens.teeKey, t.jti())).failure());
        // A header naming this TEE and token but encrypted with A128GCM is refused before decryption.
        JWEObject weak = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.ECDH_ES_A256KW, EncryptionMethod.A128GCM)
                .keyID(tokens.teeKey.computeThumbprint().toString()).customParams(Map.of("jti", t.jti(), "model_key_id", "k1"))
                .build(), new Payload(MODEL_KEY));
        weak.encrypt(new ECDHEncrypter(tokens.teeKey.toECPublicKey()));
        assertEquals(KeyReleaseException.Failure.ALGORITHM_NOT_ALLOWED,
                assertThrows(KeyReleaseException.class, () -> KeyRelease.unwrap(weak.serialize(), tokens.teeKey, t.jti())).failure());
    }
}

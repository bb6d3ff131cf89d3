package org.openanolis.attestation.policies.admin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.openanolis.attestation.policies.PolicyException;

/**
 * Signed-document mode: policy and reference-set documents signed (JWS, compact) by a registered
 * signing key, so that a stolen admin token alone cannot change what the verifier accepts. The
 * JWS payload is the document bytes, either attached (then it must equal the uploaded bytes) or
 * detached ({@code header..signature}). The header must name the key by {@code kid}; accepted
 * algorithms are ES256, ES384, PS256 and RS256.
 *
 * <p>{@link #required(JWKSet)}: every upload must be signed. {@link #optional(JWKSet)}: a
 * signature is verified and recorded when present. {@link #off()}: no keys; an upload that
 * carries a signature is rejected rather than stored unverified.
 */
public final class DocumentSigning {
    /** The algorithms accepted for document signatures. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.PS256, JWSAlgorithm.RS256);

    /** A signature that verified, and the key that made it. */
    public record VerifiedSignature(String jws, String keyId) {}

    private final JWKSet keys;
    private final boolean required;

    private DocumentSigning(JWKSet keys, boolean required) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.required = required;
        if (required && keys.isEmpty()) {
            throw new IllegalArgumentException("signed-document mode needs at least one registered key");
        }
        for (JWK k : keys.getKeys()) {
            if (k.getKeyID() == null) {
                throw new IllegalArgumentException("every registered signing key needs a kid");
            }
            if (k.isPrivate()) {
                throw new IllegalArgumentException("register public keys only (kid " + k.getKeyID() + ")");
            }
        }
    }

    /** Every document upload must carry a signature by one of {@code keys}. */
    public static DocumentSigning required(JWKSet keys) {
        return new DocumentSigning(keys, true);
    }

    /** Signatures are verified when present, not required. */
    public static DocumentSigning optional(JWKSet keys) {
        return new DocumentSigning(keys, false);
    }

    /** No signing keys: unsigned uploads only. */
    public static DocumentSigning off() {
        return new DocumentSigning(new JWKSet(), false);
    }

    public boolean isRequired() {
        return required;
    }

    /**
     * Checks the signature policy for an upload of {@code content}.
     *
     * @param jws the compact JWS, or null when unsigned
     * @return the verified signature, or null for an accepted unsigned upload
     * @throws PolicyException {@code SIGNATURE_REQUIRED} or {@code SIGNATURE_INVALID}
     */
    public VerifiedSignature check(byte[] content, String jws) throws PolicyException {
        if (jws == null || jws.isBlank()) {
            if (required) {
                throw new PolicyException(PolicyException.Code.SIGNATURE_REQUIRED, "signature",
                        "signed-document mode is on: the document must be signed by a registered key");
            }
            return null;
        }
        String compact = jws.strip();
        JWSObject object;
        try {
            object = compact.contains("..") ? JWSObject.parse(compact, new Payload(content)) : JWSObject.parse(compact);
        } catch (ParseException e) {
            throw invalid("not a compact JWS", e);
        }
        if (!Arrays.equals(object.getPayload().toBytes(), content)) {
            throw invalid("the JWS payload is not the uploaded document", null);
        }
        JWSAlgorithm alg = object.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw invalid("algorithm " + alg + " not accepted", null);
        }
        String kid = object.getHeader().getKeyID();
        JWK key = kid == null ? null : keys.getKeyByKeyId(kid);
        if (key == null) {
            throw invalid("no registered signing key " + kid, null);
        }
        try {
            JWSVerifier verifier;
            if (key instanceof ECKey ec) {
                verifier = new ECDSAVerifier(ec);
            } else if (key instanceof RSAKey rsa) {
                verifier = new RSASSAVerifier(rsa);
            } else {
                throw invalid("unsupported key type " + key.getKeyType(), null);
            }
            if (!verifier.supportedJWSAlgorithms().contains(alg) || !object.verify(verifier)) {
                throw invalid("signature does not verify with key " + kid, null);
            }
        } catch (JOSEException e) {
            throw invalid("signature does not verify with key " + kid, e);
        }
        return new VerifiedSignature(compact, kid);
    }

    private static PolicyException invalid(String message, Throwable cause) {
        return new PolicyException(PolicyException.Code.SIGNATURE_INVALID, "signature", message, cause);
    }
}

package org.openanolis.attestation.sdk;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An EAR token that passed every check of a {@link TokenVerifier}. Only {@link TokenVerifier}
 * can create one (the constructor is package-private), so an API that takes a
 * {@code VerifiedToken}, such as {@link KeyRelease#wrap}, cannot be handed an unverified token.
 */
public final class VerifiedToken {
    /**
     * One device's appraisal ({@code submods.<device>}).
     *
     * @param status   {@code ear.status}
     * @param policyId {@code ear.appraisal-policy-id}
     * @param claims   the whole submodule as JSON values (read-only)
     */
    public record Submodule(EarStatus status, String policyId, Map<String, Object> claims) {
        /** Copies the claims. */
        public Submodule {
            Objects.requireNonNull(status, "status");
            claims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(claims));
        }
    }

    private final String compact;
    private final String keyId;
    private final String issuer;
    private final List<String> audience;
    private final String jti;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String nonce;
    private final Map<String, Submodule> submodules;
    private final JWK teePublicKey;

    VerifiedToken(String compact, String keyId, String issuer, List<String> audience, String jti, Instant issuedAt,
                  Instant expiresAt, String nonce, Map<String, Submodule> submodules, JWK teePublicKey) {
        this.compact = compact;
        this.keyId = keyId;
        this.issuer = issuer;
        this.audience = List.copyOf(audience);
        this.jti = jti;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.nonce = nonce;
        this.submodules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(submodules));
        this.teePublicKey = teePublicKey;
    }

    /** The token as presented (a bearer credential: do not log it). */
    public String compact() {
        return compact;
    }

    /** The {@code kid} of the service key that signed it. */
    public String keyId() {
        return keyId;
    }

    /** {@code iss}. */
    public String issuer() {
        return issuer;
    }

    /** {@code aud}. */
    public List<String> audience() {
        return audience;
    }

    /** {@code jti}. */
    public String jti() {
        return jti;
    }

    /** {@code iat}. */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** {@code exp}. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** {@code eat_nonce}: the service nonce the evidence is bound to. */
    public String nonce() {
        return nonce;
    }

    /** {@code submods} in token order: {@code cpu}, then {@code gpu0}, {@code gpu1}… */
    public Map<String, Submodule> submodules() {
        return submodules;
    }

    /** {@code cnf.jwk}: the public key of the attested TEE, the only key model keys are wrapped to. */
    public JWK teePublicKey() {
        return teePublicKey;
    }

    /** The RFC 7638 SHA-256 thumbprint of {@link #teePublicKey()}, base64url. */
    public String teeKeyThumbprint() {
        try {
            return teePublicKey.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("thumbprint of a validated key", e);
        }
    }

    /** Identifies the token without revealing it. */
    @Override
    public String toString() {
        return "VerifiedToken[jti=" + jti + ", iss=" + issuer + ", exp=" + expiresAt + "]";
    }
}

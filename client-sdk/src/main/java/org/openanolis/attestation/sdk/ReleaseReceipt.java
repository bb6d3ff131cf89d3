package org.openanolis.attestation.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * A service-signed statement, recorded in the verification log, that a gateway released a model
 * key against a token: which token ({@code jti}), which model key, to which TEE key.
 * Only {@link ReleaseReceiptClient} constructs one, after checking the service's signature.
 *
 * <p>Wire format (docs/sdk.md, "Release receipts"): a compact JWS, ES256 with a service token
 * key ({@code kid} in the JWKS), {@code typ} {@value #TYPE}, claims {@code iss}, {@code iat},
 * {@code token_jti}, {@code model_key_id}, {@code tee_key_thumbprint} (RFC 7638, base64url
 * SHA-256), {@code released_at} (epoch seconds), {@code gateway} and {@code log_index}.
 */
public final class ReleaseReceipt {
    /** {@code typ} of a receipt JWS. */
    public static final String TYPE = "release-receipt+jwt";

    private final String compact;
    private final String tokenJti;
    private final String modelKeyId;
    private final String teeKeyThumbprint;
    private final Instant releasedAt;
    private final String gateway;
    private final long logIndex;

    ReleaseReceipt(String compact, String tokenJti, String modelKeyId, String teeKeyThumbprint, Instant releasedAt,
                   String gateway, long logIndex) {
        this.compact = Objects.requireNonNull(compact);
        this.tokenJti = Objects.requireNonNull(tokenJti);
        this.modelKeyId = Objects.requireNonNull(modelKeyId);
        this.teeKeyThumbprint = Objects.requireNonNull(teeKeyThumbprint);
        this.releasedAt = Objects.requireNonNull(releasedAt);
        this.gateway = Objects.requireNonNull(gateway);
        this.logIndex = logIndex;
    }

    /** The signed receipt as the service returned it (keep it as proof). */
    public String compact() {
        return compact;
    }

    /** The token the key was released against. */
    public String tokenJti() {
        return tokenJti;
    }

    /** The gateway's id of the released key. */
    public String modelKeyId() {
        return modelKeyId;
    }

    /** RFC 7638 thumbprint of the TEE key the model key was wrapped to. */
    public String teeKeyThumbprint() {
        return teeKeyThumbprint;
    }

    /** When the gateway released the key (seconds precision). */
    public Instant releasedAt() {
        return releasedAt;
    }

    /** The gateway that released it (its audience name). */
    public String gateway() {
        return gateway;
    }

    /** The receipt's index in the verification log. */
    public long logIndex() {
        return logIndex;
    }

    @Override
    public String toString() {
        return "ReleaseReceipt[tokenJti=" + tokenJti + ", modelKeyId=" + modelKeyId + ", logIndex=" + logIndex + "]";
    }
}

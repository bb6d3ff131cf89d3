package org.openanolis.attestation.verifier.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs release receipts (docs/sdk.md, "Release receipts"): compact ES256 JWS with the current
 * token-signing key of {@link SigningKeys} ({@code kid} in the JWKS, so a relying party checks
 * receipts with the same keys as tokens), {@code typ} {@value #TYPE}.
 */
public final class ReleaseReceiptSigner {
    /** {@code typ} of a receipt. */
    public static final String TYPE = "release-receipt+jwt";

    /** What a receipt states. */
    public record Receipt(String issuer, long issuedAt, String tokenJti, String modelKeyId, String teeKeyThumbprint,
                          long releasedAt, String gateway, long logIndex) {}

    private final SigningKeys keys;
    private final Map<String, Es256Signer> signers = new ConcurrentHashMap<>();

    public ReleaseReceiptSigner(SigningKeys keys) {
        this.keys = keys;
    }

    /** The compact JWS of {@code r}, signed with the current key. */
    public String sign(Receipt r) throws JOSEException {
        SigningKeys.SigningKey key = keys.current();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(r.issuer())
                .issueTime(Date.from(java.time.Instant.ofEpochSecond(r.issuedAt())))
                .claim("token_jti", r.tokenJti())
                .claim("model_key_id", r.modelKeyId())
                .claim("tee_key_thumbprint", r.teeKeyThumbprint())
                .claim("released_at", r.releasedAt())
                .claim("gateway", r.gateway())
                .claim("log_index", r.logIndex())
                .build();
        SignedJWT jws = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(TYPE))
                .keyID(key.kid()).build(), claims);
        jws.sign(signers.computeIfAbsent(key.kid(), k -> new Es256Signer(key.privateKey())));
        return jws.serialize();
    }
}

package org.openanolis.attestation.verifier.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Issues EAR attestation-result tokens (IETF RATS "EAT Attestation Results") as ES256 JWTs signed
 * on Bouncy Castle with the current key of {@link SigningKeys}; the {@code kid} header names it.
 *
 * <p>Body: {@code iss}, {@code aud} (when given), {@code iat}, {@code nbf}, {@code exp},
 * {@code jti}, {@code eat_profile}, {@code eat_nonce}, {@code ear.verifier-id}, {@code submods}
 * (one per device: {@code cpu}, {@code gpu0}…, each with {@code ear.status},
 * {@code ear.trustworthiness-vector}, {@code ear.appraisal-policy-id} and the device claims a
 * relying party needs) and {@code cnf.jwk}, the TEE public key (RFC 7800) that key release wraps to.
 * No raw evidence is embedded.
 */
public final class EarTokenIssuer {
    /** The EAR profile this service emits. */
    public static final String EAT_PROFILE = "tag:github.com,2023:veraison/ear";
    public static final JOSEObjectType TYPE = JOSEObjectType.JWT;

    /** One device's appraisal as it goes into {@code submods}. */
    public record Submod(String status, Map<String, Integer> trustVector, String policyId,
                         Map<String, Object> claims) {
        public Submod {
            Objects.requireNonNull(status, "status");
            trustVector = Map.copyOf(trustVector);
            claims = new LinkedHashMap<>(claims);
        }
    }

    /** What a token says, before signing. */
    public record Result(String nonce, String audience, Map<String, Object> teePublicJwk,
                         Map<String, Submod> submods, Map<String, Object> extra) {}

    /** A signed token with the fields callers need without reparsing it. */
    public record Issued(String token, String jti, Instant issuedAt, Instant expiresAt, String kid) {}

    private final SigningKeys keys;
    private final Clock clock;
    private final Duration lifetime;
    private final String issuer;
    private final Map<String, Object> verifierId;
    /** One ES256 signer per signing key id (its key parameters and curve tables are reused). */
    private final Map<String, Es256Signer> signers = new java.util.concurrent.ConcurrentHashMap<>();

    public EarTokenIssuer(SigningKeys keys, Clock clock, Duration lifetime, String issuer, String build) {
        this.keys = keys;
        this.clock = clock;
        this.lifetime = lifetime;
        this.issuer = issuer;
        this.verifierId = Map.of("developer", "https://openanolis.cn", "build", build);
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String issuer() {
        return issuer;
    }

    /** Signs {@code result} with the current key. */
    public Issued issue(Result result) throws JOSEException {
        SigningKeys.SigningKey key = keys.current();
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant exp = now.plus(lifetime);
        String jti = UUID.randomUUID().toString();
        Map<String, Object> submods = new LinkedHashMap<>();
        for (Map.Entry<String, Submod> e : result.submods().entrySet()) {
            Submod s = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ear.status", s.status());
            m.put("ear.trustworthiness-vector", new LinkedHashMap<>(s.trustVector()));
            m.put("ear.appraisal-policy-id", s.policyId());
            m.putAll(s.claims());
            submods.put(e.getKey(), m);
        }
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(jti)
                .claim("eat_profile", EAT_PROFILE)
                .claim("ear.verifier-id", verifierId)
                .claim("submods", submods);
        if (result.nonce() != null) {
            b.claim("eat_nonce", result.nonce());
        }
        if (result.audience() != null) {
            b.audience(List.of(result.audience()));
        }
        if (result.teePublicJwk() != null) {
            b.claim("cnf", Map.of("jwk", result.teePublicJwk()));
        }
        if (result.extra() != null) {
            result.extra().forEach(b::claim);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).keyID(key.kid()).build(),
                b.build());
        jwt.sign(signers.computeIfAbsent(key.kid(), k -> new Es256Signer(key.privateKey())));
        return new Issued(jwt.serialize(), jti, now, exp, key.kid());
    }
}

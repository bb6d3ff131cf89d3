package org.openanolis.attestation.sdk;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies EAR tokens of one attestation service for one relying party. The algorithm is pinned
 * to ES256; the key comes only from the issuer's JWKS by {@code kid} (never from {@code jwk},
 * {@code jku} or {@code x5u} headers); {@code typ}, {@code eat_profile}, {@code iss},
 * {@code aud}, {@code exp}, {@code nbf}, {@code iat} (with a bounded clock skew), the nonce, one-time
 * use, every device's {@code ear.status} and, when required, its {@code ear.appraisal-policy-id}
 * are checked, and {@code cnf.jwk} must be a public EC P-256/P-384/P-521 or RSA (≥ 2048 bit) key.
 * Time is read only from the configured {@link Clock}.
 *
 * <p>The {@link Builder} refuses to build until every requirement is either set or explicitly
 * waived (Tink style: {@code audience("x")} or {@code ignoreAudience()}, never a silent default):
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *         .issuer("https://verifier.example")
 *         .jwksFromDiscovery()
 *         .audience("model-gateway")
 *         .clock(Clock.systemUTC())
 *         .maxClockSkew(Duration.ofSeconds(30))
 *         .acceptStatus(EarStatus.AFFIRMING)
 *         .ignorePolicyIds()
 *         .replayGuard(ReplayGuard.inMemory(100_000))
 *         .build();
 * VerifiedToken token = verifier.verify(bearer);
 * }</pre>
 *
 * <p>Instances are thread-safe.
 */
public final class TokenVerifier {
    /** Tokens longer than this are refused unread. */
    public static final int MAX_TOKEN_CHARS = 64 * 1024;
    /** The EAR profile the service emits ({@code eat_profile}). */
    public static final String EAR_PROFILE = "tag:github.com,2023:veraison/ear";

    private final String issuer;
    private final JWKSource<SecurityContext> keys;
    private final String audience;
    private final Clock clock;
    private final Duration skew;
    private final EarStatus worstAccepted;
    private final Map<String, String> requiredPolicies;
    private final ReplayGuard replayGuard;

    private TokenVerifier(Builder b, JWKSource<SecurityContext> keys) {
        this.issuer = b.issuer;
        this.keys = keys;
        this.audience = b.audience;
        this.clock = b.clock;
        this.skew = b.skew;
        this.worstAccepted = b.worstAccepted;
        this.requiredPolicies = Map.copyOf(b.policies);
        this.replayGuard = b.replayGuard;
    }

    /** Starts a builder with nothing configured. */
    public static Builder builder() {
        return new Builder();
    }

    /** The issuer this verifier accepts. */
    public String issuer() {
        return issuer;
    }

    /**
     * Verifies a token whose nonce the caller does not know in advance (one-time use is then the
     * replay defence: configure a {@link ReplayGuard}).
     */
    public VerifiedToken verify(String token) throws TokenVerificationException {
        return verify(token, null);
    }

    /**
     * Verifies a token and, when {@code expectedNonce} is not null, that its {@code eat_nonce} is
     * that nonce (a relying party that fetched the nonce itself and handed it to the attester).
     */
    public VerifiedToken verify(String token, String expectedNonce) throws TokenVerificationException {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new TokenVerificationException(TokenFailure.MALFORMED, "token", "empty or longer than "
                    + MAX_TOKEN_CHARS + " characters");
        }
        SignedJWT jwt;
        try {
            if (!(JWTParser.parse(token) instanceof SignedJWT signed)) {
                throw new TokenVerificationException(TokenFailure.ALGORITHM_NOT_ALLOWED, "alg",
                        "unsigned (alg none) or encrypted tokens are not accepted");
            }
            jwt = signed;
        } catch (ParseException e) {
            throw new TokenVerificationException(TokenFailure.MALFORMED, "token", "not a compact JWS", e);
        }
        JWSHeader h = jwt.getHeader();
        if (!JWSAlgorithm.ES256.equals(h.getAlgorithm())) {
            throw new TokenVerificationException(TokenFailure.ALGORITHM_NOT_ALLOWED, "alg",
                    "only ES256 is accepted, got " + h.getAlgorithm());
        }
        if (!JOSEObjectType.JWT.equals(h.getType())) {
            throw new TokenVerificationException(TokenFailure.TYPE_MISMATCH, "typ", "expected JWT, got " + h.getType());
        }
        if (h.getCriticalParams() != null && !h.getCriticalParams().isEmpty()) {
            throw new TokenVerificationException(TokenFailure.MALFORMED, "crit",
                    "critical header parameters are not understood: " + h.getCriticalParams());
        }
        String kid = h.getKeyID();
        if (kid == null || kid.isEmpty()) {
            throw new TokenVerificationException(TokenFailure.UNKNOWN_KEY, "kid", "the header names no key");
        }
        ECKey key = signingKey(kid);
        try {
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw new TokenVerificationException(TokenFailure.SIGNATURE_INVALID, "signature",
                        "does not verify with key " + kid);
            }
        } catch (JOSEException e) {
            throw new TokenVerificationException(TokenFailure.SIGNATURE_INVALID, "signature", e.getMessage(), e);
        }

        // Only authenticated content from here on.
        JWTClaimsSet c;
        try {
            c = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenVerificationException(TokenFailure.MALFORMED, "payload", "not a JSON claims set", e);
        }
        if (!issuer.equals(c.getIssuer())) {
            throw new TokenVerificationException(TokenFailure.ISSUER_MISMATCH, "iss",
                    "expected " + issuer + ", got " + c.getIssuer());
        }
        List<String> aud = c.getAudience() == null ? List.of() : c.getAudience();
        if (audience != null && !aud.contains(audience)) {
            throw new TokenVerificationException(TokenFailure.AUDIENCE_MISMATCH, "aud",
                    "expected " + audience + ", got " + aud);
        }
        Instant now = clock.instant();
        Instant exp = required(c.getExpirationTime(), "exp");
        Instant iat = required(c.getIssueTime(), "iat");
        if (!now.isBefore(exp.plus(skew))) {
            throw new TokenVerificationException(TokenFailure.EXPIRED, "exp", "expired at " + exp + ", now " + now);
        }
        if (iat.isAfter(now.plus(skew))) {
            throw new TokenVerificationException(TokenFailure.NOT_YET_VALID, "iat", "issued in the future: " + iat);
        }
        Date nbf = c.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            throw new TokenVerificationException(TokenFailure.NOT_YET_VALID, "nbf", "not before " + nbf.toInstant());
        }
        String jti = stringClaim(c, "jti");
        String profile = stringClaim(c, "eat_profile");
        if (!EAR_PROFILE.equals(profile)) {
            throw new TokenVerificationException(TokenFailure.TYPE_MISMATCH, "eat_profile", "not the EAR profile: " + profile);
        }
        String nonce = stringClaim(c, "eat_nonce");
        if (expectedNonce != null && !expectedNonce.equals(nonce)) {
            throw new TokenVerificationException(TokenFailure.NONCE_MISMATCH, "eat_nonce",
                    "the token is bound to another nonce");
        }
        Map<String, VerifiedToken.Submodule> submods = submodules(c);
        JWK tee = confirmationKey(c);

        if (replayGuard != null && !replayGuard.firstUse(jti, nonce, exp.plus(skew), now)) {
            throw new TokenVerificationException(TokenFailure.REPLAYED, "jti",
                    "this token or its nonce has already been used");
        }
        return new VerifiedToken(token, kid, c.getIssuer(), aud, jti, iat, exp, nonce, submods, tee);
    }

    /** The issuer's ES256 key {@code kid}: receipts are signed with the token keys. */
    ECKey signingKeyForReceipts(String kid) throws TokenVerificationException {
        if (kid == null) {
            throw new TokenVerificationException(TokenFailure.UNKNOWN_KEY, "kid", "the header names no key");
        }
        return signingKey(kid);
    }

    private ECKey signingKey(String kid) throws TokenVerificationException {
        JWKSelector selector = new JWKSelector(new JWKMatcher.Builder()
                .keyID(kid).keyType(KeyType.EC).curve(Curve.P_256)
                .algorithms(JWSAlgorithm.ES256, null).keyUses(KeyUse.SIGNATURE, null)
                .publicOnly(true).build());
        List<JWK> found;
        try {
            found = keys.get(selector, null);
        } catch (RateLimitReachedException e) {
            // The kid was unknown and the JWKS was refreshed too recently to try again.
            throw new TokenVerificationException(TokenFailure.UNKNOWN_KEY, "kid",
                    "no ES256 key " + kid + " in the JWKS (refresh rate-limited)", e);
        } catch (KeySourceException e) {
            throw new TokenVerificationException(TokenFailure.JWKS_UNAVAILABLE, "kid",
                    "the issuer's JWKS is unavailable: " + e.getMessage(), e);
        }
        if (found == null || found.isEmpty()) {
            throw new TokenVerificationException(TokenFailure.UNKNOWN_KEY, "kid", "no ES256 key " + kid + " in the JWKS");
        }
        return found.get(0).toECKey();
    }

    private static Instant required(Date d, String name) throws TokenVerificationException {
        if (d == null) {
            throw new TokenVerificationException(TokenFailure.MALFORMED, name, "missing");
        }
        return d.toInstant();
    }

    private static String stringClaim(JWTClaimsSet c, String name) throws TokenVerificationException {
        Object v = c.getClaim(name);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new TokenVerificationException(TokenFailure.MALFORMED, name, "missing or not a string");
        }
        return s;
    }

    private Map<String, VerifiedToken.Submodule> submodules(JWTClaimsSet c) throws TokenVerificationException {
        if (!(c.getClaim("submods") instanceof Map<?, ?> raw) || raw.isEmpty()) {
            throw new TokenVerificationException(TokenFailure.MALFORMED, "submods", "missing or empty");
        }
        if (!raw.containsKey("cpu")) {
            throw new TokenVerificationException(TokenFailure.STATUS_NOT_ACCEPTED, "submods.cpu",
                    "no CPU appraisal in the token");
        }
        Map<String, VerifiedToken.Submodule> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            String device = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> m)) {
                throw new TokenVerificationException(TokenFailure.MALFORMED, "submods." + device, "not an object");
            }
            Map<String, Object> claims = new LinkedHashMap<>();
            m.forEach((k, v) -> claims.put(String.valueOf(k), v));
            String field = "submods." + device + ".ear.status";
            EarStatus status = claims.get("ear.status") instanceof String s ? EarStatus.fromWire(s) : null;
            if (status == null) {
                throw new TokenVerificationException(TokenFailure.MALFORMED, field, "missing or unknown status");
            }
            if (!status.atLeast(worstAccepted)) {
                throw new TokenVerificationException(TokenFailure.STATUS_NOT_ACCEPTED, field,
                        status.wireName() + " is worse than " + worstAccepted.wireName());
            }
            String policy = claims.get("ear.appraisal-policy-id") instanceof String s ? s : null;
            String kind = device.equals("cpu") ? "cpu" : "gpu";
            String wanted = requiredPolicies.get(kind);
            if (wanted != null && !policyMatches(wanted, policy)) {
                throw new TokenVerificationException(TokenFailure.POLICY_MISMATCH,
                        "submods." + device + ".ear.appraisal-policy-id", "expected " + wanted + ", got " + policy);
            }
            out.put(device, new VerifiedToken.Submodule(status, policy, claims));
        }
        return out;
    }

    /**
     * Whether {@code policy} ({@code <id>@<version>#sha256:<hex>}, docs/api.md) is what the
     * relying party requires: the same id (any version), the same id and version, or exactly.
     */
    static boolean policyMatches(String wanted, String policy) {
        if (policy == null) {
            return false;
        }
        return policy.equals(wanted) || policy.startsWith(wanted + (wanted.contains("@") ? "#" : "@"));
    }

    private static JWK confirmationKey(JWTClaimsSet c) throws TokenVerificationException {
        Object cnf = c.getClaim("cnf");
        if (!(cnf instanceof Map<?, ?> m) || !(m.get("jwk") instanceof Map<?, ?> jwk)) {
            throw new TokenVerificationException(TokenFailure.CONFIRMATION_KEY_INVALID, "cnf.jwk", "missing");
        }
        JWK key;
        try {
            Map<String, Object> json = new LinkedHashMap<>();
            jwk.forEach((k, v) -> json.put(String.valueOf(k), v));
            key = JWK.parse(json);
        } catch (ParseException e) {
            throw new TokenVerificationException(TokenFailure.CONFIRMATION_KEY_INVALID, "cnf.jwk", "not a JWK", e);
        }
        if (key.isPrivate()) {
            throw new TokenVerificationException(TokenFailure.CONFIRMATION_KEY_INVALID, "cnf.jwk",
                    "contains private key material");
        }
        if (key instanceof ECKey ec) {
            if (!List.of(Curve.P_256, Curve.P_384, Curve.P_521).contains(ec.getCurve())) {
                throw new TokenVerificationException(TokenFailure.CONFIRMATION_KEY_INVALID, "cnf.jwk.crv",
                        "unsupported curve " + ec.getCurve());
            }
        } else if (key instanceof RSAKey rsa) {
            if (rsa.size() < 2048) {
                throw new TokenVerificationException(TokenFailure.CONFIRMATION_KEY_INVALID, "cnf.jwk.n",
                        "RSA keys shorter than 2048 bits are refused");
            }
        } else {
            throw new TokenVerificationException(TokenFailure.CONFIRMATION_KEY_INVALID, "cnf.jwk.kty",
                    "only EC and RSA keys can receive model keys");
        }
        return key;
    }

    /**
     * Configures a {@link TokenVerifier}. Every requirement must be set or explicitly waived before
     * {@link #build()}: the issuer, the key source, the audience, the clock and its skew, the
     * accepted status tier, the policy ids and replay protection.
     */
    public static final class Builder {
        private String issuer;
        private JWKSource<SecurityContext> keys;
        private boolean discovery;
        private JwksCachePolicy cachePolicy = JwksCachePolicy.standard();
        private HttpClient http;
        private String audience;
        private boolean audienceWaived;
        private Clock clock;
        private Duration skew;
        private EarStatus worstAccepted;
        private final Map<String, String> policies = new LinkedHashMap<>();
        private boolean policiesWaived;
        private ReplayGuard replayGuard;
        private boolean replaysWaived;

        private Builder() {}

        /** The exact {@code iss} to accept, e.g. {@code https://verifier.example} (required). */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer);
            return this;
        }

        /** Find the JWKS through {@code <issuer>/.well-known/openid-configuration}, cached. */
        public Builder jwksFromDiscovery() {
            this.discovery = true;
            return this;
        }

        /** A fixed JWKS (air-gapped sites, tests). */
        public Builder jwks(JWKSet jwks) {
            this.keys = new ImmutableJWKSet<>(Objects.requireNonNull(jwks).toPublicJWKSet());
            return this;
        }

        /** Any Nimbus key source (for example one with its own caching). */
        public Builder jwkSource(JWKSource<SecurityContext> source) {
            this.keys = Objects.requireNonNull(source);
            return this;
        }

        /** How a discovered JWKS is cached (default {@link JwksCachePolicy#standard()}). */
        public Builder jwksCache(JwksCachePolicy policy) {
            this.cachePolicy = Objects.requireNonNull(policy);
            return this;
        }

        /** The HTTP client for discovery (default: a new JDK client). */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client);
            return this;
        }

        /** The audience this relying party is: {@code aud} must contain it. */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience);
            return this;
        }

        /** Accept tokens for any audience (a token meant for another party would then work here). */
        public Builder ignoreAudience() {
            this.audienceWaived = true;
            return this;
        }

        /** The clock every time check reads (required; tests pin it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Tolerated clock difference for {@code exp}, {@code nbf} and {@code iat}: 0 to 5 minutes. */
        public Builder maxClockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clock skew must be between 0 and 5 minutes");
            }
            this.skew = skew;
            return this;
        }

        /**
         * The worst {@code ear.status} accepted for every device: {@link EarStatus#AFFIRMING} or
         * {@link EarStatus#WARNING}.
         */
        public Builder acceptStatus(EarStatus worstAccepted) {
            if (worstAccepted != EarStatus.AFFIRMING && worstAccepted != EarStatus.WARNING) {
                throw new IllegalArgumentException("only affirming or warning can be accepted");
            }
            this.worstAccepted = worstAccepted;
            return this;
        }

        /**
         * Require {@code ear.appraisal-policy-id} for {@code kind} {@code cpu} or {@code gpu}:
         * {@code policyId} is a policy id (any version: {@code default-tdx}), an id and version
         * ({@code tdx-prod@3}) or the full value with the content hash.
         */
        public Builder requirePolicyId(String kind, String policyId) {
            if (!"cpu".equals(kind) && !"gpu".equals(kind)) {
                throw new IllegalArgumentException("policy kind must be cpu or gpu");
            }
            policies.put(kind, Objects.requireNonNull(policyId));
            return this;
        }

        /** Accept whatever appraisal policy the service applied. */
        public Builder ignorePolicyIds() {
            this.policiesWaived = true;
            return this;
        }

        /** Refuse a second use of a token's {@code jti} or {@code eat_nonce}. */
        public Builder replayGuard(ReplayGuard guard) {
            this.replayGuard = Objects.requireNonNull(guard);
            return this;
        }

        /** Accept the same token any number of times until it expires. */
        public Builder ignoreReplays() {
            this.replaysWaived = true;
            return this;
        }

        /**
         * Builds the verifier.
         *
         * @throws IllegalStateException naming every requirement that is neither set nor waived,
         *                               or settings that contradict each other
         */
        public TokenVerifier build() {
            List<String> missing = new ArrayList<>();
            if (issuer == null) {
                missing.add("issuer(...)");
            }
            if (keys == null && !discovery) {
                missing.add("jwksFromDiscovery() or jwks(...) or jwkSource(...)");
            }
            if (audience == null && !audienceWaived) {
                missing.add("audience(...) or ignoreAudience()");
            }
            if (clock == null) {
                missing.add("clock(...)");
            }
            if (skew == null) {
                missing.add("maxClockSkew(...)");
            }
            if (worstAccepted == null) {
                missing.add("acceptStatus(...)");
            }
            if (policies.isEmpty() && !policiesWaived) {
                missing.add("requirePolicyId(...) or ignorePolicyIds()");
            }
            if (replayGuard == null && !replaysWaived) {
                missing.add("replayGuard(...) or ignoreReplays()");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("TokenVerifier needs: " + String.join(", ", missing));
            }
            if ((keys != null && discovery) || (audience != null && audienceWaived)
                    || (!policies.isEmpty() && policiesWaived) || (replayGuard != null && replaysWaived)) {
                throw new IllegalStateException("a requirement is both set and waived, or two key sources are given");
            }
            JWKSource<SecurityContext> source = keys != null ? keys : new DiscoveryJwkSource(issuer,
                    http != null ? http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                    cachePolicy, clock);
            return new TokenVerifier(this, source);
        }
    }
}

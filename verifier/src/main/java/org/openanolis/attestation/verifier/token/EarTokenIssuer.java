package org.openanolis.attestation.verifier.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.nio.charset.StandardCharsets;
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
    /** Signs rehearsal tokens only ({@link #rehearse}); created on first use. */
    private volatile SigningKeys.SigningKey rehearsalKey;
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

    /**
     * Signs {@code result} with the current key. The compact JWS is assembled here (claims written
     * with Jackson's streaming generator, base64url by the JDK) rather than through nimbus's
     * {@code SignedJWT}, whose Gson serialisation and base64 coding cost as much as the ECDSA
     * signature for a token with 8 GPU submodules. The claims, their order and the header are
     * those nimbus would produce; a claim value of a type outside plain JSON (anything but
     * strings, integers, booleans, null, maps with string keys and lists) falls back to nimbus.
     */
    public Issued issue(Result result) throws JOSEException {
        return issue(result, keys.current());
    }

    /**
     * The token of {@code result} built exactly as {@link #issue} builds it, but signed with a key
     * this issuer generates in memory for the purpose: it signs nothing else, is never stored and
     * never published, so no relying party can accept what it signs. The warm start rehearses
     * recorded requests with it (a new JVM then has the issuing path compiled before the fleet
     * arrives) and discards the token.
     */
    public Issued rehearse(Result result) throws JOSEException {
        SigningKeys.SigningKey key = rehearsalKey;
        if (key == null) {
            synchronized (this) {
                if (rehearsalKey == null) {
                    rehearsalKey = throwAwayKey(clock.instant());
                }
                key = rehearsalKey;
            }
        }
        return issue(result, key);
    }

    private static SigningKeys.SigningKey throwAwayKey(Instant now) throws JOSEException {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
            g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.KeyPair kp = g.generateKeyPair();
            return new SigningKeys.SigningKey("rehearsal-" + UUID.randomUUID(),
                    (java.security.interfaces.ECPrivateKey) kp.getPrivate(),
                    (java.security.interfaces.ECPublicKey) kp.getPublic(), now);
        } catch (java.security.GeneralSecurityException e) {
            throw new JOSEException("cannot generate the rehearsal key", e);
        }
    }

    private Issued issue(Result result, SigningKeys.SigningKey key) throws JOSEException {
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant exp = now.plus(lifetime);
        String jti = UUID.randomUUID().toString();
        Map<String, Object> claims = claims(result, now, exp, jti);
        byte[] payload;
        try {
            payload = json(claims);
        } catch (NotPlainJson e) {
            return issueWithNimbus(key, claims, now, exp, jti);
        }
        Es256Signer signer = signers.computeIfAbsent(key.kid(), k -> new Es256Signer(key.privateKey()));
        String header = headers.computeIfAbsent(key.kid(), EarTokenIssuer::encodedHeader);
        String signingInput = header + '.' + B64.encodeToString(payload);
        byte[] signature = signer.signRaw(signingInput.getBytes(StandardCharsets.ISO_8859_1));
        return new Issued(signingInput + '.' + B64.encodeToString(signature), jti, now, exp, key.kid());
    }

    /** The same token through nimbus's {@code SignedJWT} (fallback for unusual claim types; tests compare both). */
    Issued issueWithNimbus(Result result) throws JOSEException {
        SigningKeys.SigningKey key = keys.current();
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant exp = now.plus(lifetime);
        String jti = UUID.randomUUID().toString();
        return issueWithNimbus(key, claims(result, now, exp, jti), now, exp, jti);
    }

    private Issued issueWithNimbus(SigningKeys.SigningKey key, Map<String, Object> claims, Instant now, Instant exp,
                                   String jti) throws JOSEException {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
        claims.forEach((name, value) -> {
            if (value instanceof Long seconds && (name.equals("iat") || name.equals("nbf") || name.equals("exp"))) {
                b.claim(name, new Date(seconds * 1000));
            } else {
                b.claim(name, value);
            }
        });
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).keyID(key.kid()).build(),
                b.build());
        jwt.sign(signers.computeIfAbsent(key.kid(), k -> new Es256Signer(key.privateKey())));
        return new Issued(jwt.serialize(), jti, now, exp, key.kid());
    }

    /** The claims in the order nimbus's builder kept them; times as epoch seconds, a single audience as a string. */
    private Map<String, Object> claims(Result result, Instant now, Instant exp, String jti) {
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
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("iat", now.getEpochSecond());
        c.put("nbf", now.getEpochSecond());
        c.put("exp", exp.getEpochSecond());
        c.put("jti", jti);
        c.put("eat_profile", EAT_PROFILE);
        c.put("ear.verifier-id", verifierId);
        c.put("submods", submods);
        if (result.nonce() != null) {
            c.put("eat_nonce", result.nonce());
        }
        if (result.audience() != null) {
            c.put("aud", result.audience());
        }
        if (result.teePublicJwk() != null) {
            c.put("cnf", Map.of("jwk", result.teePublicJwk()));
        }
        if (result.extra() != null) {
            c.putAll(result.extra());
        }
        return c;
    }

    private static final java.util.Base64.Encoder B64 = java.util.Base64.getUrlEncoder().withoutPadding();
    private static final JsonFactory JSON = new JsonFactory();
    /** The base64url JOSE header per key id (as nimbus writes it). */
    private final Map<String, String> headers = new java.util.concurrent.ConcurrentHashMap<>();

    private static String encodedHeader(String kid) {
        return new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).keyID(kid).build().toBase64URL().toString();
    }

    /** A claim value that is not plain JSON: the token goes through nimbus instead. */
    private static final class NotPlainJson extends Exception {
        private static final long serialVersionUID = 1L;

        NotPlainJson() {
            super(null, null, false, false);
        }
    }

    /** The claims as JSON; top-level null claims are left out, as nimbus does. */
    static byte[] json(Map<String, Object> claims) throws NotPlainJson {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : claims.entrySet()) {
                if (e.getValue() != null) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
            }
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v) throws java.io.IOException, NotPlainJson {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new NotPlainJson();
                }
                g.writeFieldName(k);
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else {
            throw new NotPlainJson();
        }
    }
}

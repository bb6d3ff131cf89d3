package org.openanolis.attestation.verifier.service.log;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.openanolis.attestation.verifier.log.JdbcLogStore;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.LogFormatException;
import org.openanolis.attestation.verifier.log.LogRecords;
import org.openanolis.attestation.verifier.log.LogStorageException;
import org.openanolis.attestation.verifier.log.ReleaseReceiptRecord;
import org.openanolis.attestation.verifier.log.Sha256Digest;
import org.openanolis.attestation.verifier.service.Problem;
import org.openanolis.attestation.verifier.service.RateLimiter;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.token.ReleaseReceiptSigner;
import org.openanolis.attestation.verifier.token.SigningKeys;

/**
 * {@code POST /v1/release-receipts} (docs/api.md, "Release receipts"; the client is the SDK's
 * {@code ReleaseReceiptClient}): a gateway records that it released a model key against one of
 * this service's tokens. The presented token is the credential: it must verify with this
 * service's own published keys and issuer, and the request can only speak about that token.
 *
 * <p>Checks, in order, each a problem+json with a {@code code} ({@link Failure}): body shape;
 * token parse, {@code alg} ES256 and {@code typ} JWT; key by {@code kid} among the published
 * keys; signature; {@code iss}; {@code jti}, {@code iat}, {@code exp}, {@code cnf.jwk} present;
 * {@code released_at} inside the token's validity ({@code iat - 60 s} to {@code exp}) and not
 * in the future, and the request no later than {@code exp} + {@value #GRACE_SECONDS} s (an expired
 * token is refused unless the release happened while it was valid and is recorded promptly);
 * {@code tee_key_thumbprint} = RFC 7638 thumbprint of {@code cnf.jwk}; {@code gateway} among the
 * token's {@code aud} when it has one; the token's attestation entry in this log issued it for
 * that TEE key. One receipt per token: the same request again answers the same record (a retry),
 * a different one is 409. The record is appended to the verification log, and the signed receipt
 * goes out only after the commit; a log that cannot commit gives 503 with {@code Retry-After}.
 */
public final class ReleaseReceiptRoutes {
    /** Largest accepted compact token (characters). */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    /** Clock skew allowed between the gateway's {@code released_at} and the token times / our clock. */
    public static final long SKEW_SECONDS = 60;
    /** How long after the token's {@code exp} a release made while it was valid may still be recorded. */
    public static final long GRACE_SECONDS = 300;

    /** The reason codes of a refused request. */
    public enum Failure {
        /** The body is not the documented JSON (400). */
        MALFORMED_REQUEST(400),
        /** The token is not a compact ES256 JWS of type JWT with the claims a token has (400). */
        TOKEN_MALFORMED(400),
        /** The token's {@code kid} is not a published key of this service (401). */
        UNKNOWN_KEY(401),
        /** The token's signature does not verify (401). */
        SIGNATURE_INVALID(401),
        /** The token was issued under another {@code iss} (401). */
        ISSUER_MISMATCH(401),
        /** The release was not inside the token's validity, or is recorded too late (401). */
        TOKEN_EXPIRED(401),
        /** {@code released_at} is in the future (422). */
        RELEASE_TIME_INVALID(422),
        /** {@code tee_key_thumbprint} is not the thumbprint of the token's {@code cnf.jwk} (422). */
        THUMBPRINT_MISMATCH(422),
        /** {@code gateway} is not an audience of the token (403). */
        AUDIENCE_MISMATCH(403),
        /** No attestation entry of this log issued the token for that TEE key (422). */
        TOKEN_NOT_LOGGED(422),
        /** A different receipt was already recorded for this token (409). */
        RECEIPT_CONFLICT(409),
        /** The verification log could not commit or be read (503). */
        LOG_UNAVAILABLE(503);

        final int status;

        Failure(int status) {
            this.status = status;
        }
    }

    /** A refused request. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final Failure failure;
        final String field;
        final Long logIndex;

        Refused(Failure failure, String field, String message) {
            this(failure, field, message, null, null);
        }

        Refused(Failure failure, String field, String message, Long logIndex, Throwable cause) {
            super(message, cause);
            this.failure = failure;
            this.field = field;
            this.logIndex = logIndex;
        }
    }

    /** The answer: the signed receipt and its log index. */
    record Issued(String receipt, long logIndex) {}

    private static final Set<String> FIELDS = Set.of("token", "model_key_id", "tee_key_thumbprint", "released_at",
            "gateway");
    private static final Pattern THUMBPRINT = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final JOSEObjectType TOKEN_TYPE = JOSEObjectType.JWT;

    private final ServiceConfig config;
    private final SigningKeys keys;
    private final JdbcLogStore store;
    private final Clock clock;
    private final ReleaseReceiptSigner signer;
    private final RateLimiter limiter;
    private final Object[] locks = new Object[64];

    public ReleaseReceiptRoutes(ServiceConfig config, SigningKeys keys, JdbcLogStore store, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.keys = Objects.requireNonNull(keys);
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
        this.signer = new ReleaseReceiptSigner(keys);
        this.limiter = new RateLimiter(config.rateLimitPerSecond, config.rateLimitBurst, System::nanoTime);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** Mounts the route; the checks, log reads, commit wait and signing run on {@code workers}. */
    public void mount(Router router, WorkerExecutor workers) {
        router.route("/v1/release-receipts").handler(ctx -> {
            String client = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
            if (limiter.tryAcquire(client)) {
                ctx.next();
                return;
            }
            ctx.response().putHeader("Retry-After", Long.toString(limiter.retryAfterSeconds()));
            Problem.send(ctx, 429, "Too many requests", "per-client rate limit exceeded", null, null);
        });
        router.post("/v1/release-receipts").handler(ctx -> {
            JsonObject body;
            try {
                body = ctx.body().asJsonObject();
            } catch (DecodeException | ClassCastException e) {
                body = null;
            }
            JsonObject request = body;
            workers.<Issued>executeBlocking(() -> issue(request), false).onComplete(ar -> {
                if (ctx.response().ended() || ctx.response().headWritten()) {
                    return;
                }
                if (ar.succeeded()) {
                    ctx.response().putHeader("Cache-Control", "no-store");
                    ctx.json(new JsonObject().put("receipt", ar.result().receipt()).put("log_index", ar.result().logIndex()));
                } else if (ar.cause() instanceof Refused r) {
                    refuse(ctx, r);
                } else {
                    refuse(ctx, new Refused(Failure.LOG_UNAVAILABLE, null,
                            "the receipt could not be recorded: " + ar.cause().getMessage(), null, ar.cause()));
                }
            });
        });
    }

    private static void refuse(RoutingContext ctx, Refused r) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", "urn:attestation:receipt:" + r.failure.name())
                .put("title", r.failure.status == 503 ? "Verification log unavailable" : "Release receipt refused")
                .put("status", r.failure.status)
                .put("detail", r.getMessage())
                .put("code", r.failure.name());
        if (r.field != null) {
            body.put("field", r.field);
        }
        if (r.logIndex != null) {
            body.put("log_index", r.logIndex);
        }
        if (r.failure.status == 503) {
            ctx.response().putHeader("Retry-After", "5");
        }
        ctx.response().setStatusCode(r.failure.status).putHeader("Content-Type", Problem.MEDIA_TYPE).end(body.encode());
    }

    /** The whole check-record-sign sequence for one request body (null: not a JSON object). */
    Issued issue(JsonObject body) throws Refused {
        Request req = parse(body);
        Instant now = clock.instant();
        JWTClaimsSet claims = verifyToken(req.token());
        String jti = claims.getJWTID();
        checkTimes(claims, req.releasedAt(), now);
        String thumbprint = confirmationThumbprint(claims);
        if (!thumbprint.equals(req.teeKeyThumbprint())) {
            throw new Refused(Failure.THUMBPRINT_MISMATCH, "tee_key_thumbprint",
                    "tee_key_thumbprint is not the RFC 7638 thumbprint of the token's cnf.jwk");
        }
        List<String> aud = claims.getAudience();
        if (aud != null && !aud.isEmpty() && !aud.contains(req.gateway())) {
            throw new Refused(Failure.AUDIENCE_MISMATCH, "gateway", "gateway " + req.gateway()
                    + " is not an audience of the token");
        }
        long attestationIndex = attestationEntry(jti, thumbprint);
        ReleaseReceiptRecord record;
        try {
            record = new ReleaseReceiptRecord(jti, Sha256Digest.digest(req.token().getBytes(StandardCharsets.US_ASCII)),
                    attestationIndex, req.modelKeyId(), thumbprint, Instant.ofEpochSecond(req.releasedAt()), req.gateway(),
                    Instant.ofEpochSecond(now.getEpochSecond()));
        } catch (IllegalArgumentException e) {
            throw new Refused(Failure.MALFORMED_REQUEST, null, e.getMessage());
        }
        Committed c = commitOnce(record);
        try {
            return new Issued(signer.sign(new ReleaseReceiptSigner.Receipt(config.issuer,
                    c.record().instant().getEpochSecond(), jti, c.record().modelKeyId(), c.record().teeKeyThumbprint(),
                    c.record().releasedAt().getEpochSecond(), c.record().gateway(), c.index())), c.index());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a receipt failed", e);
        }
    }

    private record Request(String token, String modelKeyId, String teeKeyThumbprint, long releasedAt, String gateway) {}

    private record Committed(ReleaseReceiptRecord record, long index) {}

    private static Request parse(JsonObject body) throws Refused {
        if (body == null) {
            throw new Refused(Failure.MALFORMED_REQUEST, null, "body must be a JSON object");
        }
        for (String k : body.fieldNames()) {
            if (!FIELDS.contains(k)) {
                throw new Refused(Failure.MALFORMED_REQUEST, k, "unknown field " + k);
            }
        }
        String token = text(body, "token", MAX_TOKEN_LENGTH);
        String modelKeyId = name(body, "model_key_id");
        String thumbprint = text(body, "tee_key_thumbprint", 43);
        if (!THUMBPRINT.matcher(thumbprint).matches()) {
            throw new Refused(Failure.MALFORMED_REQUEST, "tee_key_thumbprint",
                    "tee_key_thumbprint must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)");
        }
        Object at = body.getValue("released_at");
        if (!(at instanceof Integer || at instanceof Long) || ((Number) at).longValue() < 0
                || ((Number) at).longValue() > 253_402_300_799L) {
            throw new Refused(Failure.MALFORMED_REQUEST, "released_at",
                    at == null ? "missing field released_at" : "released_at must be whole epoch seconds");
        }
        String gateway = name(body, "gateway");
        return new Request(token, modelKeyId, thumbprint, ((Number) at).longValue(), gateway);
    }

    private static String text(JsonObject body, String field, int max) throws Refused {
        Object v = body.getValue(field);
        if (v == null) {
            throw new Refused(Failure.MALFORMED_REQUEST, field, "missing field " + field);
        }
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new Refused(Failure.MALFORMED_REQUEST, field, field + " must be a non-empty string");
        }
        if (s.length() > max) {
            throw new Refused(Failure.MALFORMED_REQUEST, field, field + " is longer than " + max + " characters");
        }
        return s;
    }

    private static String name(JsonObject body, String field) throws Refused {
        String s = text(body, field, ReleaseReceiptRecord.MAX_NAME_LENGTH);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new Refused(Failure.MALFORMED_REQUEST, field, field + " must be printable ASCII without spaces");
            }
        }
        return s;
    }

    /** Signature with a published key of this service, {@code iss}, and the claims a token has. */
    private JWTClaimsSet verifyToken(String token) throws Refused {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new Refused(Failure.TOKEN_MALFORMED, "token", "not a compact JWS: " + e.getMessage());
        }
        JWSHeader h = jwt.getHeader();
        if (!JWSAlgorithm.ES256.equals(h.getAlgorithm()) || !TOKEN_TYPE.equals(h.getType())) {
            throw new Refused(Failure.TOKEN_MALFORMED, "token", "the token must be an ES256 JWS of typ JWT");
        }
        Optional<SigningKeys.SigningKey> key = keys.published().stream()
                .filter(k -> k.kid().equals(h.getKeyID())).findFirst();
        if (key.isEmpty()) {
            throw new Refused(Failure.UNKNOWN_KEY, "token", "the token's kid is not a key of this service");
        }
        try {
            if (!jwt.verify(new ECDSAVerifier(key.get().publicKey()))) {
                throw new Refused(Failure.SIGNATURE_INVALID, "token", "the token's signature does not verify");
            }
        } catch (JOSEException e) {
            throw new Refused(Failure.SIGNATURE_INVALID, "token", "the token's signature does not verify: " + e.getMessage());
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Refused(Failure.TOKEN_MALFORMED, "token", "the token's claims are not a JSON object");
        }
        if (!config.issuer.equals(claims.getIssuer())) {
            throw new Refused(Failure.ISSUER_MISMATCH, "token", "the token was issued by " + claims.getIssuer()
                    + ", not by this service");
        }
        if (claims.getJWTID() == null || claims.getIssueTime() == null || claims.getExpirationTime() == null) {
            throw new Refused(Failure.TOKEN_MALFORMED, "token", "the token lacks jti, iat or exp");
        }
        return claims;
    }

    private static void checkTimes(JWTClaimsSet claims, long releasedAt, Instant now) throws Refused {
        long iat = seconds(claims.getIssueTime());
        long exp = seconds(claims.getExpirationTime());
        if (releasedAt > now.getEpochSecond() + SKEW_SECONDS) {
            throw new Refused(Failure.RELEASE_TIME_INVALID, "released_at", "released_at is in the future");
        }
        if (releasedAt < iat - SKEW_SECONDS || releasedAt > exp) {
            throw new Refused(Failure.TOKEN_EXPIRED, "released_at", "the token was not valid at released_at");
        }
        if (now.getEpochSecond() > exp + GRACE_SECONDS) {
            throw new Refused(Failure.TOKEN_EXPIRED, "token", "the token expired more than " + GRACE_SECONDS
                    + " s ago; a release is recorded while the token is valid or shortly after");
        }
    }

    private static long seconds(Date d) {
        return Math.floorDiv(d.getTime(), 1000L);
    }

    private static String confirmationThumbprint(JWTClaimsSet claims) throws Refused {
        try {
            Map<String, Object> cnf = claims.getJSONObjectClaim("cnf");
            Object jwk = cnf == null ? null : cnf.get("jwk");
            if (!(jwk instanceof Map<?, ?> m)) {
                throw new Refused(Failure.TOKEN_MALFORMED, "token", "the token has no cnf.jwk");
            }
            @SuppressWarnings("unchecked")
            JWK key = JWK.parse((Map<String, Object>) m);
            if (key.isPrivate()) {
                throw new Refused(Failure.TOKEN_MALFORMED, "token", "cnf.jwk holds private key material");
            }
            return key.computeThumbprint().toString();
        } catch (ParseException | JOSEException e) {
            throw new Refused(Failure.TOKEN_MALFORMED, "token", "cnf.jwk is not a JWK: " + e.getMessage());
        }
    }

    /** The index of the attestation entry that issued token {@code jti} for the TEE key {@code thumbprint}. */
    private long attestationEntry(String jti, String thumbprint) throws Refused {
        try {
            Optional<Long> idx = store.indexOfJti(jti);
            if (idx.isPresent()) {
                byte[] bytes = store.entries(idx.get(), idx.get() + 1).get(idx.get());
                if (bytes != null && LogRecords.decode(bytes) instanceof LogRecords.Attestation a) {
                    LogEntry entry = a.entry();
                    if (ReleaseReceiptRecord.tokenIssued(entry)
                            && ReleaseReceiptRecord.teeKeyThumbprintOf(entry).map(thumbprint::equals).orElse(false)) {
                        return idx.get();
                    }
                }
            }
        } catch (LogStorageException e) {
            throw new Refused(Failure.LOG_UNAVAILABLE, null, "the verification log cannot be read", null, e);
        } catch (LogFormatException e) {
            // Falls through: a malformed entry issued nothing we can vouch for.
        }
        throw new Refused(Failure.TOKEN_NOT_LOGGED, "token", "no attestation entry of this log issued the token "
                + "for that TEE key");
    }

    /**
     * Appends {@code record} unless this token already has a receipt: the same release answers the
     * existing record, a different one is a conflict. Serialised per token within this process.
     */
    private Committed commitOnce(ReleaseReceiptRecord record) throws Refused {
        synchronized (locks[Math.floorMod(record.tokenJti().hashCode(), locks.length)]) {
            try {
                Optional<Long> existing = store.indexOfJti(JdbcLogStore.receiptJtiKey(record.tokenJti()));
                if (existing.isPresent()) {
                    long idx = existing.get();
                    byte[] bytes = store.entries(idx, idx + 1).get(idx);
                    if (bytes != null && LogRecords.decode(bytes) instanceof LogRecords.Receipt r
                            && r.receipt().sameRelease(record)) {
                        return new Committed(r.receipt(), idx);
                    }
                    throw new Refused(Failure.RECEIPT_CONFLICT, null, "a different release was already recorded for "
                            + "this token (one receipt per token)", idx, null);
                }
            } catch (LogStorageException e) {
                throw new Refused(Failure.LOG_UNAVAILABLE, null, "the verification log cannot be read", null, e);
            } catch (LogFormatException e) {
                throw new Refused(Failure.LOG_UNAVAILABLE, null, "the recorded receipt is malformed", null, e);
            }
            try {
                long idx = store.appendReceipt(record).get(Math.max(1000, config.requestTimeoutMs), TimeUnit.MILLISECONDS);
                return new Committed(record, idx);
            } catch (ExecutionException | TimeoutException e) {
                throw new Refused(Failure.LOG_UNAVAILABLE, null, "the verification log did not commit the receipt; "
                        + "nothing was issued", null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused(Failure.LOG_UNAVAILABLE, null, "interrupted", null, e);
            }
        }
    }
}

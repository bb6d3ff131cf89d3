package org.openanolis.attestation.verifier.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.AttestRequest;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.attest.PolicyDeniedException;
import org.openanolis.attestation.verifier.collateral.CollateralFetcher;
import org.openanolis.attestation.verifier.nonce.NonceService;
import org.openanolis.attestation.verifier.token.SigningKeys;

/**
 * The HTTP face of the verifier (Vert.x 5). Routes: {@code GET /v1/nonce}, {@code POST /v1/attest},
 * {@code GET /.well-known/jwks.json}, {@code GET /.well-known/openid-configuration},
 * {@code GET /health}, {@code GET /metrics}, {@code GET /v1/status}, and the admin API
 * ({@link AdminRoutes}, {@code /v1/admin/…}) when given. Crypto and blocking work runs
 * on a named worker pool, never on the event loop; bodies above the configured limit get 413;
 * every error is problem+json.
 */
public final class AttestationServer extends VerticleBase {
    private final ServiceConfig config;
    private final NonceService nonces;
    private final AttestationService attestation;
    private final SigningKeys keys;
    private final Supplier<JsonObject> status;
    private final AdminRoutes admin;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> outcomes = new HashMap<>();
    private Timer attestTimer;
    private WorkerExecutor workers;
    private HttpServer server;
    /** Extra route groups (the verification log's auditor routes), mounted after the core routes. */
    private final List<java.util.function.BiConsumer<Router, WorkerExecutor>> extraRoutes = new ArrayList<>();

    public AttestationServer(ServiceConfig config, NonceService nonces, AttestationService attestation,
                             SigningKeys keys, Supplier<JsonObject> status) {
        this(config, nonces, attestation, keys, status, null);
    }

    /** @param admin the admin API routes, or null to serve none */
    public AttestationServer(ServiceConfig config, NonceService nonces, AttestationService attestation,
                             SigningKeys keys, Supplier<JsonObject> status, AdminRoutes admin) {
        this.admin = admin;
        this.config = config;
        this.nonces = nonces;
        this.attestation = attestation;
        this.keys = keys;
        this.status = status;
    }

    /** Adds a route group, mounted with the service's worker pool at start. Call before deploying. */
    public AttestationServer withRoutes(java.util.function.BiConsumer<Router, WorkerExecutor> routes) {
        extraRoutes.add(routes);
        return this;
    }

    /** The port actually bound (useful when configured as 0 in tests). */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        int poolSize = config.workerPoolSize > 0 ? config.workerPoolSize
                : Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
        workers = vertx.createSharedWorkerExecutor("attestation-workers", poolSize);
        attestTimer = Timer.builder("attestation_duration").description("POST /v1/attest latency")
                .publishPercentiles(0.5, 0.99).register(metrics);
        for (String o : List.of("pass", "fail", "error")) {
            outcomes.put(o, Counter.builder("attestations_total").tag("outcome", o).register(metrics));
        }

        Router router = Router.router(vertx);
        router.route().handler(TimeoutHandler.create(config.requestTimeoutMs, 503));
        router.route().handler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes));
        router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4").end(metrics.scrape()));
        router.get("/v1/status").handler(ctx -> ctx.json(status.get()));
        RateLimiter limiter = new RateLimiter(config.rateLimitPerSecond, config.rateLimitBurst, System::nanoTime);
        router.route("/v1/nonce").handler(ctx -> limit(ctx, limiter));
        router.route("/v1/attest").handler(ctx -> limit(ctx, limiter));
        router.get("/v1/nonce").handler(this::nonce);
        router.post("/v1/attest").handler(this::attest);
        router.get("/.well-known/jwks.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/jwk-set+json")
                .putHeader("Cache-Control", "max-age=60")
                .end(keys.jwks().toString()));
        router.get("/.well-known/openid-configuration").handler(this::discovery);
        if (admin != null) {
            admin.mount(router, workers);
        }
        extraRoutes.forEach(r -> r.accept(router, workers));

        router.errorHandler(413, ctx -> Problem.send(ctx, 413, "Request body too large",
                "the body exceeds " + config.bodyLimitBytes + " bytes", null, null));
        router.errorHandler(404, ctx -> Problem.send(ctx, 404, "Not found", ctx.request().path(), null, null));
        router.errorHandler(405, ctx -> Problem.send(ctx, 405, "Method not allowed", null, null, null));
        router.errorHandler(503, ctx -> Problem.send(ctx, 503, "Service unavailable", "request timed out", null, null));
        router.errorHandler(500, ctx -> Problem.send(ctx, 500, "Internal error", null, null, null));

        HttpServerOptions options = new HttpServerOptions().setHost(config.host).setPort(config.port)
                .setMaxFormAttributeSize(config.bodyLimitBytes);
        if (config.tlsCertPath != null) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.tlsCertPath).setKeyPath(config.tlsKeyPath));
        }
        return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
    }

    @Override
    public Future<?> stop() {
        Future<?> closing = server == null ? Future.succeededFuture() : server.shutdown();
        return closing.eventually(() -> workers == null ? Future.succeededFuture() : workers.close());
    }

    private static void limit(RoutingContext ctx, RateLimiter limiter) {
        String client = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
        if (limiter.tryAcquire(client)) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("Retry-After", Long.toString(limiter.retryAfterSeconds()));
        Problem.send(ctx, 429, "Too many requests", "per-client rate limit exceeded", null, null);
    }

    private void discovery(RoutingContext ctx) {
        String base = config.issuer.endsWith("/") ? config.issuer.substring(0, config.issuer.length() - 1) : config.issuer;
        ctx.json(new JsonObject()
                .put("issuer", config.issuer)
                .put("jwks_uri", base + "/.well-known/jwks.json")
                .put("id_token_signing_alg_values_supported", new JsonArray().add("ES256"))
                .put("response_types_supported", new JsonArray().add("token"))
                .put("claims_supported", new JsonArray().add("eat_profile").add("eat_nonce").add("submods")
                        .add("ear.verifier-id").add("cnf").add("iat").add("exp").add("jti")));
    }

    private void nonce(RoutingContext ctx) {
        NonceService.Nonce n = nonces.issue();
        ctx.response().putHeader("Cache-Control", "no-store");
        ctx.json(new JsonObject().put("nonce", n.value())
                .put("issued_at", n.issuedAt().toString()).put("expires_at", n.expiresAt().toString()));
    }

    private void attest(RoutingContext ctx) {
        AttestRequest req;
        try {
            req = parseAttest(ctx);
        } catch (BadRequest e) {
            outcomes.get("fail").increment();
            Problem.send(ctx, 400, "Bad request", e.getMessage(), e.code, null);
            return;
        }
        Timer.Sample sample = Timer.start(metrics);
        // Verification runs on a worker; the worker is then free while the log entry is group-committed
        // (an fsync), and the answer goes out when the commit completes: no token before its entry.
        io.vertx.core.Context context = vertx.getOrCreateContext();
        workers.<java.util.concurrent.CompletableFuture<AttestationService.Attestation>>executeBlocking(
                        () -> attestation.attest(req), false)
                .compose(pending -> Future.fromCompletionStage(pending, context))
                .onComplete(ar -> {
                    sample.stop(attestTimer);
                    if (ctx.response().ended() || ctx.response().headWritten()) {
                        return; // already answered (the request timed out: 503)
                    }
                    if (ar.succeeded()) {
                        outcomes.get("pass").increment();
                        AttestationService.Attestation a = ar.result();
                        JsonObject statuses = new JsonObject();
                        a.outcome().appraisals().forEach((k, v) -> statuses.put(k, v.status()));
                        ctx.response().putHeader("Cache-Control", "no-store");
                        ctx.json(new JsonObject().put("token", a.token().token())
                                .put("jti", a.token().jti())
                                .put("expires_at", a.token().expiresAt().toString())
                                .put("log_index", a.logIndex())
                                .put("status", statuses));
                        return;
                    }
                    Throwable t = ar.cause() instanceof CompletionException && ar.cause().getCause() != null
                            ? ar.cause().getCause() : ar.cause();
                    Long failureIndex = null;
                    if (t instanceof AttestationService.RecordedFailure rf) {
                        failureIndex = rf.logIndex();
                        t = rf.failure();
                    }
                    if (t instanceof PolicyDeniedException denied) {
                        outcomes.get("fail").increment();
                        JsonObject extra = new JsonObject().put("field", denied.field());
                        if (config.exposePolicyExplanation) {
                            extra.put("failed_rules", failedRules(denied.outcome()));
                        }
                        Problem.send(ctx, 403, "Attestation denied by policy", denied.getMessage(), ReasonCode.POLICY_DENIED,
                                extra);
                    } else if (t instanceof Appraiser.PolicyUnavailableException pu && pu.storeFault()) {
                        outcomes.get("error").increment();
                        Problem.send(ctx, 500, "Policy store corrupt", pu.getMessage() + "; no token was issued", null,
                                new JsonObject().put("field", pu.field()).put("policy_error", "STORED_DOCUMENT_CORRUPT"));
                    } else if (t instanceof Appraiser.PolicyUnavailableException pu) {
                        outcomes.get("fail").increment();
                        Problem.send(ctx, 422, "Policy unavailable", pu.getMessage(), null,
                                new JsonObject().put("field", pu.field()));
                    } else if (t instanceof VerificationException ve) {
                        outcomes.get("fail").increment();
                        JsonObject ext = new JsonObject().put("field", ve.field());
                        if (failureIndex != null && failureIndex >= 0) {
                            ext.put("log_index", failureIndex);
                        }
                        Duration retryAfter = upstreamRetryAfter(ve);
                        if (retryAfter != null && Problem.statusFor(ve.code()) == 503) {
                            // The upstream's own Retry-After (rounded up to whole seconds, at least 1).
                            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
                            ctx.response().putHeader("Retry-After", Long.toString(seconds));
                        }
                        Problem.send(ctx, Problem.statusFor(ve.code()), "Attestation failed", ve.getMessage(), ve.code(), ext);
                    } else {
                        outcomes.get("error").increment();
                        Problem.send(ctx, 503, "Attestation could not be completed",
                                "no token was issued; retry later", null, null);
                    }
                });
    }

    /** The Retry-After a throttling collateral upstream asked for, anywhere in {@code e}'s causes; null if none. */
    static Duration upstreamRetryAfter(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CollateralFetcher.Unavailable u && u.retryAfter() != null) {
                return u.retryAfter();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Per denied device: its policy id and the rules that did not pass, with the values they read. */
    private static JsonObject failedRules(AttestationService.Outcome outcome) {
        JsonObject out = new JsonObject();
        outcome.appraisals().forEach((device, a) -> {
            if (a.denied()) {
                out.put(device, new JsonObject().put("policy_id", a.policyId()).put("status", a.status())
                        .put("rules", new JsonArray(new ArrayList<>(a.failedRules()))));
            }
        });
        return out;
    }

    /** A request that is not even well-formed JSON of the right shape. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final ReasonCode code;

        BadRequest(String message, ReasonCode code) {
            super(message);
            this.code = code;
        }
    }

    private static AttestRequest parseAttest(RoutingContext ctx) throws BadRequest {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new BadRequest("body is not a JSON object", null);
        }
        return parseAttest(body);
    }

    /**
     * An attest body read as the API reads it (JSON decoding, then the checks below), for the warm
     * start's rehearsal of recorded requests.
     *
     * @throws IllegalArgumentException with the API's message when the API would refuse the body
     */
    public static AttestRequest parseAttestBody(io.vertx.core.buffer.Buffer body) {
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        try {
            return parseAttest(json);
        } catch (BadRequest e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The checks of an attest body once decoded; package-private so the fuzz tests reach it without HTTP. */
    static AttestRequest parseAttest(JsonObject body) throws BadRequest {
        if (body == null) {
            throw new BadRequest("body must be a JSON object", null);
        }
        Shape.allowOnly(body, "request", "nonce", "runtime_data", "cpu", "gpus", "policy_ids", "audience");
        String nonce = Shape.string(body, "nonce", true);
        byte[] runtimeData = Shape.base64(body, "runtime_data", true);
        JsonObject cpu = Shape.object(body, "cpu", true);
        Shape.allowOnly(cpu, "cpu", "tee", "evidence", "vek", "ask", "asvk");
        String tee = Shape.string(cpu, "tee", true);
        if (!CpuEvidence.TEES.contains(tee)) {
            throw new BadRequest("cpu.tee must be one of " + CpuEvidence.TEES, null);
        }
        Map<String, byte[]> certs = new HashMap<>();
        for (String k : List.of("vek", "ask", "asvk")) {
            String v = Shape.string(cpu, k, false);
            if (v != null) {
                certs.put(k, v.contains("-----BEGIN") ? v.getBytes(StandardCharsets.US_ASCII) : Shape.decode(v, "cpu." + k));
            }
        }
        CpuEvidence cpuEvidence = new CpuEvidence(tee, Shape.base64(cpu, "evidence", true), certs);
        List<GpuEvidence> gpus = new ArrayList<>();
        JsonArray arr = body.getValue("gpus") == null ? new JsonArray() : Shape.array(body, "gpus");
        if (arr.size() > AttestRequest.MAX_DEVICES) {
            throw new BadRequest("at most " + AttestRequest.MAX_DEVICES + " GPU/NVSwitch evidence items", null);
        }
        for (int i = 0; i < arr.size(); i++) {
            if (!(arr.getValue(i) instanceof JsonObject g)) {
                throw new BadRequest("gpus[" + i + "] must be an object", null);
            }
            Shape.allowOnly(g, "gpus[" + i + "]", "tee", "evidence", "cert_chain");
            String gtee = Shape.string(g, "tee", true);
            if (!GpuEvidence.TEES.contains(gtee)) {
                throw new BadRequest("gpus[" + i + "].tee must be one of " + GpuEvidence.TEES, null);
            }
            gpus.add(new GpuEvidence(gtee, Shape.base64(g, "evidence", true),
                    Shape.string(g, "cert_chain", true).getBytes(StandardCharsets.ISO_8859_1)));
        }
        Map<String, String> policies = new HashMap<>();
        if (body.getValue("policy_ids") != null) {
            JsonObject p = Shape.object(body, "policy_ids", true);
            Shape.allowOnly(p, "policy_ids", "cpu", "gpu");
            for (String k : p.fieldNames()) {
                policies.put(k, Shape.string(p, k, true));
            }
        }
        return new AttestRequest(nonce, runtimeData, cpuEvidence, gpus, policies, Shape.string(body, "audience", false));
    }

    /** Field checks for request JSON; every failure is a 400 naming the field. */
    static final class Shape {
        private Shape() {}

        static void allowOnly(JsonObject o, String where, String... keys) throws BadRequest {
            List<String> known = List.of(keys);
            for (String k : o.fieldNames()) {
                if (!known.contains(k)) {
                    throw new BadRequest("unknown field " + where + "." + k, null);
                }
            }
        }

        static String string(JsonObject o, String key, boolean required) throws BadRequest {
            Object v = o.getValue(key);
            if (v == null) {
                if (required) {
                    throw new BadRequest("missing field " + key, null);
                }
                return null;
            }
            if (!(v instanceof String s)) {
                throw new BadRequest(key + " must be a string", null);
            }
            return s;
        }

        static JsonObject object(JsonObject o, String key, boolean required) throws BadRequest {
            Object v = o.getValue(key);
            if (v instanceof JsonObject j) {
                return j;
            }
            throw new BadRequest(key + (v == null ? " is missing" : " must be an object"), null);
        }

        static JsonArray array(JsonObject o, String key) throws BadRequest {
            Object v = o.getValue(key);
            if (v instanceof JsonArray a) {
                return a;
            }
            throw new BadRequest(key + " must be an array", null);
        }

        static byte[] base64(JsonObject o, String key, boolean required) throws BadRequest {
            String s = string(o, key, required);
            return s == null ? null : decode(s, key);
        }

        static byte[] decode(String s, String key) throws BadRequest {
            try {
                return s.indexOf('-') >= 0 || s.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(key + " is not base64", ReasonCode.MALFORMED_EVIDENCE);
            }
        }
    }
}

package org.openanolis.attestation.verifier.service;

import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openanolis.attestation.policies.Appraisal;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.PolicyIssue;
import org.openanolis.attestation.policies.admin.AdminPrincipal;
import org.openanolis.attestation.policies.admin.DocumentUpload;
import org.openanolis.attestation.policies.admin.PolicyAdministration;
import org.openanolis.attestation.policies.store.Activation;
import org.openanolis.attestation.policies.store.DocumentSummary;
import org.openanolis.attestation.policies.store.StoreException;
import org.openanolis.attestation.policies.store.StoredDocument;
import org.openanolis.attestation.verifier.BundleVerifier;
import org.openanolis.attestation.verifier.VerificationResult;
import org.openanolis.attestation.verifier.attest.PolicyAppraiser;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * {@code /v1/admin/policies} and {@code /v1/admin/reference-values} over
 * {@link PolicyAdministration} (docs/api.md "Admin API"). Every route needs
 * {@code Authorization: Bearer …} (401 without a valid token; 403 without the role, checked by
 * {@link PolicyAdministration}); all store work runs on the worker pool. Errors are problem+json
 * with the policy error code in {@code code} ({@code type} {@code urn:attestation:policy:<CODE>}),
 * the field, and for type errors every issue with rule, line and column.
 */
public final class AdminRoutes {
    /** Header carrying the compact JWS of an upload in signed-policy mode. */
    public static final String SIGNATURE_HEADER = "X-Document-Signature";
    private static final String PRINCIPAL = "admin.principal";
    private static final Pattern BUNDLE_PATH = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");
    private static final int MAX_BUNDLE_FILES = 64;

    private final PolicyServices policies;
    private final BundleVerifier bundles;
    /** The verification log, for dry runs against a recorded entry; null when the service has none. */
    private org.openanolis.attestation.verifier.service.log.LogService log;
    /** The token-signing keys, for the rotate route; null: the route is not served. */
    private org.openanolis.attestation.verifier.token.SigningKeys tokenKeys;
    private final Clock clock;
    private final boolean denyContraindicated;
    private WorkerExecutor workers;

    public AdminRoutes(PolicyServices policies, BundleVerifier bundles, Clock clock, boolean denyContraindicated) {
        this.policies = policies;
        this.bundles = bundles;
        this.clock = clock;
        this.denyContraindicated = denyContraindicated;
    }

    /** Adds the admin routes to {@code router}; blocking work goes to {@code workers}. */
    public void mount(Router router, WorkerExecutor workers) {
        this.workers = workers;
        PolicyAdministration admin = policies.admin();
        router.route("/v1/admin/*").handler(this::authenticate);

        router.post("/v1/admin/policies").handler(ctx -> blocking(ctx, 201, () ->
                version(admin.createPolicy(who(ctx), upload(ctx)))));
        router.get("/v1/admin/policies").handler(ctx -> blocking(ctx, 200, () ->
                summaries("policies", admin.listPolicies(who(ctx)))));
        router.get("/v1/admin/policies/defaults/:tee").handler(ctx -> blocking(ctx, 200, () ->
                new String(admin.builtInPolicy(who(ctx), ctx.pathParam("tee")), StandardCharsets.UTF_8)));
        router.get("/v1/admin/policies/:id").handler(ctx -> blocking(ctx, 200, () -> {
            AdminPrincipal who = who(ctx);
            String id = ctx.pathParam("id");
            StoredDocument d = admin.getPolicy(who, id, versionParam(ctx));
            return document(d).put("versions", versions(admin.policyVersions(who, id)))
                    .put("activations", activations(admin.policyActivations(who, id)));
        }));
        router.post("/v1/admin/policies/:id/activate").handler(ctx -> blocking(ctx, 200, () ->
                activation(admin.activatePolicy(who(ctx), ctx.pathParam("id"), versionBody(ctx)))));
        router.post("/v1/admin/policies/:id/deactivate").handler(ctx -> blocking(ctx, 200, () ->
                activation(admin.deactivatePolicy(who(ctx), ctx.pathParam("id")))));
        router.post("/v1/admin/policies/:id/dry-run").handler(ctx -> blocking(ctx, 200, () -> dryRun(ctx)));

        if (tokenKeys != null) {
            router.post("/v1/admin/token-keys/rotate").handler(ctx -> blocking(ctx, 200, () -> rotateTokenKeys(ctx)));
        }

        router.post("/v1/admin/reference-values").handler(ctx -> blocking(ctx, 201, () ->
                version(admin.createReferenceSet(who(ctx), upload(ctx)))));
        router.get("/v1/admin/reference-values").handler(ctx -> blocking(ctx, 200, () ->
                summaries("reference_values", admin.listReferenceSets(who(ctx)))));
        router.get("/v1/admin/reference-values/:name").handler(ctx -> blocking(ctx, 200, () -> {
            AdminPrincipal who = who(ctx);
            String name = ctx.pathParam("name");
            return document(admin.getReferenceSet(who, name, versionParam(ctx)))
                    .put("versions", versions(admin.referenceSetVersions(who, name)));
        }));
        router.post("/v1/admin/reference-values/:name/activate").handler(ctx -> blocking(ctx, 200, () ->
                activation(admin.activateReferenceSet(who(ctx), ctx.pathParam("name"), versionBody(ctx)))));
        router.post("/v1/admin/reference-values/:name/deactivate").handler(ctx -> blocking(ctx, 200, () ->
                activation(admin.deactivateReferenceSet(who(ctx), ctx.pathParam("name")))));
        router.post("/v1/admin/reference-values/:name/revoke").handler(ctx -> blocking(ctx, 201, () -> {
            JsonObject b = jsonBody(ctx, "key", "value", "reason");
            String key = requiredString(b, "key");
            Object value = b.getValue("value");
            if (value == null) {
                throw new PolicyException(PolicyException.Code.MISSING_KEY, "value", "value is required");
            }
            return version(admin.revokeReferenceValue(who(ctx), ctx.pathParam("name"), key, value,
                    b.getString("reason")));
        }));
        router.post("/v1/admin/reference-values/:name/corim").handler(ctx -> blocking(ctx, 201, () ->
                version(admin.importCorim(who(ctx), ctx.pathParam("name"), ctx.body().buffer() == null
                        ? new byte[0] : ctx.body().buffer().getBytes()))));
    }

    // ---- authentication and dispatch ------------------------------------------------------

    private void authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        workers.<AdminPrincipal>executeBlocking(() -> policies.authenticator().authenticate(header), false)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        ctx.put(PRINCIPAL, ar.result());
                        ctx.next();
                    } else if (ar.cause() instanceof PolicyException e) {
                        ctx.response().putHeader("WWW-Authenticate", "Bearer");
                        problem(ctx, e);
                    } else {
                        Problem.send(ctx, 500, "Internal error", null, null, null);
                    }
                });
    }

    private static AdminPrincipal who(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    private void blocking(RoutingContext ctx, int status, Callable<Object> work) {
        workers.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                Object r = ar.result();
                ctx.response().setStatusCode(status).putHeader("Cache-Control", "no-store");
                if (r instanceof String yaml) {
                    ctx.response().putHeader("Content-Type", "application/yaml").end(yaml);
                } else {
                    ctx.response().putHeader("Content-Type", "application/json").end(((JsonObject) r).encode());
                }
            } else if (ar.cause() instanceof PolicyException e) {
                problem(ctx, e);
            } else if (ar.cause() instanceof StoreException) {
                Problem.send(ctx, 503, "Policy store unavailable", "retry later", null, null);
            } else {
                Problem.send(ctx, 500, "Internal error", null, null, null);
            }
        });
    }

    /** HTTP status for a policy error code (docs/policies.md). */
    static int statusFor(PolicyException.Code code) {
        return switch (code) {
            case MALFORMED_DOCUMENT, UNKNOWN_KEY, MISSING_KEY, INVALID_VALUE, EXPRESSION_INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN, SIGNATURE_REQUIRED, SIGNATURE_INVALID -> 403;
            case NOT_FOUND -> 404;
            case VERSION_CONFLICT -> 409;
            case TEE_NOT_COVERED -> 422;
            case STORED_DOCUMENT_CORRUPT -> 500;
        };
    }

    private static void problem(RoutingContext ctx, PolicyException e) {
        JsonArray issues = new JsonArray();
        for (PolicyIssue i : e.issues()) {
            JsonObject o = new JsonObject().put("field", i.field()).put("message", i.message());
            if (i.rule() != null) {
                o.put("rule", i.rule());
            }
            if (i.line() > 0) {
                o.put("line", i.line()).put("column", i.column());
            }
            issues.add(o);
        }
        JsonObject extra = new JsonObject().put("type", "urn:attestation:policy:" + e.code().name())
                .put("code", e.code().name()).put("field", e.field());
        if (!issues.isEmpty()) {
            extra.put("issues", issues);
        }
        int status = statusFor(e.code());
        Problem.send(ctx, status, status == 401 ? "Unauthenticated" : status == 403 ? "Forbidden" : "Policy request refused",
                e.getMessage(), null, extra);
    }

    // ---- request bodies -------------------------------------------------------------------

    private static DocumentUpload upload(RoutingContext ctx) {
        byte[] content = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        return new DocumentUpload(content, format(ctx.request().getHeader("Content-Type")),
                ctx.request().getHeader(SIGNATURE_HEADER));
    }

    private static DocumentFormat format(String contentType) {
        if (contentType == null) {
            return null;
        }
        String t = contentType.toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("application/json")) {
            return DocumentFormat.JSON;
        }
        if (t.contains("yaml")) {
            return DocumentFormat.YAML;
        }
        return null;
    }

    private static Integer versionParam(RoutingContext ctx) throws PolicyException {
        String v = ctx.queryParams().get("version");
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "version", "version must be a positive integer");
        }
    }

    private static int versionBody(RoutingContext ctx) throws PolicyException {
        JsonObject b = jsonBody(ctx, "version");
        if (!(b.getValue("version") instanceof Number n) || n.intValue() < 1 || n.doubleValue() != n.intValue()) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "version", "version must be a positive integer");
        }
        return n.intValue();
    }

    /** The JSON object body; keys other than {@code allowed} are {@code UNKNOWN_KEY}. */
    private static JsonObject jsonBody(RoutingContext ctx, String... allowed) throws PolicyException {
        JsonObject b;
        try {
            b = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "body", "body is not a JSON object");
        }
        if (b == null) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "body", "body must be a JSON object");
        }
        List<String> known = List.of(allowed);
        for (String k : b.fieldNames()) {
            if (!known.contains(k)) {
                throw new PolicyException(PolicyException.Code.UNKNOWN_KEY, k, "unknown key " + k);
            }
        }
        return b;
    }

    private static String requiredString(JsonObject b, String key) throws PolicyException {
        if (!(b.getValue(key) instanceof String s)) {
            throw new PolicyException(PolicyException.Code.MISSING_KEY, key, key + " must be a string");
        }
        return s;
    }

    // ---- dry run --------------------------------------------------------------------------

    /**
     * {@code {"document": "<draft text>", "format"?: "yaml"|"json", "signature"?: …}} or
     * {@code {"version": n}}, with {@code {"claims": {…}}} or
     * {@code {"bundle": {"<path>": "<base64>", …}}} (an attestation bundle's files, verified at its
     * {@code verify_at}).
     */
    /** Serves {@code POST /v1/admin/token-keys/rotate} over these keys. */
    public AdminRoutes withTokenKeys(org.openanolis.attestation.verifier.token.SigningKeys keys) {
        this.tokenKeys = keys;
        return this;
    }

    /**
     * {@code POST /v1/admin/token-keys/rotate} (role {@code policy-admin}): a new token-signing key
     * becomes current now; the retired one stays in the JWKS until its tokens have expired.
     */
    private JsonObject rotateTokenKeys(RoutingContext ctx) throws PolicyException, Exception {
        who(ctx).require(org.openanolis.attestation.policies.admin.Role.POLICY_ADMIN);
        org.openanolis.attestation.verifier.token.SigningKeys.SigningKey fresh = tokenKeys.rotate();
        JsonArray published = new JsonArray();
        tokenKeys.published().forEach(k -> published.add(new JsonObject().put("kid", k.kid())
                .put("created_at", k.createdAt().toString())));
        return new JsonObject().put("kid", fresh.kid()).put("created_at", fresh.createdAt().toString())
                .put("published", published);
    }

    /** Lets dry runs read recorded entries ({@code "log_index"}). */
    public AdminRoutes withLog(org.openanolis.attestation.verifier.service.log.LogService log) {
        this.log = log;
        return this;
    }

    private JsonObject dryRun(RoutingContext ctx) throws PolicyException, IOException {
        AdminPrincipal who = who(ctx);
        String id = ctx.pathParam("id");
        JsonObject b = jsonBody(ctx, "document", "format", "version", "claims", "bundle", "log_index");
        if ((b.getValue("document") == null) == (b.getValue("version") == null)) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "document",
                    "give exactly one of document (a draft) and version (a stored version)");
        }
        int evidenceSources = (b.getValue("claims") == null ? 0 : 1) + (b.getValue("bundle") == null ? 0 : 1)
                + (b.getValue("log_index") == null ? 0 : 1);
        if (evidenceSources != 1) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "claims",
                    "give exactly one of claims, bundle and log_index");
        }
        JsonObject out = new JsonObject();
        Map<String, Object> claims;
        if (b.getValue("claims") instanceof JsonObject c) {
            claims = c.getMap();
        } else if (b.getValue("bundle") instanceof JsonObject || b.getValue("log_index") instanceof Number) {
            VerificationResult v = b.getValue("bundle") instanceof JsonObject files ? verifyBundle(files)
                    : verifyLogEntry(((Number) b.getValue("log_index")).longValue());
            out.put("verification", new JsonObject().put("verdict", v.pass() ? "pass" : "fail").put("tee", v.tee())
                    .put("reason", v.reason() == null ? null : v.reason().name()).put("details", new JsonObject(v.details())));
            if (!v.pass()) {
                return out;
            }
            claims = new LinkedHashMap<>(v.claims());
            claims.putIfAbsent("tee", v.tee());
            if (v.tcbStatus() != null) {
                claims.putIfAbsent("tcb_status", v.tcbStatus());
                claims.putIfAbsent("advisory_ids", v.advisoryIds());
            }
        } else {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "claims", "claims and bundle must be objects");
        }
        Appraisal a;
        if (b.getValue("document") instanceof String doc) {
            DocumentFormat f = switch (Optional.ofNullable(b.getString("format")).orElse("")) {
                case "yaml" -> DocumentFormat.YAML;
                case "json" -> DocumentFormat.JSON;
                case "" -> null;
                default -> throw new PolicyException(PolicyException.Code.INVALID_VALUE, "format", "format is yaml or json");
            };
            a = policies.admin().dryRunDraft(who, new DocumentUpload(doc.getBytes(StandardCharsets.UTF_8), f, null), claims);
            if (!a.policy().id().equals(id)) {
                throw new PolicyException(PolicyException.Code.INVALID_VALUE, "document.id",
                        "the draft's id " + a.policy().id() + " is not " + id);
            }
        } else if (b.getValue("version") instanceof Number n && n.intValue() >= 1) {
            a = policies.admin().dryRunStored(who, id, n.intValue(), claims);
        } else {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "version", "version must be a positive integer");
        }
        var converted = PolicyAppraiser.convert(a, denyContraindicated);
        out.put("appraisal", new JsonObject(a.toExplanation()));
        out.put("ear.appraisal-policy-id", converted.policyId());
        out.put("denied", converted.denied());
        return out;
    }

    /**
     * The CPU evidence of log entry {@code index}, exported as an attestation bundle with its
     * recorded collateral and instant, verified again (the same path as an uploaded bundle).
     */
    private VerificationResult verifyLogEntry(long index) throws PolicyException, IOException {
        if (log == null) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "log_index", "this service has no verification log");
        }
        Path dir = Files.createTempDirectory("dry-run-entry");
        try {
            byte[] encoded = log.store().entries(index, index + 1).get(index);
            if (encoded == null) {
                throw new PolicyException(PolicyException.Code.INVALID_VALUE, "log_index", "no log entry " + index);
            }
            if (!(org.openanolis.attestation.verifier.log.LogRecords.decode(encoded)
                    instanceof org.openanolis.attestation.verifier.log.LogRecords.Attestation attestation)) {
                throw new PolicyException(PolicyException.Code.INVALID_VALUE, "log_index",
                        "log entry " + index + " is a release receipt, not an attestation");
            }
            org.openanolis.attestation.verifier.log.LogEntry entry = attestation.entry();
            Map<String, Path> written = org.openanolis.attestation.verifier.log.EntryBundleWriter.write(entry,
                    ref -> {
                        try {
                            return log.store().collateral(ref.sha256()).orElseThrow(() ->
                                    new org.openanolis.attestation.verifier.log.ReplayEngine.ReplayException(
                                            "collateral " + ref.sha256() + " is not in the log"));
                        } catch (org.openanolis.attestation.verifier.log.LogStorageException e) {
                            throw new org.openanolis.attestation.verifier.log.ReplayEngine.ReplayException(e.getMessage());
                        }
                    }, dir);
            Path cpu = written.get("cpu");
            if (cpu == null) {
                throw new PolicyException(PolicyException.Code.INVALID_VALUE, "log_index", "entry " + index + " has no CPU evidence");
            }
            return bundles.verify(AttestationBundle.read(cpu), Optional.empty(), clock);
        } catch (org.openanolis.attestation.verifier.log.LogStorageException
                 | org.openanolis.attestation.verifier.log.LogFormatException
                 | org.openanolis.attestation.verifier.log.ReplayEngine.ReplayException | BundleException e) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "log_index", e.getMessage());
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private VerificationResult verifyBundle(JsonObject files) throws PolicyException, IOException {
        if (files.size() > MAX_BUNDLE_FILES) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "bundle", "more than " + MAX_BUNDLE_FILES + " files");
        }
        Path dir = Files.createTempDirectory("dry-run-bundle");
        try {
            for (String name : files.fieldNames()) {
                if (!BUNDLE_PATH.matcher(name).matches() || name.contains("..")) {
                    throw new PolicyException(PolicyException.Code.INVALID_VALUE, "bundle." + name, "not a relative file path");
                }
                if (!(files.getValue(name) instanceof String b64)) {
                    throw new PolicyException(PolicyException.Code.INVALID_VALUE, "bundle." + name, "must be base64 text");
                }
                byte[] bytes;
                try {
                    bytes = Base64.getMimeDecoder().decode(b64);
                } catch (IllegalArgumentException e) {
                    throw new PolicyException(PolicyException.Code.INVALID_VALUE, "bundle." + name, "not base64");
                }
                Path target = dir.resolve(name).normalize();
                if (!target.startsWith(dir)) {
                    throw new PolicyException(PolicyException.Code.INVALID_VALUE, "bundle." + name, "outside the bundle");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, bytes);
            }
            try {
                return bundles.verify(AttestationBundle.read(dir), Optional.empty(), clock);
            } catch (BundleException e) {
                throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "bundle", e.getMessage());
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- response bodies ------------------------------------------------------------------

    private static JsonObject version(StoredDocument d) {
        JsonObject o = new JsonObject().put("name", d.name()).put("version", d.version())
                .put("content_hash", d.contentHash()).put("format", d.format().name().toLowerCase(java.util.Locale.ROOT))
                .put("created_by", d.createdBy()).put("created_at", d.createdAt().toString());
        if (d.signerKeyId() != null) {
            o.put("signer_key_id", d.signerKeyId());
        }
        if (d.note() != null) {
            o.put("note", d.note());
        }
        return o;
    }

    private static JsonObject document(StoredDocument d) {
        JsonObject o = version(d).put("content", d.content());
        if (d.signature() != null) {
            o.put("signature", d.signature());
        }
        return o;
    }

    private static JsonArray versions(List<StoredDocument> all) {
        JsonArray a = new JsonArray();
        all.forEach(d -> a.add(version(d)));
        return a;
    }

    private static JsonArray activations(List<Activation> all) {
        JsonArray a = new JsonArray();
        all.forEach(x -> a.add(activation(x)));
        return a;
    }

    private static JsonObject activation(Activation a) {
        return new JsonObject().put("seq", a.seq()).put("version", a.version())
                .put("changed_by", a.changedBy()).put("changed_at", a.changedAt().toString());
    }

    private static JsonObject summaries(String key, List<DocumentSummary> all) {
        JsonArray a = new JsonArray();
        for (DocumentSummary s : all) {
            a.add(new JsonObject().put("name", s.name()).put("latest_version", s.latestVersion())
                    .put("active_version", s.activeVersion()).put("latest_hash", s.latestHash()));
        }
        return new JsonObject().put(key, a);
    }
}

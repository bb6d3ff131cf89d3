package org.openanolis.attestation.verifier.service.log;

import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.EntryBundleWriter;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.LogRecords;
import org.openanolis.attestation.verifier.log.ReleaseReceiptRecord;
import org.openanolis.attestation.verifier.log.ReplayEngine;
import org.openanolis.attestation.verifier.log.Sha256Digest;
import org.openanolis.attestation.verifier.service.Problem;

/**
 * The auditor-role HTTP routes of the verification log (docs/api.md, "Verification log"), all
 * under {@code /v1/log}, all behind {@link AuditorAuth}, all blocking work on the service's worker
 * pool:
 *
 * <ul>
 *   <li>{@code GET /v1/log/checkpoint}: latest signed checkpoint (text/plain note);
 *       {@code POST} signs one now;</li>
 *   <li>{@code GET /v1/log/key}: the log's verifier key (note {@code vkey} text);</li>
 *   <li>{@code GET /v1/log/entries?start=&limit=}: a page of entries (base64 CBOR; at most 1,000);</li>
 *   <li>{@code GET /v1/log/entries/{index}}: one record (base64 CBOR; an attestation's collateral
 *       references, or a release receipt's fields; {@code record} says which);</li>
 *   <li>{@code GET /v1/log/entries/{index}/bundle}: the entry as attestation bundles (a receipt as
 *       {@code receipt.json}), a zip;</li>
 *   <li>{@code GET /v1/log/collateral/{sha256}}: collateral bytes;</li>
 *   <li>{@code GET /v1/log/proofs/inclusion?index=&tree_size=} and
 *       {@code GET /v1/log/proofs/consistency?first=&second=}.</li>
 * </ul>
 */
public final class LogRoutes {
    private final LogService log;
    private final AuditorAuth auth;

    public LogRoutes(LogService log, AuditorAuth auth) {
        this.log = log;
        this.auth = auth;
    }

    /** Mounts the routes on {@code router}; blocking work runs on {@code workers}. */
    public void mount(Router router, WorkerExecutor workers) {
        router.route("/v1/log/*").handler(ctx -> {
            if (auth.permits(ctx)) {
                ctx.next();
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"auditor\"");
                Problem.send(ctx, 401, "Unauthorized", "the verification log needs the auditor role", null, null);
            }
        });
        router.get("/v1/log/checkpoint").handler(ctx -> run(ctx, workers, () -> log.reads().latestCheckpoint()
                .map(note -> text(note)).orElse(null)));
        router.post("/v1/log/checkpoint").handler(ctx -> run(ctx, workers, () -> text(log.checkpointer().checkpointNow())));
        router.get("/v1/log/key").handler(ctx -> run(ctx, workers, () -> text(log.signer().verifierKey() + "\n")));
        router.get("/v1/log/entries").handler(ctx -> run(ctx, workers, () -> json(log.reads().entries(
                longParam(ctx, "start", 0L), intParam(ctx, "limit")))));
        router.get("/v1/log/entries/:index").handler(ctx -> run(ctx, workers, () -> {
            long index = pathIndex(ctx);
            byte[] bytes = log.store().entries(index, index + 1).get(index);
            if (bytes == null) {
                return null;
            }
            LogRecords.Record record = LogRecords.decode(bytes);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", index);
            m.put("entry", java.util.Base64.getEncoder().encodeToString(bytes));
            if (record instanceof LogRecords.Receipt r) {
                m.put("record", "release_receipt");
                m.putAll(r.receipt().toJson());
                m.remove(ReleaseReceiptRecord.KIND_KEY);
                return json(m);
            }
            LogEntry entry = ((LogRecords.Attestation) record).entry();
            m.put("record", "attestation");
            m.put("jti", entry.jti());
            m.put("instant", entry.instant().toString());
            m.put("status", entry.outcome().status().wireName());
            m.put("reason", entry.outcome().reason() == null ? null : entry.outcome().reason().name());
            java.util.List<Object> refs = new java.util.ArrayList<>();
            for (CollateralReference r : entry.blobs()) {
                refs.add(Map.of("submod", r.submodule(), "kind", r.kind(), "sha256", r.sha256().hex()));
            }
            m.put("collateral", refs);
            return json(m);
        }));
        router.get("/v1/log/entries/:index/bundle").handler(ctx -> run(ctx, workers, () -> {
            long index = pathIndex(ctx);
            Optional<LogRecords.Record> record = log.reads().record(index);
            if (record.isEmpty()) {
                return null;
            }
            return new Reply(200, "application/zip", Buffer.buffer(bundleZip(index, record.get())));
        }));
        router.get("/v1/log/collateral/:sha256").handler(ctx -> run(ctx, workers, () -> {
            String hex = ctx.pathParam("sha256");
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
            }
            return log.store().collateral(Sha256Digest.ofHex(hex))
                    .map(b -> new Reply(200, "application/octet-stream", Buffer.buffer(b))).orElse(null);
        }));
        router.get("/v1/log/proofs/inclusion").handler(ctx -> run(ctx, workers, () -> json(log.reads().inclusionProof(
                requiredLong(ctx, "index"), requiredLong(ctx, "tree_size")))));
        router.get("/v1/log/proofs/consistency").handler(ctx -> run(ctx, workers, () -> json(log.reads().consistencyProof(
                requiredLong(ctx, "first"), requiredLong(ctx, "second")))));
    }

    /** The bundles of one entry (EntryBundleWriter layout) plus {@code entry.cbor}, zipped. */
    private byte[] bundleZip(long index, LogRecords.Record record) throws Exception {
        Path dir = Files.createTempDirectory("log-entry-" + index);
        try {
            if (record instanceof LogRecords.Receipt r) {
                EntryBundleWriter.writeReceipt(r.receipt(), dir);
            } else {
                EntryBundleWriter.write(((LogRecords.Attestation) record).entry(), this::collateral, dir);
            }
            Files.write(dir.resolve("entry.cbor"), record.encode());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                    zip.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
                    zip.write(Files.readAllBytes(p));
                    zip.closeEntry();
                }
            }
            return out.toByteArray();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    private byte[] collateral(CollateralReference ref) throws ReplayEngine.ReplayException {
        try {
            byte[] b = log.store().collateral(ref.sha256())
                    .orElseThrow(() -> new ReplayEngine.ReplayException("collateral " + ref.sha256() + " is missing"));
            if (!Sha256Digest.digest(b).equals(ref.sha256())) {
                throw new ReplayEngine.ReplayException("collateral " + ref.sha256() + " does not match its digest");
            }
            return b;
        } catch (org.openanolis.attestation.verifier.log.LogStorageException e) {
            throw new ReplayEngine.ReplayException(e.getMessage(), e);
        }
    }

    /** A response body; null from a handler means 404. */
    private record Reply(int status, String contentType, Buffer body) {}

    private static Reply text(String s) {
        return new Reply(200, "text/plain; charset=utf-8", Buffer.buffer(s));
    }

    private static Reply json(Map<String, Object> m) {
        return new Reply(200, "application/json", new JsonObject(m).toBuffer());
    }

    private static void run(RoutingContext ctx, WorkerExecutor workers, Callable<Reply> work) {
        workers.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                Reply r = ar.result();
                if (r == null) {
                    Problem.send(ctx, 404, "Not found", ctx.request().path(), null, null);
                    return;
                }
                ctx.response().setStatusCode(r.status()).putHeader("Content-Type", r.contentType())
                        .putHeader("Cache-Control", "no-store").end(r.body());
            } else if (ar.cause() instanceof IllegalArgumentException e) {
                Problem.send(ctx, 400, "Bad request", e.getMessage(), null, null);
            } else {
                Problem.send(ctx, 503, "Verification log unavailable", String.valueOf(ar.cause().getMessage()), null, null);
            }
        });
    }

    private static long pathIndex(RoutingContext ctx) {
        return parseLong(ctx.pathParam("index"), "index");
    }

    private static long longParam(RoutingContext ctx, String name, long dflt) {
        String v = ctx.request().getParam(name);
        return v == null ? dflt : parseLong(v, name);
    }

    private static long requiredLong(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v == null) {
            throw new IllegalArgumentException("missing query parameter " + name);
        }
        return parseLong(v, name);
    }

    private static Integer intParam(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v == null) {
            return null;
        }
        long l = parseLong(v, name);
        if (l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " is too large");
        }
        return (int) l;
    }

    private static long parseLong(String v, String name) {
        if (!v.matches("\\d{1,18}")) {
            throw new IllegalArgumentException(name + " must be a non-negative decimal integer");
        }
        return Long.parseLong(v);
    }
}

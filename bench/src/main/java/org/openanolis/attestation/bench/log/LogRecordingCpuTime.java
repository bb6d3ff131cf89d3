package org.openanolis.attestation.bench.log;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.store.Database;
import org.openanolis.attestation.policies.store.DocumentKind;
import org.openanolis.attestation.policies.store.VersionedDocumentStore;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.AttestRequest;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.PolicyAppraiser;
import org.openanolis.attestation.verifier.log.JdbcLogStore;
import org.openanolis.attestation.verifier.log.LogDatabase;
import org.openanolis.attestation.verifier.service.log.LogRecorder;

/**
 * What recording the policy documents costs per request: {@link LogRecorder#record} of a TDX
 * appraisal (5 KiB quote, four 4 KiB collateral items) by a stored policy that reads two
 * reference-value sets, with the documents (format 2 as the service writes it) and with the same
 * appraisal stripped of them. Reports CPU time per record on the calling thread (building,
 * encoding and queueing the entry: what a request pays) and on the log's writer thread, so the
 * figures hold on a loaded machine.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar
 * org.openanolis.attestation.bench.log.LogRecordingCpuTime [records=20000]}
 */
public final class LogRecordingCpuTime {
    private LogRecordingCpuTime() {}

    private static final String POLICY = """
            id: fleet-tdx
            tees: [tdx]
            references: [fleet, images]
            rules:
              - name: not-debug
                component: configuration
                expr: claims.debug == false
                on_fail: contraindicated
              - name: known-image
                component: executables
                expr: claims.mr_td in reference.images.mr_td
                on_fail: contraindicated
              - name: gold-tier
                component: sourced_data
                expr: reference.fleet.tier == "gold"
                on_fail: warning
            """;

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory("log-recording");
        Instant at = Instant.parse("2026-01-15T00:00:00Z");
        VersionedDocumentStore docs = new VersionedDocumentStore(Database.openSqlite(dir.resolve("policies")));
        put(docs, DocumentKind.REFERENCE_SET, "fleet", "name: fleet\nvalues:\n  tier: silver\n", at);
        StringBuilder images = new StringBuilder("name: images\nvalues:\n  mr_td:\n");
        for (int i = 0; i < 50; i++) {
            images.append("    - \"").append(String.format("%096x", i)).append("\"\n");
        }
        put(docs, DocumentKind.REFERENCE_SET, "images", images.toString(), at);
        put(docs, DocumentKind.POLICY, "fleet-tdx", POLICY, at);
        PolicyCompiler compiler = new PolicyCompiler();
        PolicyEngine engine = new PolicyEngine(docs, compiler, new BuiltInPolicies(compiler),
                Clock.fixed(at, ZoneOffset.UTC), Duration.ofSeconds(60));
        VerifiedEvidence evidence = new VerifiedEvidence("tdx", "UpToDate", List.of(),
                Map.of("debug", false, "mr_td", String.format("%096x", 7)));
        Appraiser.Appraisal withDocuments = new PolicyAppraiser(engine, true).appraise("cpu", evidence, "fleet-tdx");
        Appraiser.Appraisal without = new Appraiser.Appraisal(withDocuments.status(), withDocuments.trustVector(),
                withDocuments.policyId(), withDocuments.explanation(), withDocuments.references(), false, null);

        byte[] nonce = new byte[32];
        byte[] quote = new byte[5006];
        new Random(7).nextBytes(quote);
        AttestRequest request = new AttestRequest(Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
                AttestationService.runtimeData(null, List.of()), new CpuEvidence("tdx", quote, Map.of()), List.of(),
                Map.of("cpu", "fleet-tdx"), null);
        List<CollateralUsage.Used> collateral = new ArrayList<>();
        for (String kind : new String[] {"tcb_info", "qe_identity", "pck_crl", "root_ca_crl"}) {
            byte[] blob = new byte[4096];
            new Random(kind.hashCode()).nextBytes(blob);
            collateral.add(new CollateralUsage.Used("cpu", kind, blob));
        }

        LogDatabase db = LogDatabase.sqlite(dir.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (JdbcLogStore store = JdbcLogStore.open(db, "bench.example/log")) {
            LogRecorder recorder = new LogRecorder(store, "0.1.0", Map.of("ocsp_mode", "off"));
            for (int round = 0; round < 3; round++) {
                for (boolean documents : new boolean[] {false, true}) {
                    Appraiser.Appraisal a = documents ? withDocuments : without;
                    AttestationService.Outcome outcome = new AttestationService.Outcome(Map.of("cpu", evidence),
                            Map.of("cpu", a), null);
                    int n = round == 0 ? Math.min(2_000, total) : total;
                    long caller0 = threads.getCurrentThreadCpuTime();
                    long writer0 = LogAppendThroughput.writerCpuNanos();
                    List<CompletableFuture<Long>> inFlight = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        inFlight.add(recorder.record(new AttestationRecorder.Record(request, outcome,
                                "r" + round + (documents ? "d" : "n") + i, null, collateral, at)));
                        if (inFlight.size() == 1000) {
                            inFlight.forEach(CompletableFuture::join);
                            inFlight.clear();
                        }
                    }
                    long caller = threads.getCurrentThreadCpuTime() - caller0;
                    inFlight.forEach(CompletableFuture::join);
                    long writer = LogAppendThroughput.writerCpuNanos() - writer0;
                    System.out.printf("%s %-17s %d records: %.1f us caller CPU, %.1f us writer CPU per record%n",
                            round == 0 ? "warm-up " : "measured", documents ? "with documents" : "without documents",
                            n, caller / 1e3 / n, writer / 1e3 / n);
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void put(VersionedDocumentStore docs, DocumentKind kind, String name, String yaml, Instant at)
            throws Exception {
        int v = docs.append(new VersionedDocumentStore.NewVersion(kind, name, null, DocumentFormat.YAML,
                yaml.getBytes(StandardCharsets.UTF_8), null, null, "bench", at, null)).version();
        docs.activate(kind, name, v, "bench", at);
    }
}

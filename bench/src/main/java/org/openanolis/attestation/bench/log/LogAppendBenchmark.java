package org.openanolis.attestation.bench.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openanolis.attestation.verifier.log.AppraisalOutcome;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.EarStatus;
import org.openanolis.attestation.verifier.log.EvidenceItem;
import org.openanolis.attestation.verifier.log.JdbcLogStore;
import org.openanolis.attestation.verifier.log.LogDatabase;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.PolicyReference;
import org.openanolis.attestation.verifier.log.Sha256Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Verification-log append throughput on SQLite with group commit: each invocation submits
 * {@value #BURST} appends at once (as concurrent attestation requests would) and waits until all
 * are committed. Score = committed appends per second. Entries carry a 5 KiB TDX-sized quote and
 * four collateral references (the collateral blobs repeat, as they do in production, and are
 * passed by digest as the service's collateral cache would).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar LogAppendBenchmark -f 1 -wi 2 -i 5 -w 2s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogAppendBenchmark {
    static final int BURST = 1000;

    /** SQLite durability: FULL fsyncs every group commit, NORMAL (WAL) survives a process crash. */
    @Param({"FULL", "NORMAL"})
    public String durability;

    private Path dir;
    private JdbcLogStore store;
    private final List<LogEntry> entries = new ArrayList<>();
    private final List<byte[]> collateral = new ArrayList<>();
    private final Map<Sha256Digest, byte[]> collateralByDigest = new LinkedHashMap<>();
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("log-bench");
        LogDatabase db = LogDatabase.sqlite(dir.resolve("log.db"), LogDatabase.SqliteDurability.valueOf(durability));
        db.migrate();
        store = JdbcLogStore.open(db, "bench.example/log");
        for (String kind : List.of("tcb_info", "qe_identity", "pck_crl", "root_ca_crl")) {
            byte[] blob = new byte[4096];
            new Random(kind.hashCode()).nextBytes(blob);
            collateral.add(blob);
            collateralByDigest.put(Sha256Digest.digest(blob), blob);
        }
        Random random = new Random(1);
        for (int i = 0; i < BURST; i++) {
            byte[] quote = new byte[5006];
            random.nextBytes(quote);
            entries.add(entry(quote, i));
        }
    }

    private LogEntry entry(byte[] quote, int i) {
        String[] kinds = {"tcb_info", "qe_identity", "pck_crl", "root_ca_crl"};
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("tcb_status", "UpToDate");
        explanation.put("rules", List.of(Map.of("name", "debug_disabled", "result", true)));
        LogEntry.Builder b = LogEntry.builder()
                .addEvidence(new EvidenceItem("cpu", "tdx", "quote", quote))
                .policy(new PolicyReference("default-tdx", 1, Sha256Digest.digest("policy".getBytes(StandardCharsets.UTF_8))))
                .verifierVersion("0.1.0")
                .instant(Instant.parse("2026-01-01T00:00:00Z").plusMillis(i))
                .outcome(new AppraisalOutcome(EarStatus.AFFIRMING, null, explanation))
                .jti("bench-" + i)
                .nonce(new byte[32]);
        for (int k = 0; k < kinds.length; k++) {
            b.addCollateral(new CollateralReference("cpu", kinds[k], Sha256Digest.digest(collateral.get(k))));
        }
        return b.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@value #BURST} concurrent appends, waiting for every commit. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long appendBurst() {
        List<CompletableFuture<Long>> futures = new ArrayList<>(BURST);
        for (LogEntry e : entries) {
            futures.add(store.append(e, collateralByDigest));
        }
        long last = 0;
        for (CompletableFuture<Long> f : futures) {
            last = f.join();
        }
        counter += BURST;
        return last;
    }
}

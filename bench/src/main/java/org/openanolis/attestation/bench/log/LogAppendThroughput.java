package org.openanolis.attestation.bench.log;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.openanolis.attestation.verifier.log.AppraisalOutcome;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.EarStatus;
import org.openanolis.attestation.verifier.log.EvidenceItem;
import org.openanolis.attestation.verifier.log.JdbcLogStore;
import org.openanolis.attestation.verifier.log.LogDatabase;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.PolicyReference;
import org.openanolis.attestation.verifier.log.Sha256Digest;

/**
 * A timed companion of {@link LogAppendBenchmark} that also reports CPU time, for a shared
 * machine where wall-clock rates depend on the neighbours: appends per wall second and per
 * CPU-second of the whole JVM (writer, callers, GC and JIT included).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar
 * org.openanolis.attestation.bench.log.LogAppendThroughput [entries=50000] [durability=FULL]}
 */
public final class LogAppendThroughput {
    private LogAppendThroughput() {}

    /** CPU time of the log's group-commit writer thread. */
    static long writerCpuNanos() {
        var threads = ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("verification-log-writer")) {
                return threads.getThreadCpuTime(t.getId());
            }
        }
        throw new IllegalStateException("no log writer thread");
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        LogDatabase.SqliteDurability durability = LogDatabase.SqliteDurability.valueOf(args.length > 1 ? args[1] : "FULL");
        Path dir = Files.createTempDirectory("log-throughput");
        LogDatabase db = LogDatabase.sqlite(dir.resolve("log.db"), durability);
        db.migrate();
        Map<Sha256Digest, byte[]> collateral = new LinkedHashMap<>();
        String[] kinds = {"tcb_info", "qe_identity", "pck_crl", "root_ca_crl"};
        List<CollateralReference> refs = new ArrayList<>();
        for (String kind : kinds) {
            byte[] blob = new byte[4096];
            new Random(kind.hashCode()).nextBytes(blob);
            Sha256Digest d = Sha256Digest.digest(blob);
            collateral.put(d, blob);
            refs.add(new CollateralReference("cpu", kind, d));
        }
        Random random = new Random(7);
        byte[] quote = new byte[5006];
        Map<String, Object> explanation = Map.of("tcb_status", "UpToDate");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (JdbcLogStore store = JdbcLogStore.open(db, "bench.example/log")) {
            for (int round = 0; round < 2; round++) {
                int n = round == 0 ? Math.min(5_000, total) : total;
                long cpu0 = os.getProcessCpuTime();
                long writer0 = writerCpuNanos();
                long t0 = System.nanoTime();
                List<CompletableFuture<Long>> inFlight = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    random.nextBytes(quote);
                    LogEntry.Builder b = LogEntry.builder()
                            .addEvidence(new EvidenceItem("cpu", "tdx", "quote", quote))
                            .policy(new PolicyReference("default-tdx", 1, refs.get(0).sha256()))
                            .verifierVersion("0.1.0")
                            .instant(Instant.parse("2026-01-01T00:00:00Z").plusMillis(i))
                            .outcome(new AppraisalOutcome(EarStatus.AFFIRMING, null, explanation))
                            .jti("r" + round + "-" + i).nonce(new byte[32]);
                    refs.forEach(b::addCollateral);
                    inFlight.add(store.append(b.build(), collateral));
                    if (inFlight.size() == 1000) {
                        inFlight.forEach(CompletableFuture::join);
                        inFlight.clear();
                    }
                }
                inFlight.forEach(CompletableFuture::join);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                double writer = (writerCpuNanos() - writer0) / 1e9;
                System.out.printf("%s %d appends (%s): %.0f appends/s wall, %.0f appends per JVM CPU-second, "
                        + "%.0f per writer-thread CPU-second (%.2f s wall, %.2f s CPU, %.2f s writer CPU)%n",
                        round == 0 ? "warm-up" : "measured", n, durability, n / wall, n / cpu, n / writer, wall, cpu, writer);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

package org.openanolis.attestation.bench.load;

import io.vertx.core.buffer.Buffer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.simulator.db.EmbeddedPostgresServer;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.verifier.demo.SimulatedDeployment;
import org.openanolis.attestation.verifier.log.NoteSigner;

/**
 * HTTP attestation throughput with 1 and with 3 replicas (issue #9) on one embedded PostgreSQL,
 * as {@code ReplicasTest} runs them: each replica a {@link SimulatedDeployment} (real engines,
 * its own loopback vendor services and data directory) sharing {@code database_url},
 * {@code nonce_key_hex}, {@code log_signing_key}, {@code issuer} and one token keystore; every
 * appraisal goes to the shared PostgreSQL verification log. Request {@code i} takes its nonce
 * from replica {@code (i + 1) % n} and attests at replica {@code i % n} (closed loop,
 * {@code --connections} in total), after a warm-up of {@code --warmup} requests. Everything
 * (client, replicas, PostgreSQL) shares this machine's cores, so on a 2-core box 3 replicas cannot
 * beat 1 on raw throughput; the figure shows what they cost.
 *
 * <pre>{@code java -cp bench/target/benchmarks.jar org.openanolis.attestation.bench.load.ReplicaThroughput
 * [--replicas 1,3] [--requests 3000] [--warmup 1500] [--connections 32] [--hosts 16] [--gpus 0] [--workers 0]}</pre>
 */
public final class ReplicaThroughput {
    private static final Pattern NONCE = Pattern.compile("\"nonce\"\\s*:\\s*\"([^\"]+)\"");

    private ReplicaThroughput() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--replicas", "1,3", "--requests", "3000", "--warmup", "1500",
                "--connections", "32", "--hosts", "16", "--gpus", "0", "--workers", "0"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!a.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            a.put(args[i], args[i + 1]);
        }
        int requests = Integer.parseInt(a.get("--requests"));
        int warmup = Integer.parseInt(a.get("--warmup"));
        int connections = Integer.parseInt(a.get("--connections"));
        int gpus = Integer.parseInt(a.get("--gpus"));
        int workers = Integer.parseInt(a.get("--workers"));
        System.out.printf("machine: %d processors (client, replicas and PostgreSQL share them), JVM %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.println("load average at start: " + loadAverage());
        EmbeddedPostgres pg = EmbeddedPostgresServer.get();
        SimulatedEnvironment env = SimulatedEnvironment.create();
        List<SimulatedHost> hosts = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(a.get("--hosts")); i++) {
            hosts.add(SimulatedHost.tdx(env).gpus(gpus).build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (String r : a.get("--replicas").split(",")) {
                run(Integer.parseInt(r.trim()), pg, env, hosts, requests, warmup, connections, workers, pool);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("load average at end: " + loadAverage());
    }

    private static void run(int n, EmbeddedPostgres pg, SimulatedEnvironment env, List<SimulatedHost> hosts,
                            int requests, int warmup, int connections, int workers, ExecutorService pool)
            throws Exception {
        String db = "bench_replicas_" + n;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db);
            st.execute("CREATE DATABASE " + db);
        }
        Path work = Files.createTempDirectory("replica-bench");
        SecureRandom random = new SecureRandom();
        byte[] nonceKey = new byte[32];
        random.nextBytes(nonceKey);
        NoteSigner signer = NoteSigner.generate("bench.replicas/verification-log", random);
        List<SimulatedDeployment> replicas = new ArrayList<>();
        try {
            // One after the other: the first creates the token keystore, the others open it.
            for (int i = 0; i < n; i++) {
                replicas.add(SimulatedDeployment.start(env, work.resolve("replica" + i), true, Clock.systemUTC(), c -> {
                    c.issuer = "http://verifier.bench.replicas";
                    c.databaseUrl = pg.getJdbcUrl("postgres", db);
                    c.databaseUser = "postgres";
                    c.databasePassword = "postgres";
                    c.nonceKeyHex = Hex.encode(nonceKey);
                    c.logSigningKey = signer.skey();
                    c.keystorePath = work.resolve("token-keys.p12").toString();
                    c.rateLimitPerSecond = 0;
                    c.workerPoolSize = workers;
                }));
            }
            int[] ports = replicas.stream().mapToInt(SimulatedDeployment::port).toArray();
            LoadGenerator.Result w = LoadGenerator.run("127.0.0.1", ports,
                    bodies(replicas, hosts, warmup, pool), connections, 0);
            System.out.printf("%d replica(s), warm-up: %s%n", n, w);
            List<Buffer> bodies = bodies(replicas, hosts, requests, pool);
            double cpu0 = cpuSeconds();
            double pg0 = postgresCpuSeconds();
            LoadGenerator.Result r = LoadGenerator.run("127.0.0.1", ports, bodies, connections, 0);
            double cpuMs = (cpuSeconds() - cpu0) * 1000 / requests;
            double pgMs = (postgresCpuSeconds() - pg0) * 1000 / requests;
            System.out.printf("%d replica(s) on one PostgreSQL, TDX%s, closed loop %d connections: %s "
                            + "cpu=%.2fms/req in this JVM (client+replicas) + %.2fms/req PostgreSQL => %.0f/s on 2 idle cores%n",
                    n, hosts.get(0).gpus().isEmpty() ? "" : " + " + hosts.get(0).gpus().size() + " GPUs",
                    connections, r, cpuMs, pgMs, 2000 / (cpuMs + pgMs));
        } finally {
            for (int i = replicas.size() - 1; i >= 0; i--) {
                replicas.get(i).close();
            }
            try (java.util.stream.Stream<Path> s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Body {@code i}: nonce from replica {@code (i + 1) % n}, to be sent to replica {@code i % n}. */
    private static List<Buffer> bodies(List<SimulatedDeployment> replicas, List<SimulatedHost> hosts, int count,
                                       ExecutorService pool) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Future<Buffer>> fs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            URI uri = replicas.get((i + 1) % replicas.size()).baseUri().resolve("/v1/nonce");
            SimulatedHost h = hosts.get(i % hosts.size());
            fs.add(pool.submit(() -> {
                String body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = NONCE.matcher(body);
                if (!m.find()) {
                    throw new IllegalStateException("no nonce in " + body);
                }
                return Buffer.buffer(h.attestRequest(m.group(1)));
            }));
        }
        List<Buffer> out = new ArrayList<>(count);
        for (Future<Buffer> f : fs) {
            out.add(f.get());
        }
        return out;
    }

    /**
     * CPU seconds (user + system) of the embedded PostgreSQL: its postmaster (found by this JVM's
     * data directory on its command line) and the live backends it forked; backends that exited
     * in between are not counted (the replicas' pools keep theirs open).
     */
    private static double postgresCpuSeconds() {
        String dataDir = "data-" + ProcessHandle.current().pid();
        double ticks = 0;
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Path> pids = procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList();
            String postmaster = null;
            for (Path p : pids) {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.contains("postgres") && cmd.contains(dataDir)) {
                        postmaster = p.getFileName().toString();
                    }
                } catch (java.io.IOException ignored) {
                    // gone
                }
            }
            if (postmaster == null) {
                return 0;
            }
            for (Path p : pids) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // f[1] = ppid, f[11] = utime, f[12] = stime (fields 4, 14, 15 of proc(5))
                    if (p.getFileName().toString().equals(postmaster) || f[1].equals(postmaster)) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (java.io.IOException | RuntimeException ignored) {
                    // gone
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return ticks / 100.0; // USER_HZ
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}

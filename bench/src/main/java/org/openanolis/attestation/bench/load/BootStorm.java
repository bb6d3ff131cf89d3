package org.openanolis.attestation.bench.load;

import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.verifier.demo.SimulatedDeployment;

/**
 * Boot storm (issue #9): {@code --hosts} simulated TDX hosts with {@code --gpus} Hopper GPUs each
 * (1,250 × 8 = a 10,000-GPU cluster) attest at once against one in-process service on the real
 * engines ({@link SimulatedDeployment}). Measured: the wall time of every host's
 * {@code GET /v1/nonce} (concurrently) plus the wall time of every {@code POST /v1/attest}
 * (closed loop over {@code --connections}); the hosts' own evidence generation in between runs on
 * 1,250 machines in reality and is reported separately, not counted. A warm-up round on a few
 * other hosts first (JIT, collateral caches), as a service that has been up.
 *
 * <pre>{@code java -cp bench/target/benchmarks.jar org.openanolis.attestation.bench.load.BootStorm
 * [--hosts 1250] [--gpus 8] [--connections 64] [--warmup 200]}</pre>
 */
public final class BootStorm {
    private static final Pattern NONCE = Pattern.compile("\"nonce\"\\s*:\\s*\"([^\"]+)\"");

    private BootStorm() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--hosts", "1250", "--gpus", "8", "--connections", "64",
                "--warmup", "200", "--workers", "0"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!a.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            a.put(args[i], args[i + 1]);
        }
        int hostCount = Integer.parseInt(a.get("--hosts"));
        int gpus = Integer.parseInt(a.get("--gpus"));
        int connections = Integer.parseInt(a.get("--connections"));
        int warmup = Integer.parseInt(a.get("--warmup"));
        System.out.println("load average at start: " + loadAverage());
        SimulatedEnvironment env = SimulatedEnvironment.create();
        long b0 = System.nanoTime();
        List<SimulatedHost> hosts = new ArrayList<>();
        for (int i = 0; i < hostCount; i++) {
            hosts.add(SimulatedHost.tdx(env).gpus(gpus).build());
        }
        List<SimulatedHost> warm = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            warm.add(SimulatedHost.tdx(env).gpus(gpus).build());
        }
        System.out.printf("%d distinct TDX hosts with %d GPUs each built in %.1f s%n", hostCount, gpus,
                (System.nanoTime() - b0) / 1e9);
        int workers = Integer.parseInt(a.get("--workers"));
        try (SimulatedDeployment service = SimulatedDeployment.start(env, Clock.systemUTC(), c -> {
            c.rateLimitPerSecond = 0;
            c.workerPoolSize = workers;
        })) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<SimulatedHost> warmHosts = new ArrayList<>();
                for (int i = 0; i < warmup; i++) {
                    warmHosts.add(warm.get(i % warm.size()));
                }
                List<Buffer> warmBodies = bodies(warmHosts, nonces(service, warmup, pool), pool);
                System.out.println("warm-up: " + LoadGenerator.run("127.0.0.1", service.port(), warmBodies,
                        connections, 0));

                long n0 = System.nanoTime();
                List<String> nonces = nonces(service, hostCount, pool);
                double nonceSeconds = (System.nanoTime() - n0) / 1e9;
                long e0 = System.nanoTime();
                List<Buffer> bodies = bodies(hosts, nonces, pool);
                double evidenceSeconds = (System.nanoTime() - e0) / 1e9;
                LoadGenerator.Result r = LoadGenerator.run("127.0.0.1", service.port(), bodies, connections, 0);
                System.out.printf("nonces: %d in %.2f s; (hosts' evidence generation, not counted: %.2f s)%n",
                        hostCount, nonceSeconds, evidenceSeconds);
                System.out.println("attest: " + r);
                System.out.printf("boot storm: %d of %d hosts (%d GPUs) attested in %.2f s (nonce + attest wall time)%n",
                        r.ok(), hostCount, hostCount * gpus, nonceSeconds + r.seconds());
            } finally {
                pool.shutdownNow();
            }
        }
        System.out.println("load average at end: " + loadAverage());
    }

    /** {@code n} nonces fetched concurrently over HTTP, as booting hosts would. */
    private static List<String> nonces(SimulatedDeployment service, int n, ExecutorService pool) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = service.baseUri().resolve("/v1/nonce");
        List<Future<String>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(pool.submit(() -> {
                String body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = NONCE.matcher(body);
                if (!m.find()) {
                    throw new IllegalStateException("no nonce in " + body);
                }
                return m.group(1);
            }));
        }
        List<String> out = new ArrayList<>(n);
        for (Future<String> f : fs) {
            out.add(f.get());
        }
        return out;
    }

    private static List<Buffer> bodies(List<SimulatedHost> hosts, List<String> nonces, ExecutorService pool)
            throws Exception {
        List<Future<Buffer>> fs = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            SimulatedHost h = hosts.get(i);
            String nonce = nonces.get(i);
            fs.add(pool.submit(() -> Buffer.buffer(h.attestRequest(nonce))));
        }
        List<Buffer> out = new ArrayList<>(fs.size());
        for (Future<Buffer> f : fs) {
            out.add(f.get());
        }
        return out;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.verifier.demo.SimulatedDeployment;

/**
 * The load benchmark of issue #5 ("Speed"): the service in-process on the real engines with
 * simulated collateral ({@link SimulatedDeployment}), driven over loopback HTTP by
 * {@link LoadGenerator} with pre-built request bodies (nonces fetched over HTTP first, then every
 * body signed before the run). Runs, after a warm-up:
 * <ol>
 *   <li>TDX only, closed loop: maximum throughput;</li>
 *   <li>TDX only, open loop at {@code --rate}/s (default 1,000): p50/p99 with queueing;</li>
 *   <li>TDX + 8 GPUs, closed loop: maximum throughput.</li>
 * </ol>
 * Client and server share the machine. Usage:
 * {@code java -cp bench/target/benchmarks.jar org.openanolis.attestation.bench.load.AttestLoadBenchmark
 * [--tdx 6000] [--rate 1000] [--seconds 10] [--gpu 1500] [--connections 32] [--hosts 16] [--workers 0]}
 */
public final class AttestLoadBenchmark {
    private static final Pattern NONCE = Pattern.compile("\"nonce\"\\s*:\\s*\"([^\"]+)\"");

    private AttestLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--tdx", "6000", "--rate", "1000", "--seconds", "10",
                "--gpu", "1500", "--connections", "32", "--hosts", "16", "--workers", "0", "--warmup", "3000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!a.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            a.put(args[i], args[i + 1]);
        }
        int tdxN = Integer.parseInt(a.get("--tdx"));
        double rate = Double.parseDouble(a.get("--rate"));
        int openN = (int) (rate * Integer.parseInt(a.get("--seconds")));
        int gpuN = Integer.parseInt(a.get("--gpu"));
        int connections = Integer.parseInt(a.get("--connections"));
        int hostCount = Integer.parseInt(a.get("--hosts"));
        int workers = Integer.parseInt(a.get("--workers"));
        int warmup = Integer.parseInt(a.get("--warmup"));

        System.out.printf("machine: %d processors (client and server share them), JVM %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.println("load average at start: " + loadAverage());
        SimulatedEnvironment env = SimulatedEnvironment.create();
        try (SimulatedDeployment service = SimulatedDeployment.start(env, Clock.systemUTC(), c -> {
            c.workerPoolSize = workers;
            c.rateLimitPerSecond = 0;
        })) {
            List<SimulatedHost> tdxHosts = new ArrayList<>();
            List<SimulatedHost> gpuHosts = new ArrayList<>();
            for (int i = 0; i < hostCount; i++) {
                tdxHosts.add(SimulatedHost.tdx(env).build());
            }
            for (int i = 0; i < Math.max(1, hostCount / 4); i++) {
                gpuHosts.add(SimulatedHost.tdx(env).gpus(8).build());
            }
            System.out.printf("service on %s; %d TDX hosts, %d TDX+8 GPU hosts; worker pool %s; rate limit off%n",
                    service.baseUri(), tdxHosts.size(), gpuHosts.size(), workers == 0 ? "= processors" : workers);

            run(service, "warm-up (TDX only, closed loop)", bodies(service, tdxHosts, warmup), connections, 0);
            run(service, "warm-up (TDX + 8 GPUs, closed loop)", bodies(service, gpuHosts, Math.max(50, warmup / 10)),
                    connections, 0);
            run(service, "TDX only, closed loop, " + connections + " connections", bodies(service, tdxHosts, tdxN),
                    connections, 0);
            run(service, String.format("TDX only, open loop at %.0f/s", rate), bodies(service, tdxHosts, openN),
                    Math.max(connections, 256), rate);
            run(service, "TDX + 8 GPUs, closed loop, " + connections + " connections",
                    bodies(service, gpuHosts, gpuN), connections, 0);
        }
        System.out.println("load average at end: " + loadAverage());
    }

    private static void run(SimulatedDeployment service, String name, List<Buffer> bodies, int connections, double rate)
            throws InterruptedException {
        System.out.printf("%-48s ", name);
        System.out.flush();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        LoadGenerator.Result r = LoadGenerator.run("127.0.0.1", service.port(), bodies, connections, rate);
        double cpuMillisPerRequest = (os.getProcessCpuTime() - cpu0) / 1e6 / bodies.size();
        // CPU of this process (service + load generator) per request: independent of how much of
        // the shared machine we got; 2 idle cores could serve at most 2000 / cpu-ms requests/s.
        System.out.printf("%s cpu=%.2fms/req (client+server) => %.0f/s on 2 idle cores%n", r, cpuMillisPerRequest,
                2000 / cpuMillisPerRequest);
    }

    /** {@code n} request bodies round-robin over {@code hosts}, each with its own nonce fetched over HTTP. */
    private static List<Buffer> bodies(SimulatedDeployment service, List<SimulatedHost> hosts, int n) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI nonceUri = service.baseUri().resolve("/v1/nonce");
        List<Buffer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String body = http.send(HttpRequest.newBuilder(nonceUri).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = NONCE.matcher(body);
            if (!m.find()) {
                throw new IllegalStateException("no nonce in " + body);
            }
            out.add(Buffer.buffer(hosts.get(i % hosts.size()).attestRequest(m.group(1))));
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

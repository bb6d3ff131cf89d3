package org.openanolis.attestation.bench.load;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * [--tdx 6000] [--rate 1000] [--seconds 10] [--gpu 1500] [--connections 32] [--hosts 16] [--workers 0]
 * [--warmup 3000] [--warmup-rounds 20] [--client process|in-process]}. The load generator runs in a JVM of
 * its own by default (same machine), so that it neither shares the service's JIT type profiles nor
 * blurs its CPU accounting. Warm-up rounds repeat until the JIT compilers use under 5% of a
 * round's CPU (or the round limit); every line also splits the process CPU by thread group.
 */
public final class AttestLoadBenchmark {
    private static final Pattern NONCE = Pattern.compile("\"nonce\"\\s*:\\s*\"([^\"]+)\"");

    private AttestLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--tdx", "6000", "--rate", "1000", "--seconds", "10",
                "--gpu", "1500", "--connections", "32", "--hosts", "16", "--workers", "0", "--warmup", "3000",
                "--warmup-rounds", "20", "--client", "process"));
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
        int warmupRounds = Integer.parseInt(a.get("--warmup-rounds"));
        boolean inProcessClient = a.get("--client").equals("in-process");
        if (!inProcessClient && !a.get("--client").equals("process")) {
            throw new IllegalArgumentException("--client must be process or in-process");
        }

        System.out.printf("machine: %d processors (client and server share them), JVM %s; load generator %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(),
                inProcessClient ? "in this JVM" : "in its own JVM on the same machine");
        System.out.println("load average at start: " + loadAverage());
        SimulatedEnvironment env = SimulatedEnvironment.create();
        try (SimulatedDeployment service = SimulatedDeployment.start(env, Clock.systemUTC(), c -> {
            c.workerPoolSize = workers;
            c.rateLimitPerSecond = 0;
            c.nonceLifetimeSeconds = 3600; // bodies are signed up front, before the warm-up
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
                    service.baseUri(), tdxHosts.size(), gpuHosts.size(), workers == 0 ? "default (max(16, 4 x processors))" : workers);

            // Every body is signed before any measured run, so that neither the simulator's signing
            // nor its JIT compilation overlaps a measurement (nonces live for an hour here).
            List<Buffer> warmTdx = bodies(service, tdxHosts, warmup);
            List<Buffer> warmGpu = bodies(service, gpuHosts, Math.max(50, warmup / 10));
            List<Buffer> closedTdx = bodies(service, tdxHosts, tdxN);
            List<Buffer> openTdx = bodies(service, tdxHosts, openN);
            List<Buffer> closedGpu = bodies(service, gpuHosts, gpuN);
            // Warm-up rounds (the same bodies again: nonces are stateless) until the JIT compilers
            // use less than 5% of a round's CPU: the steady state of a long-running service. The
            // warm-up mixes both kinds of request, as production traffic does: alternating pure
            // TDX and pure GPU rounds made the JIT deoptimise and recompile at every switch.
            List<Buffer> warmMixed = new ArrayList<>(warmTdx.size() + warmGpu.size());
            for (int i = 0, g = 0; i < warmTdx.size(); i++) {
                warmMixed.add(warmTdx.get(i));
                if (i % 10 == 9 && g < warmGpu.size()) {
                    warmMixed.add(warmGpu.get(g++));
                }
            }
            try (Client client = inProcessClient ? Client.inProcess() : Client.process()) {
                for (int round = 1; round <= warmupRounds; round++) {
                    double jit = run(service, client, "warm-up " + round + " (TDX, every 11th with 8 GPUs)", warmMixed,
                            connections, 0);
                    if (jit < 0.05) {
                        break;
                    }
                }
                run(service, client, "TDX only, closed loop, " + connections + " connections", closedTdx, connections, 0);
                run(service, client, String.format("TDX only, open loop at %.0f/s", rate), openTdx,
                        Math.max(connections, 256), rate);
                run(service, client, "TDX + 8 GPUs, closed loop, " + connections + " connections", closedGpu,
                        connections, 0);
            }
        }
        System.out.println("load average at end: " + loadAverage());
    }

    /** Runs {@code bodies} and prints the result; returns the share of the service's CPU the JIT compilers used. */
    private static double run(SimulatedDeployment service, Client client, String name, List<Buffer> bodies,
                              int connections, double rate) throws Exception {
        System.out.printf("%s %-48s ", java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0), name);
        System.out.flush();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        ThreadCpu threads0 = ThreadCpu.snapshot();
        long cpu0 = os.getProcessCpuTime();
        Client.Run run = client.run(service.port(), bodies, connections, rate);
        long cpuNanos = os.getProcessCpuTime() - cpu0;
        Map<String, Double> byThread = ThreadCpu.snapshot().since(threads0, cpuNanos / 1e9);
        int n = bodies.size();
        double ownMillis = cpuNanos / 1e6 / n;
        if (Double.isNaN(run.clientCpuSeconds())) {
            // In-process client: this process's CPU is service + load generator.
            System.out.printf("%s cpu=%.2fms/req (client+server) => %.0f/s on 2 idle cores%n", run.result(), ownMillis,
                    2000 / ownMillis);
        } else {
            double clientMillis = run.clientCpuSeconds() * 1e3 / n;
            // CPU per request is independent of how much of the shared machine we got: two idle
            // cores could serve at most 2000 / cpu-ms requests/s (with the load generator on them too).
            System.out.printf("%s cpu: service=%.3f client=%.3f total=%.3f ms/req => service alone %.0f/s, with client "
                    + "%.0f/s on 2 idle cores%n", run.result(), ownMillis, clientMillis, ownMillis + clientMillis,
                    2000 / ownMillis, 2000 / (ownMillis + clientMillis));
        }
        // Where this process's CPU went, per thread group (ms per request): workers = verification,
        // appraisal, token and entry building; the writer = the log's group commits; event loops = HTTP.
        StringBuilder split = new StringBuilder("    cpu by thread (ms/req):");
        byThread.forEach((group, seconds) -> {
            if (seconds * 1e3 / n >= 0.005) {
                split.append(String.format(" %s=%.3f", group, seconds * 1e3 / n));
            }
        });
        System.out.println(split);
        double jit = byThread.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToDouble(Map.Entry::getValue).sum();
        return cpuNanos == 0 ? 0 : jit / (cpuNanos / 1e9);
    }

    /** The load generator, in this JVM or in a JVM of its own ({@link LoadGenerator#main}). */
    private interface Client extends AutoCloseable {
        record Run(LoadGenerator.Result result, double clientCpuSeconds) {}

        Run run(int port, List<Buffer> bodies, int connections, double rate) throws Exception;

        @Override
        default void close() throws Exception {}

        static Client inProcess() {
            return (port, bodies, connections, rate) ->
                    new Run(LoadGenerator.run("127.0.0.1", port, bodies, connections, rate), Double.NaN);
        }

        static Client process() throws IOException {
            Path dir = Files.createTempDirectory("attest-load");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                    LoadGenerator.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            java.io.PrintWriter commands = new java.io.PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(),
                    java.nio.charset.StandardCharsets.UTF_8), true);
            java.io.BufferedReader answers = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            Map<List<Buffer>, Path> files = new java.util.IdentityHashMap<>();
            return new Client() {
                @Override
                public Run run(int port, List<Buffer> bodies, int connections, double rate) throws Exception {
                    Path file = files.get(bodies);
                    if (file == null) {
                        file = dir.resolve("bodies-" + files.size());
                        LoadGenerator.writeBodies(file, bodies);
                        files.put(bodies, file);
                    }
                    commands.printf(java.util.Locale.ROOT, "run %s 127.0.0.1 %d %d %f%n", file, port, connections, rate);
                    String line = answers.readLine();
                    if (line == null || !line.startsWith("result ")) {
                        throw new IllegalStateException("load generator process answered: " + line);
                    }
                    String[] f = line.split(" ");
                    int ok = Integer.parseInt(f[2]);
                    double seconds = Double.parseDouble(f[4]);
                    return new Run(new LoadGenerator.Result(Integer.parseInt(f[1]), ok, Integer.parseInt(f[3]), seconds,
                            ok / seconds, Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
                            java.util.Map.of()), Double.parseDouble(f[8]));
                }

                @Override
                public void close() throws Exception {
                    commands.println("quit");
                    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.destroy();
                    }
                    try (var files = Files.list(dir)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            Files.deleteIfExists(f);
                        }
                    }
                    Files.deleteIfExists(dir);
                }
            };
        }
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

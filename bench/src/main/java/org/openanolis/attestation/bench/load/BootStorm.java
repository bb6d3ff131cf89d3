package org.openanolis.attestation.bench.load;

import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.file.Path;
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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.simulator.host.VendorServices;
import org.openanolis.attestation.verifier.demo.SimulatedDeployment;
import org.openanolis.attestation.verifier.service.ServiceConfig;

/**
 * Boot storm (issue #9): {@code --hosts} simulated TDX hosts with {@code --gpus} Hopper GPUs each
 * (1,250 × 8 = a 10,000-GPU cluster) attest at once against one in-process service on the real
 * engines ({@link SimulatedDeployment}). The hosts boot in waves of {@code --wave} (default 250;
 * a nonce lives 300 s, so nonces are fetched per wave, not all before the storm): per wave, every
 * host's {@code GET /v1/nonce} (16 concurrent clients), then the hosts' own evidence generation
 * (on 1,250 machines in reality: reported, not counted), then every {@code POST /v1/attest}
 * (closed loop over {@code --connections}). Reported: the nonce phase and the attest phase
 * (summed over the waves) separately and together, the process CPU time of those phases,
 * failures by HTTP status and reason code. A warm-up round first ({@code --warmup} requests over
 * {@code --warmup-hosts} other distinct hosts: JIT of the per-device path, collateral caches, the
 * CA certificates every device shares), as a service that has been up.
 *
 * <pre>{@code java -cp bench/target/benchmarks.jar org.openanolis.attestation.bench.load.BootStorm
 * [--hosts 1250] [--gpus 8] [--connections 64] [--warmup 200] [--wave 250] [--workers 0]
 * [--warmup-hosts 64] [--reboots 0] [--restart false] [--service-jvm false]}</pre>
 *
 * <p>{@code --reboots N} boots the same hosts N more times after the cold storm (fresh nonces and
 * evidence, the same devices): a fleet reboot, where the service has seen every device before and
 * its per-device caches (verified chains by exact bytes, key objects, OCSP answers within their
 * validity) apply. Revocation and every window are still judged per request.
 *
 * <p>{@code --restart true} restarts the service between the cold storm and the first reboot
 * (same data directory, database and log; new engines with empty caches): a site power event
 * where the service comes back with the fleet. The restarted service warms its per-device caches
 * from its log ({@code gpu_warm_start_entries}); the warm-up's time and CPU are printed. The
 * restart is in-process unless {@code --service-jvm true}.
 *
 * <p>{@code --service-jvm true} runs the service in a JVM of its own ({@code verifier serve} from
 * this class path, {@link ServiceProcess}); a restart is then a new process with a cold JIT, and
 * the service's CPU (with its JIT and GC threads) is reported apart from this JVM's (load
 * generator, simulated hosts and vendor services).
 */
public final class BootStorm {
    private static final Pattern NONCE = Pattern.compile("\"nonce\"\\s*:\\s*\"([^\"]+)\"");

    private BootStorm() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--hosts", "1250", "--gpus", "8", "--connections", "64",
                "--warmup", "200", "--workers", "0", "--wave", "250",
                "--warmup-hosts", "64", "--reboots", "0", "--restart", "false", "--service-jvm", "false"));
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
        // Distinct warm-up hosts: the cold per-device path (chain, OCSP) gets compiled before the
        // storm, as in a service that has seen devices before; none of them is in the storm.
        List<SimulatedHost> warm = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(a.get("--warmup-hosts")); i++) {
            warm.add(SimulatedHost.tdx(env).gpus(gpus).build());
        }
        System.out.printf("%d distinct TDX hosts with %d GPUs each built in %.1f s%n", hostCount, gpus,
                (System.nanoTime() - b0) / 1e9);
        int workers = Integer.parseInt(a.get("--workers"));
        boolean restart = Boolean.parseBoolean(a.get("--restart"));
        boolean ownJvm = Boolean.parseBoolean(a.get("--service-jvm"));
        Consumer<ServiceConfig> customize = c -> {
            c.rateLimitPerSecond = 0;
            c.workerPoolSize = workers;
        };
        Service service = ownJvm ? Service.ownJvm(env, customize) : Service.inProcess(env, customize);
        System.out.println(ownJvm ? "service: own JVM (verifier serve), pid " + service.pid()
                : "service: in this JVM (SimulatedDeployment)");
        try {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<SimulatedHost> warmHosts = new ArrayList<>();
                for (int i = 0; i < warmup; i++) {
                    warmHosts.add(warm.get(i % warm.size()));
                }
                List<Buffer> warmBodies = bodies(warmHosts, nonces(service.baseUri(), warmup, pool), pool);
                System.out.println("warm-up: " + LoadGenerator.run("127.0.0.1", service.port(), warmBodies,
                        connections, 0));

                int wave = Math.max(1, Integer.parseInt(a.get("--wave")));
                int reboots = Integer.parseInt(a.get("--reboots"));
                for (int round = 0; round <= reboots; round++) {
                    if (round == 1 && restart) {
                        double c0 = cpuSeconds();
                        long t0 = System.nanoTime();
                        service = service.restart();
                        double up = (System.nanoTime() - t0) / 1e9;
                        while (!service.warmStartFinished()) {
                            Thread.sleep(5);
                        }
                        System.out.printf("== service restarted in %.2f s (same database and log, new engines with empty caches%s); "
                                        + "warm start from the log: %s, done %.2f s after start; CPU: this JVM %.2f CPU-s%s%n", up,
                                ownJvm ? ", new JVM" : "", service.warmStartStatus(), (System.nanoTime() - t0) / 1e9 - up,
                                cpuSeconds() - c0, ownJvm ? String.format(", service JVM %.2f CPU-s (JIT %.2f)",
                                        service.cpuSeconds(), service.jitSeconds()) : "");
                    }
                    System.out.println(round == 0
                            ? "== storm 0: cold, every device is new to the service"
                            : "== storm " + round + ": fleet reboot, the same hosts again (devices seen before; fresh nonces and evidence)");
                    double nonceSeconds = 0;
                    double attestSeconds = 0;
                    double evidenceSeconds = 0;
                    double stormCpu = 0;
                    double serviceCpu = 0;
                    double serviceJit = 0;
                    double serviceGc = 0;
                    int ok = 0;
                    Map<String, Integer> failures = new java.util.TreeMap<>();
                    Map<String, Double> attestCpuByGroup = new java.util.TreeMap<>();
                    double attestCpuTotal = 0;
                    double attestJit = 0;
                    double attestGc = 0;
                    ThreadCpu serviceThreads0 = service.threadCpu();
                    double serviceCpu0 = service.cpuSeconds();
                    int ocsp0 = service.ocspRequests();
                    int rim0 = service.rimRequests();
                    for (int from = 0; from < hostCount; from += wave) {
                        List<SimulatedHost> waveHosts = hosts.subList(from, Math.min(hostCount, from + wave));
                        double c0 = cpuSeconds();
                        double s0 = service.cpuSeconds();
                        long n0 = System.nanoTime();
                        List<String> nonces = nonces(service.baseUri(), waveHosts.size(), pool);
                        nonceSeconds += (System.nanoTime() - n0) / 1e9;
                        stormCpu += cpuSeconds() - c0;
                        serviceCpu += service.cpuSeconds() - s0;
                        long e0 = System.nanoTime();
                        List<Buffer> bodies = bodies(waveHosts, nonces, pool);
                        evidenceSeconds += (System.nanoTime() - e0) / 1e9;
                        double c1 = cpuSeconds();
                        double s1 = service.cpuSeconds();
                        double sj1 = service.jitSeconds();
                        double sg1 = service.gcSeconds();
                        Map<String, Double> t1 = threadCpuByGroup();
                        double jit1 = jitSeconds();
                        double gc1 = gcSeconds();
                        LoadGenerator.Result r = LoadGenerator.run("127.0.0.1", service.port(), bodies, connections, 0);
                        double attestCpu = cpuSeconds() - c1;
                        stormCpu += attestCpu;
                        serviceCpu += service.cpuSeconds() - s1;
                        serviceJit += service.jitSeconds() - sj1;
                        serviceGc += service.gcSeconds() - sg1;
                        attestCpuTotal += attestCpu;
                        threadCpuByGroup().forEach((k, v) -> attestCpuByGroup.merge(k, v - t1.getOrDefault(k, 0.0),
                                Double::sum));
                        attestJit += jitSeconds() - jit1;
                        attestGc += gcSeconds() - gc1;
                        attestSeconds += r.seconds();
                        ok += r.ok();
                        r.failures().forEach((k, v) -> failures.merge(k, v, Integer::sum));
                        System.out.printf("  wave of %d hosts from %d: %s%n", waveHosts.size(), from, r);
                    }
                    System.out.printf("nonce phase: %d nonces in %.2f s (waves of %d)%n", hostCount, nonceSeconds, wave);
                    System.out.printf("attest phase: %d of %d OK in %.2f s (%.0f hosts/s, %.0f GPUs/s)%n", ok, hostCount,
                            attestSeconds, ok / attestSeconds, ok * (double) gpus / attestSeconds);
                    System.out.println("failures by reason: " + (failures.isEmpty() ? "none" : failures));
                    System.out.printf("(hosts' evidence generation between the phases, not counted: %.2f s)%n",
                            evidenceSeconds);
                    int cores = Runtime.getRuntime().availableProcessors();
                    System.out.printf("vendor requests during the storm: OCSP %d, RIM %d%n",
                            service.ocspRequests() - ocsp0, service.rimRequests() - rim0);
                    if (ownJvm) {
                        StringBuilder st = new StringBuilder();
                        service.threadCpu().since(serviceThreads0, service.cpuSeconds() - serviceCpu0, "(ended threads)")
                                .forEach((k, v) -> {
                                    if (v >= 0.05) {
                                        st.append(String.format(" [%s]=%.2f", k, v));
                                    }
                                });
                        System.out.println("service JVM CPU-s by thread (storm, incl. the phases between waves):" + st);
                        System.out.printf("service JVM CPU during nonce + attest phases: %.2f CPU-s (%.1f ms per host; "
                                        + "JIT %.2f, GC %.2f in the attest phases)%n", serviceCpu,
                                serviceCpu * 1000 / hostCount, serviceJit, serviceGc);
                    }
                    System.out.printf("%s CPU during nonce + attest phases: %.2f CPU-s (%.1f ms per host; %s; "
                                    + "%d cores x %.2f s = %.2f available)%n",
                            ownJvm ? "bench JVM" : "process", stormCpu, stormCpu * 1000 / hostCount,
                            ownJvm ? "load generator, simulated vendor services" : "service, client and simulated vendor services together",
                            cores, nonceSeconds + attestSeconds, cores * (nonceSeconds + attestSeconds));
                    StringBuilder groups = new StringBuilder();
                    attestCpuByGroup.forEach((k, v) -> groups.append(String.format(" %s=%.2f", k, v)));
                    double grouped = attestCpuByGroup.values().stream().mapToDouble(Double::doubleValue).sum();
                    System.out.printf("attest phase CPU-s of %s %.2f by thread group:%s load-generator+short-lived=%.2f%n",
                            ownJvm ? "the bench JVM" : "this JVM", attestCpuTotal, groups, attestCpuTotal - grouped);
                    System.out.printf("  of which JVM-internal threads: JIT compilers %.2f CPU-s, garbage collector %.2f CPU-s%n",
                            attestJit, attestGc);
                    System.out.printf("boot storm: %d of %d hosts (%d GPUs) attested in %.2f s (nonce %.2f s + attest %.2f s)%n",
                            ok, hostCount, ok * gpus, nonceSeconds + attestSeconds, nonceSeconds, attestSeconds);
                }
                if (!ownJvm) {
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    System.out.printf("heap in use after the storms (after System.gc()): %.0f MB%n",
                            (rt.totalMemory() - rt.freeMemory()) / 1e6);
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            service.close();
        }
        System.out.println("load average at end: " + loadAverage());
    }

    /** The service under test: in this JVM, or in a JVM of its own ({@code --service-jvm true}). */
    private interface Service extends AutoCloseable {
        int port();

        URI baseUri();

        long pid();

        /** Stops the service and starts it again on the same data directory (database, log, keys). */
        Service restart() throws Exception;

        boolean warmStartFinished() throws Exception;

        String warmStartStatus() throws Exception;

        /** CPU seconds of the service's own process so far; 0 when it shares this JVM. */
        double cpuSeconds();

        double jitSeconds();

        double gcSeconds();

        /** The service's own process's threads now; null when it shares this JVM. */
        ThreadCpu threadCpu();

        int ocspRequests();

        int rimRequests();

        @Override
        void close();

        static Service inProcess(SimulatedEnvironment env, Consumer<ServiceConfig> customize) throws Exception {
            return new InProcess(SimulatedDeployment.start(env, Clock.systemUTC(), customize));
        }

        static Service ownJvm(SimulatedEnvironment env, Consumer<ServiceConfig> customize) throws Exception {
            Path dir = java.nio.file.Files.createTempDirectory("boot-storm");
            VendorServices vendors = env.startServices(Clock.systemUTC());
            try {
                ServiceConfig c = SimulatedDeployment.config(env, dir, vendors);
                customize.accept(c);
                return new OwnJvm(ServiceProcess.start(c, dir), vendors);
            } catch (Exception | Error e) {
                vendors.close();
                throw e;
            }
        }
    }

    private record InProcess(SimulatedDeployment d) implements Service {
        public int port() {
            return d.port();
        }

        public URI baseUri() {
            return d.baseUri();
        }

        public long pid() {
            return ProcessHandle.current().pid();
        }

        public Service restart() throws Exception {
            return new InProcess(d.restart());
        }

        public boolean warmStartFinished() {
            return d.service().warmStart().finished();
        }

        public String warmStartStatus() {
            return d.service().warmStart().status().toString();
        }

        public double cpuSeconds() {
            return 0;
        }

        public double jitSeconds() {
            return 0;
        }

        public double gcSeconds() {
            return 0;
        }

        public ThreadCpu threadCpu() {
            return null;
        }

        public int ocspRequests() {
            return d.vendors().ocspResponder().requestCount();
        }

        public int rimRequests() {
            return d.vendors().rimRequests();
        }

        public void close() {
            d.close();
        }
    }

    private record OwnJvm(ServiceProcess p, VendorServices vendors) implements Service {
        public int port() {
            return p.port();
        }

        public URI baseUri() {
            return p.baseUri();
        }

        public long pid() {
            return p.pid();
        }

        public Service restart() throws Exception {
            return new OwnJvm(p.restart(), vendors);
        }

        public boolean warmStartFinished() throws Exception {
            String state = p.warmStart().path("state").asText();
            return !state.equals("pending") && !state.equals("running");
        }

        public String warmStartStatus() throws Exception {
            return p.warmStart().toString();
        }

        public double cpuSeconds() {
            return p.cpuSeconds();
        }

        public double jitSeconds() {
            return p.jitSeconds();
        }

        public double gcSeconds() {
            return p.gcSeconds();
        }

        public ThreadCpu threadCpu() {
            return ThreadCpu.snapshot(p.pid());
        }

        public int ocspRequests() {
            return vendors.ocspResponder().requestCount();
        }

        public int rimRequests() {
            return vendors.rimRequests();
        }

        public void close() {
            try {
                p.close();
            } finally {
                vendors.close();
            }
        }
    }

    /** {@code n} nonces fetched concurrently over HTTP, as booting hosts would. */
    private static List<String> nonces(URI service, int n, ExecutorService pool) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = service.resolve("/v1/nonce");
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

    /**
     * CPU seconds of the live threads by group: the service's workers and event loops, the
     * simulated OCSP responder and other vendor services, the load generator, the rest.
     */
    private static Map<String, Double> threadCpuByGroup() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Double> out = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns < 0) {
                continue;
            }
            String n = t.getThreadName();
            String g = n.startsWith("loopback-ocsp") ? "vendor-ocsp"
                    : n.startsWith("attestation-workers") ? "service-workers"
                    : n.startsWith("vert.x-eventloop") ? "vertx-eventloops"
                    : n.startsWith("HttpClient") ? "jdk-httpclient"
                    : n.startsWith("pool-") ? "bench-pool"
                    : "other";
            out.merge(g, ns / 1e9, Double::sum);
        }
        return out;
    }

    /** CPU seconds of the JIT compiler threads so far. */
    private static double jitSeconds() {
        return ProcCpu.ownThreads("C2 CompilerThre", "C1 CompilerThre");
    }

    /** CPU seconds of the garbage collector threads so far. */
    private static double gcSeconds() {
        return ProcCpu.ownThreads("GC Thread", "G1 ");
    }

    /** CPU time of this whole process (all threads: service, client, simulated vendor services). */
    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}

package org.openanolis.attestation.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP load generator for {@code POST /v1/attest} with pre-built request bodies (evidence is
 * signed before the run, so the generator spends its CPU on HTTP only). Two modes:
 * <ul>
 *   <li>closed loop: {@code connections} requests in flight until all bodies are sent (maximum
 *       throughput);</li>
 *   <li>open loop: requests started at a fixed {@code rate} per second regardless of answers, so
 *       latency includes queueing (the honest p99 at an offered load).</li>
 * </ul>
 * Latencies are measured from the scheduled start in open-loop mode (no coordinated omission).
 */
public final class LoadGenerator {
    /** What one run measured. */
    public record Result(int sent, int ok, int failed, double seconds, double throughput,
                         double p50Millis, double p99Millis, double maxMillis, Map<String, Integer> failures) {
        @Override
        public String toString() {
            return String.format("sent=%d ok=%d failed=%d time=%.2fs throughput=%.0f/s p50=%.1fms p99=%.1fms max=%.1fms",
                    sent, ok, failed, seconds, throughput, p50Millis, p99Millis, maxMillis)
                    + (failures.isEmpty() ? "" : " failures=" + failures);
        }
    }

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

    /** "HTTP 503 COLLATERAL_MISSING", "HTTP 403 CERT_REVOKED", or the transport error's class. */
    private static String failureKey(io.vertx.core.AsyncResult<Map.Entry<Integer, Buffer>> ar) {
        if (ar.failed()) {
            return "transport " + ar.cause().getClass().getSimpleName();
        }
        java.util.regex.Matcher m = CODE.matcher(ar.result().getValue().toString());
        return "HTTP " + ar.result().getKey() + (m.find() ? " " + m.group(1) : "");
    }

    private LoadGenerator() {}

    /**
     * Sends every body once.
     *
     * @param rate 0 for closed loop, otherwise requests started per second
     */
    public static Result run(String host, int port, List<Buffer> bodies, int connections, double rate)
            throws InterruptedException {
        return run(host, new int[] {port}, bodies, connections, rate);
    }

    /**
     * Sends every body once, body {@code i} to {@code ports[i % ports.length]} (several replicas);
     * {@code connections} is the total over all ports.
     */
    public static Result run(String host, int[] ports, List<Buffer> bodies, int connections, double rate)
            throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host)
                    .setDefaultPort(ports[0]).setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(Math.max(1, (connections + ports.length - 1) / ports.length)));
            int n = bodies.size();
            long[] latencies = new long[n];
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Map<String, Integer> failures = new java.util.concurrent.ConcurrentSkipListMap<>();
            AtomicInteger next = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(n);
            long t0 = System.nanoTime();
            AtomicLong end = new AtomicLong();
            Runnable[] sendNext = new Runnable[1];
            java.util.function.IntConsumer send = i -> {
                long scheduled = rate > 0 ? t0 + (long) (i * 1e9 / rate) : System.nanoTime();
                client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/attest")
                                .setHost(host).setPort(ports[i % ports.length])
                                .putHeader("Content-Type", "application/json"))
                        .compose(req -> req.send(bodies.get(i)))
                        .compose(resp -> resp.body().map(b -> Map.entry(resp.statusCode(), b)))
                        .onComplete(ar -> {
                            latencies[i] = System.nanoTime() - scheduled;
                            if (ar.succeeded() && ar.result().getKey() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                failures.merge(failureKey(ar), 1, Integer::sum);
                            }
                            end.set(System.nanoTime());
                            done.countDown();
                            if (rate <= 0) {
                                sendNext[0].run();
                            }
                        });
            };
            sendNext[0] = () -> {
                int i = next.getAndIncrement();
                if (i < n) {
                    send.accept(i);
                }
            };
            if (rate <= 0) {
                for (int c = 0; c < Math.min(connections, n); c++) {
                    vertx.runOnContext(v -> sendNext[0].run());
                }
            } else {
                long periodNanos = (long) (1e9 / rate);
                long timer = vertx.setPeriodic(1, id -> {
                    long due = (System.nanoTime() - t0) / Math.max(1, periodNanos) + 1;
                    while (next.get() < Math.min(due, n)) {
                        send.accept(next.getAndIncrement());
                    }
                });
                done.await(10, TimeUnit.MINUTES);
                vertx.cancelTimer(timer);
            }
            done.await(10, TimeUnit.MINUTES);
            double seconds = (end.get() - t0) / 1e9;
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            return new Result(n, ok.get(), failed.get(), seconds, ok.get() / seconds,
                    sorted[(int) (n * 0.50)] / 1e6, sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e6, sorted[n - 1] / 1e6, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(failures)));
        } finally {
            Future<Void> f = vertx.close();
            f.toCompletionStage().toCompletableFuture().join();
        }
    }

    /**
     * The load generator as a process of its own (so that its Vert.x client does not share the
     * service's JIT profiles and CPU accounting). Reads commands on stdin, one per line:
     * {@code run <bodies file> <host> <port> <connections> <rate>} answers one line
     * {@code result <sent> <ok> <failed> <seconds> <p50 ms> <p99 ms> <max ms> <cpu seconds>}, where
     * the CPU is this process's during the run; {@code quit} ends. A bodies file is a sequence of
     * (4-byte big-endian length, body) records; files are read once and kept.
     */
    public static void main(String[] args) throws Exception {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        java.util.Map<String, List<Buffer>> files = new java.util.HashMap<>();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (String line; (line = in.readLine()) != null; ) {
            String[] c = line.trim().split(" ");
            if (c[0].equals("quit")) {
                return;
            }
            if (!c[0].equals("run") || c.length != 6) {
                System.out.println("error unknown command: " + line);
                System.out.flush();
                continue;
            }
            List<Buffer> bodies = files.computeIfAbsent(c[1], LoadGenerator::readBodies);
            long cpu0 = os.getProcessCpuTime();
            Result r = run(c[2], Integer.parseInt(c[3]), bodies, Integer.parseInt(c[4]), Double.parseDouble(c[5]));
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "result %d %d %d %.6f %.6f %.6f %.6f %.6f%n", r.sent(), r.ok(),
                    r.failed(), r.seconds(), r.p50Millis(), r.p99Millis(), r.maxMillis(), cpu);
            System.out.flush();
        }
    }

    /** Writes {@code bodies} in the format {@link #main} reads. */
    static void writeBodies(java.nio.file.Path file, List<Buffer> bodies) throws java.io.IOException {
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                java.nio.file.Files.newOutputStream(file), 1 << 16))) {
            for (Buffer b : bodies) {
                byte[] bytes = b.getBytes();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    private static List<Buffer> readBodies(String file) {
        List<Buffer> out = new java.util.ArrayList<>();
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                java.nio.file.Files.newInputStream(java.nio.file.Path.of(file)), 1 << 16))) {
            while (true) {
                int n;
                try {
                    n = in.readInt();
                } catch (java.io.EOFException end) {
                    return out;
                }
                byte[] b = new byte[n];
                in.readFully(b);
                out.add(Buffer.buffer(b));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

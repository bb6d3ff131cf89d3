package org.openanolis.attestation.bench.gpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.simulator.gpu.OcspResponseFactory;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.VendorServices;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.gpu.CachingOcspSource;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.HttpOcspSource;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.RimSource;

/**
 * CPU per GPU that is new to the service (issue #9's cold boot storm), without HTTP in front of
 * the engines and on one thread, so the figure is thread CPU time and barely depends on the load
 * of the box: {@code --devices} distinct simulated Hopper GPUs (fresh device keys and
 * certificates each) are verified once through {@link EngineEvidenceVerifiers#verifyGpu} (PEM
 * parse cache, device chain, report signature, FWID, nonce, OCSP of the device chain, RIMs,
 * measurements), then once more with fresh nonces (the same devices: a fleet reboot).
 *
 * <p>OCSP variants ({@code --ocsp}, comma-separated, each measured in turn):
 * <ul>
 *   <li>{@code off}: no revocation check;</li>
 *   <li>{@code direct}: a nonce-echoing responder called in-process (no HTTP) behind the
 *       service's {@link CachingOcspSource}; the responder's own signing is timed and subtracted;</li>
 *   <li>{@code http}: the service's stack, {@link CachingOcspSource} over {@link HttpOcspSource}
 *       to the simulator's loopback responder; the JDK HttpClient's own threads and the responder
 *       threads are reported separately.</li>
 * </ul>
 * Every result is checked (OCSP {@code good} unless off, measurements {@code success}); a run
 * with any other outcome fails. Each variant first verifies {@code --warmup} other new devices
 * (JIT), none of which is measured.
 *
 * <pre>{@code java -cp bench/target/benchmarks.jar org.openanolis.attestation.bench.gpu.ColdDeviceCpu
 * [--devices 2000] [--warmup 3000] [--ocsp off,direct,http]}</pre>
 */
public final class ColdDeviceCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private ColdDeviceCpu() {}

    /** One device's evidence for the cold pass and for the reboot pass. */
    private record Device(GpuEvidence cold, byte[] coldNonce, GpuEvidence reboot, byte[] rebootNonce) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--devices", "2000", "--warmup", "3000",
                "--ocsp", "off,direct,http"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!a.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            a.put(args[i], args[i + 1]);
        }
        int devices = Integer.parseInt(a.get("--devices"));
        int warmup = Integer.parseInt(a.get("--warmup"));
        String[] variants = a.get("--ocsp").split(",");
        System.out.println("load average at start: " + loadAverage());
        SimulatedEnvironment env = SimulatedEnvironment.create();
        Path dir = Files.createTempDirectory("cold-device-anchors");
        TrustAnchors anchors = TrustAnchors.fromDirectory(env.writeTrustAnchors(dir));
        VerificationContext ctx = new VerificationContext(Clock.systemUTC(), anchors);
        Map<String, byte[]> rimDocs = env.rims();
        // As the service's RIM cache: the same array for every request.
        RimSource rims = (kind, id) -> Optional.ofNullable(rimDocs.get(id));

        long g0 = System.nanoTime();
        List<List<Device>> sets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (String ignored : variants) {
                sets.add(generate(env, warmup + devices, pool));
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf("%d new devices per variant generated in %.1f s (before any measurement)%n",
                warmup + devices, (System.nanoTime() - g0) / 1e9);

        try (VendorServices vendors = env.startServices(Clock.systemUTC())) {
            for (int v = 0; v < variants.length; v++) {
                String variant = variants[v].trim();
                AtomicLong responderNs = new AtomicLong();
                OcspSource ocsp;
                OcspMode mode;
                switch (variant) {
                    case "off" -> {
                        ocsp = OcspSource.none();
                        mode = OcspMode.OFF;
                    }
                    case "direct" -> {
                        ocsp = new CachingOcspSource(inProcessResponder(env, responderNs), Clock.systemUTC(),
                                Duration.ofHours(1));
                        mode = OcspMode.BEST_EFFORT;
                    }
                    case "http" -> {
                        ocsp = new CachingOcspSource(new HttpOcspSource(vendors.ocspUrl(), Duration.ofSeconds(5)),
                                Clock.systemUTC(), Duration.ofHours(1));
                        mode = OcspMode.BEST_EFFORT;
                    }
                    default -> throw new IllegalArgumentException("--ocsp: off, direct or http, not " + variant);
                }
                EngineEvidenceVerifiers engines = new EngineEvidenceVerifiers(null, null,
                        GpuEvidenceVerifier.builder().build(), rims, ocsp, mode);
                List<Device> set = sets.get(v);
                for (Device d : set.subList(0, warmup)) {
                    check(engines.verifyGpu(d.cold(), d.coldNonce(), ctx), mode);
                }
                List<Device> measured = set.subList(warmup, set.size());
                for (String pass : List.of("cold", "reboot")) {
                    boolean cold = pass.equals("cold");
                    responderNs.set(0);
                    Map<String, Long> others0 = otherThreads();
                    long t0 = MX.getCurrentThreadCpuTime();
                    for (Device d : measured) {
                        VerifiedEvidence r = cold ? engines.verifyGpu(d.cold(), d.coldNonce(), ctx)
                                : engines.verifyGpu(d.reboot(), d.rebootNonce(), ctx);
                        check(r, mode);
                    }
                    long caller = MX.getCurrentThreadCpuTime() - t0;
                    Map<String, Long> others = since(others0, otherThreads());
                    double perDevice = (caller - responderNs.get()) / 1e3 / measured.size();
                    System.out.printf("ocsp=%-6s %-6s %d devices: %7.1f us CPU per device on the calling thread%s%s%n",
                            variant, pass, measured.size(), perDevice,
                            responderNs.get() == 0 ? "" : String.format(" (in-process responder's %.1f us per device"
                                    + " subtracted)", responderNs.get() / 1e3 / measured.size()),
                            others.isEmpty() ? "" : "; other threads per device:" + perDeviceText(others, measured.size()));
                }
            }
        }
        System.out.println("load average at end: " + loadAverage());
    }

    private static List<Device> generate(SimulatedEnvironment env, int n, ExecutorService pool) throws Exception {
        List<Future<Device>> fs = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < n; i++) {
            byte[] n1 = new byte[32];
            byte[] n2 = new byte[32];
            random.nextBytes(n1);
            random.nextBytes(n2);
            fs.add(pool.submit(() -> {
                SimulatedNvidiaDevice d = env.newGpu(SimulatedEnvironment.DRIVER_VERSION, Map.of());
                byte[] pem = d.credentials().chainPem();
                return new Device(new GpuEvidence(d.arch().tee(), d.report(n1), pem), n1,
                        new GpuEvidence(d.arch().tee(), d.report(n2), pem), n2);
            }));
        }
        List<Device> out = new ArrayList<>(n);
        for (Future<Device> f : fs) {
            out.add(f.get());
        }
        return out;
    }

    /** Fails the run unless the device verified with OCSP good (or off) and matching measurements. */
    private static void check(VerifiedEvidence r, OcspMode mode) {
        Map<String, Object> claims = r.claims();
        Object measured = claims.get("measurement_result");
        @SuppressWarnings("unchecked")
        Map<String, Object> ocsp = (Map<String, Object>) claims.get("ocsp");
        @SuppressWarnings("unchecked")
        Map<String, Object> chain = ocsp == null ? null : (Map<String, Object>) ocsp.get("device_chain");
        String status = chain == null ? null : String.valueOf(chain.get("status"));
        String want = mode == OcspMode.OFF ? "not_checked" : "good";
        if (!"success".equals(measured) || !want.equals(status)) {
            throw new IllegalStateException("unexpected outcome: measurements " + measured + ", device-chain OCSP "
                    + status + " (" + chain + ")");
        }
    }

    /**
     * A nonce-echoing responder for the NVIDIA test CAs, called in-process: what the loopback
     * responder answers, without HTTP. Its CPU time (on the caller's thread) is added to
     * {@code spentNs}, so that the caller can subtract it.
     */
    private static OcspSource inProcessResponder(SimulatedEnvironment env, AtomicLong spentNs) {
        return query -> {
            long t0 = MX.getCurrentThreadCpuTime();
            try {
                OCSPReq req = new OCSPReq(query.requestDer());
                Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
                X509Certificate issuer = query.issuer();
                Instant now = Instant.now();
                return Optional.of(new OcspSource.Answer(OcspResponseFactory.response(query.subject().getSerialNumber(),
                        issuer, env.nvidiaPki().keyOf(issuer), null, new OcspResponseFactory.Status.Good(), now,
                        now.plus(Duration.ofDays(1)), nonce), true));
            } finally {
                spentNs.addAndGet(MX.getCurrentThreadCpuTime() - t0);
            }
        };
    }

    /** CPU time (ns) of the JDK HttpClient's threads and the loopback responder's, by group. */
    private static Map<String, Long> otherThreads() {
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo t : MX.getThreadInfo(MX.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            String n = t.getThreadName();
            String g = n.startsWith("HttpClient") ? "jdk-httpclient" : n.startsWith("loopback-ocsp") ? "responder" : null;
            long ns = MX.getThreadCpuTime(t.getThreadId());
            if (g != null && ns > 0) {
                out.merge(g, ns, Long::sum);
            }
        }
        return out;
    }

    private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    private static String perDeviceText(Map<String, Long> ns, int devices) {
        StringBuilder b = new StringBuilder();
        ns.forEach((k, v) -> b.append(String.format(" %s %.1f us", k, v / 1e3 / devices)));
        return b.toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}

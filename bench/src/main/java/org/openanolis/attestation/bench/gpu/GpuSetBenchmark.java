package org.openanolis.attestation.bench.gpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openanolis.attestation.bench.BenchData;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.gpu.SwidRimBuilder;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.gpu.GpuDeviceResult;
import org.openanolis.attestation.verifier.gpu.GpuEvidence;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.RimKind;
import org.openanolis.attestation.verifier.gpu.StaticRimSource;
import org.openanolis.attestation.verifier.gpu.GpuArchitecture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An 8-GPU evidence set verified end to end (parse, cached device chain and leaf key object,
 * P-384 report signature, FWID, nonce, cached RIMs, measurement comparison; OCSP off) per
 * operation. Two sets: eight distinct simulated H100s (eight leaf keys in the cache), and eight
 * copies of a real H100 report (nvtrust 545.00, judged at 2024-06-01).
 *
 * <p>JMH's score is wall-clock; each iteration also prints "sets per CPU-second" from the
 * benchmark thread's CPU time, the figure {@code perf-limits.md} uses on this shared machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GpuSetBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final GpuEvidenceVerifier verifier = GpuEvidenceVerifier.builder().build();
    private List<GpuEvidence> simulatedSet;
    private byte[] simulatedNonce;
    private StaticRimSource simulatedRims;
    private VerificationContext simulatedCtx;
    private List<GpuEvidence> realSet;
    private byte[] realNonce;
    private StaticRimSource realRims;
    private VerificationContext realCtx;
    private long cpuStart;
    private long ops;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        NvidiaTestPki pki = NvidiaTestPki.create(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        Path anchorsDir = pki.writeTrustAnchors(Files.createTempDirectory("gpu-bench"));
        simulatedCtx = new VerificationContext(Clock.fixed(now, ZoneOffset.UTC), TrustAnchors.fromDirectory(anchorsDir));
        try (java.util.stream.Stream<Path> files = Files.walk(anchorsDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        simulatedNonce = new byte[32];
        new SecureRandom().nextBytes(simulatedNonce);
        SimulatedNvidiaDevice first = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(pki);
        SimulatedNvidiaDevice.Builder same = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER);
        first.measurements().forEach(same::measurement);
        simulatedSet = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SimulatedNvidiaDevice d = i == 0 ? first : same.build(pki);
            simulatedSet.add(GpuEvidence.fromPem("nvgpu", GpuArchitecture.HOPPER, d.report(simulatedNonce),
                    d.credentials().chainPem()));
        }
        NvidiaTestPki.RimSigner signer = pki.rimSigner();
        Map<RimKind, byte[]> rims = new EnumMap<>(RimKind.class);
        rims.put(RimKind.DRIVER, SwidRimBuilder.driverRim(first).sign(signer));
        rims.put(RimKind.VBIOS, SwidRimBuilder.vbiosRim(first).sign(signer));
        simulatedRims = new StaticRimSource(rims);

        Path real = BenchData.testdata().resolve("gpu/nvtrust-v1-2023-h100-545.00");
        byte[] report = Hex.decode(Files.readString(real.resolve("report.hex"), StandardCharsets.US_ASCII));
        byte[] chain = Files.readAllBytes(real.resolve("cert_chain.pem"));
        realNonce = Hex.decode("4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e");
        realSet = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            realSet.add(GpuEvidence.fromPem("nvgpu", null, report, chain));
        }
        Map<RimKind, byte[]> realRimDocs = new EnumMap<>(RimKind.class);
        realRimDocs.put(RimKind.DRIVER, Files.readAllBytes(real.resolve("Driver_RIM_test_no_gpu.swidtag")));
        realRimDocs.put(RimKind.VBIOS, Files.readAllBytes(real.resolve("1010_0200_882_96005E0001_test_no_gpu.swidtag")));
        realRims = new StaticRimSource(realRimDocs);
        realCtx = new VerificationContext(Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC),
                TrustAnchors.builtIn());

        check(eightSimulatedGpus());
        check(eightRealH100Reports());
    }

    private static void check(List<GpuDeviceResult> results) {
        for (GpuDeviceResult r : results) {
            if (!r.passed()) {
                throw new IllegalStateException("benchmark set does not verify: " + r.failure().get().getMessage());
            }
        }
    }

    @Setup(Level.Iteration)
    public void startCpuClock() {
        cpuStart = THREADS.getCurrentThreadCpuTime();
        ops = 0;
    }

    @TearDown(Level.Iteration)
    public void reportCpuRate() {
        double seconds = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.printf("%n[gpu-bench] %.0f sets per CPU-second (%d sets, %.2f s CPU)%n", ops / seconds, ops, seconds);
    }

    /** Eight distinct simulated H100s, one nonce, cached leaf keys and RIMs. */
    @Benchmark
    public List<GpuDeviceResult> eightSimulatedGpus() {
        ops++;
        return verifier.verifyAll(simulatedSet, simulatedNonce, simulatedRims, OcspSource.none(), OcspMode.OFF,
                simulatedCtx);
    }

    /** Eight copies of NVIDIA's real 2023 H100 report with its test RIMs. */
    @Benchmark
    public List<GpuDeviceResult> eightRealH100Reports() {
        ops++;
        return verifier.verifyAll(realSet, realNonce, realRims, OcspSource.none(), OcspMode.OFF, realCtx);
    }
}

package org.openanolis.attestation.bench.peers;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openanolis.attestation.bench.BenchData;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.snp.SnpCollateral;
import org.openanolis.attestation.verifier.snp.SnpReportVerifier;
import org.openanolis.attestation.verifier.tdx.BundleTdxCollateralSource;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;
import org.openanolis.attestation.verifier.tdx.TdxQuoteVerifier;

/**
 * Our side of the peer comparison ({@code bench/peers/run.sh}), measured with the same loop as the
 * node scripts of the peers ({@code bench/peers/common.mjs}): a warm-up, then a fixed wall-clock
 * window on one thread, reporting operations per CPU-second of the measuring thread
 * ({@link ThreadMXBean}), per CPU-second of the whole JVM (JIT and GC threads included, the
 * counterpart of node's {@code process.cpuUsage()}) and per wall-second. One JSON line per case.
 *
 * <p>Cases: {@link TdxQuoteVerifier} on each named TDX/SGX bundle with its collateral verified
 * once and cached (the peer {@code @phala/dcap-qvl} gets the same collateral), and
 * {@link SnpReportVerifier} on {@code snp/oak_genoa_v5} with the VCEK object reused (the peer
 * {@code @tinfoilsh/verifier} gets the same VCEK). Each first call must verify, or the run stops.
 *
 * <p>Run from the repository root after {@code mvn -q -o package -DskipTests}:
 * {@code java -cp bench/target/benchmarks.jar org.openanolis.attestation.bench.peers.PeerComparison 10 near-v4-20a06f-uptodate}
 */
public final class PeerComparison {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final double WARMUP_SECONDS = 5;

    /** One verification call; it throws when the vector does not verify. */
    @FunctionalInterface
    interface Operation {
        Object run() throws Exception;
    }

    private PeerComparison() {}

    /**
     * Arguments: the measured seconds per case, then the TDX/SGX bundle names under
     * {@code testdata/tdx} (default {@code near-v4-20a06f-uptodate}).
     */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        List<String> tdxBundles = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : List.of("near-v4-20a06f-uptodate");
        for (String name : tdxBundles) {
            measure("tdx/" + name + "/TdxQuoteVerifier.verify (collateral cached)", tdx(name), seconds);
        }
        measure("snp/oak_genoa_v5/SnpReportVerifier.verify (VEK cached)", snp(), seconds);
    }

    private static Operation tdx(String name) throws Exception {
        AttestationBundle bundle = AttestationBundle.read(BenchData.testdata().resolve("tdx").resolve(name));
        byte[] quote = bundle.evidence("quote").orElseThrow();
        TeeType tee = "sgx".equals(bundle.tee()) ? TeeType.SGX : TeeType.TDX;
        TdxCollateral collateral = BundleTdxCollateralSource.of(bundle).collateral();
        VerificationContext context = new VerificationContext(
                Clock.fixed(bundle.verifyAt().orElseThrow(), ZoneOffset.UTC), TrustAnchors.builtIn());
        TdxQuoteVerifier verifier = new TdxQuoteVerifier();
        VerifiedEvidence first = verifier.verify(quote, tee, collateral, context);
        System.err.printf("# %s: %s %s%n", name, first.tcbStatus(), first.advisoryIds());
        return () -> verifier.verify(quote, tee, collateral, context);
    }

    private static Operation snp() throws Exception {
        Path dir = BenchData.testdata().resolve("snp").resolve("oak_genoa_v5");
        AttestationBundle bundle = AttestationBundle.read(dir);
        byte[] report = bundle.evidence("report").orElseThrow();
        SnpCollateral collateral = SnpCollateral.ofVek(Certificates.parseCertificate(
                Files.readAllBytes(dir.resolve("vcek.der")), ReasonCode.COLLATERAL_INVALID, "vek"));
        VerificationContext context = new VerificationContext(
                Clock.fixed(bundle.verifyAt().orElseThrow(), ZoneOffset.UTC), TrustAnchors.builtIn());
        SnpReportVerifier verifier = new SnpReportVerifier();
        verifier.verify(report, collateral, context);
        return () -> verifier.verify(report, collateral, context);
    }

    private static void measure(String name, Operation op, double seconds) throws Exception {
        loop(op, WARMUP_SECONDS);
        long processCpuStart = processCpuNanos();
        Loop m = loop(op, seconds);
        long processCpu = processCpuNanos() - processCpuStart;
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String line = String.format(Locale.ROOT,
                "{\"name\":\"%s\",\"ops\":%d,\"cpu_seconds\":%.3f,\"process_cpu_seconds\":%.3f,\"wall_seconds\":%.3f,"
                        + "\"ops_per_cpu_second\":%.1f,\"ops_per_process_cpu_second\":%.1f,\"ops_per_wall_second\":%.1f,"
                        + "\"loadavg_1m\":%.2f}",
                name, m.ops, m.threadCpuNanos / 1e9, processCpu / 1e9, m.wallNanos / 1e9,
                m.ops * 1e9 / m.threadCpuNanos, m.ops * 1e9 / processCpu, m.ops * 1e9 / m.wallNanos, load);
        System.out.println(line);
    }

    private record Loop(long ops, long threadCpuNanos, long wallNanos) {}

    private static Loop loop(Operation op, double seconds) throws Exception {
        long wallStart = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long deadline = wallStart + (long) (seconds * 1e9);
        long ops = 0;
        Object sink = null;
        while (System.nanoTime() < deadline) {
            sink = op.run();
            ops++;
        }
        if (sink == null) {
            throw new IllegalStateException("no result");
        }
        return new Loop(ops, THREADS.getCurrentThreadCpuTime() - cpuStart, System.nanoTime() - wallStart);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}

package org.openanolis.attestation.bench.snp;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.bench.BenchData;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.parsers.snp.SnpReport;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.snp.BundleSnpCollateralSource;
import org.openanolis.attestation.verifier.snp.SnpCollateral;
import org.openanolis.attestation.verifier.snp.SnpReportVerifier;
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
 * SEV-SNP report verification on the real Genoa v5 report ({@code testdata/snp/oak_genoa_v5}):
 *
 * <ul>
 *   <li>{@code verifyCachedVek}: the full {@link SnpReportVerifier} path (parse, kind, product,
 *       cached chain + VEK key, validity windows, TCB and chip binding, SHA-384, P-384 verify,
 *       claims) with the collateral object reused, as the service does with cached KDS answers;</li>
 *   <li>{@code bareP384Verify}: one P-384 verification with a cached key on BC's custom curve, the floor;</li>
 *   <li>{@code bareP384VerifyGenericCurve}: the same on the generic curve of {@code Ecdsa.P384};</li>
 *   <li>{@code verifyFromBundleFiles}: the bundle source, which re-decodes the certificate from
 *       bytes on every call (what the offline CLI pays).</li>
 * </ul>
 *
 * Each iteration also prints operations per CPU-second of the benchmark thread (the machine is
 * shared, so wall-clock scores understate): run with one thread. Run from the repository root:
 * {@code java -jar bench/target/benchmarks.jar SnpVerifyBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s -t 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SnpVerifyBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SnpReportVerifier verifier;
    private byte[] report;
    private SnpCollateral collateral;
    private VerificationContext context;
    private BundleSnpCollateralSource bundleSource;
    private static final ECDomainParameters P384_CUSTOM;

    static {
        X9ECParameters p = CustomNamedCurves.getByName("secp384r1");
        P384_CUSTOM = new ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH(), p.getSeed());
    }

    private ECPublicKeyParameters vekKey;
    private ECPublicKeyParameters genericVekKey;
    private byte[] digest;
    private SnpReport parsed;

    private long ops;
    private long cpuStart;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path dir = BenchData.testdata().resolve("snp").resolve("oak_genoa_v5");
        report = Files.readAllBytes(dir.resolve("report.bin"));
        var vek = Certificates.parseCertificate(Files.readAllBytes(dir.resolve("vcek.der")),
                ReasonCode.COLLATERAL_INVALID, "vek");
        collateral = SnpCollateral.ofVek(vek);
        context = new VerificationContext(Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC),
                TrustAnchors.builtIn());
        bundleSource = new BundleSnpCollateralSource(AttestationBundle.read(dir));
        verifier = new SnpReportVerifier();
        verifier.verify(report, collateral, context); // fails loudly if the vector does not verify
        vekKey = Ecdsa.certificateKey(vek, P384_CUSTOM, ReasonCode.CERT_CHAIN_INVALID, "vek");
        genericVekKey = Ecdsa.certificateKey(vek, Ecdsa.P384, ReasonCode.CERT_CHAIN_INVALID, "vek");
        parsed = SnpReport.parse(report);
        digest = Digests.sha384(Arrays.copyOf(report, SnpReport.SIGNED_LENGTH));
    }

    @Setup(Level.Iteration)
    public void startCpuClock() {
        ops = 0;
        cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void printPerCpuSecond() {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        if (cpu > 0) {
            System.out.printf("  [cpu] %.0f ops per CPU-second of the benchmark thread (%d ops, %.3f CPU-s)%n",
                    ops * 1e9 / cpu, ops, cpu / 1e9);
        }
    }

    @Benchmark
    public VerifiedEvidence verifyCachedVek() throws Exception {
        ops++;
        return verifier.verify(report, collateral, context);
    }

    @Benchmark
    public ECPublicKeyParameters bareP384Verify() throws Exception {
        ops++;
        Ecdsa.verifyDigest(vekKey, digest, parsed.signatureR(), parsed.signatureS(), "report.signature");
        return vekKey;
    }

    /** The same verification on the generic curve of {@code Ecdsa.P384} (ECNamedCurveTable). */
    @Benchmark
    public ECPublicKeyParameters bareP384VerifyGenericCurve() throws Exception {
        ops++;
        Ecdsa.verifyDigest(genericVekKey, digest, parsed.signatureR(), parsed.signatureS(), "report.signature");
        return genericVekKey;
    }

    @Benchmark
    public VerifiedEvidence verifyFromBundleFiles() throws Exception {
        ops++;
        return verifier.verify(report, bundleSource, context);
    }

}

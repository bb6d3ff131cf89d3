package org.openanolis.attestation.bench.tdx;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openanolis.attestation.bench.BenchData;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.Quote;
import org.openanolis.attestation.parsers.tdx.QuoteParser;
import org.openanolis.attestation.parsers.tdx.QuoteSignatureData;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.tdx.BundleTdxCollateralSource;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;
import org.openanolis.attestation.verifier.tdx.TdxQuoteVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Verifies a real TDX quote (default {@code near-v4-20a06f-uptodate}) with its collateral already
 * verified and cached: each operation is the full {@link TdxQuoteVerifier#verify} call (parse,
 * cache look-ups by digest, window and revocation re-checks, QE report and quote ECDSA verifies,
 * TCB matching, claims). Because the box is shared, each measurement iteration also prints
 * operations per CPU-second of the benchmark thread ({@code perf-limits.md} method).
 *
 * <p>Run from the repository root:
 * {@code mvn -q -o package -DskipTests && java -jar bench/target/benchmarks.jar TdxQuoteBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TdxQuoteBenchmark {
    @Param({"near-v4-20a06f-uptodate"})
    public String bundle;

    private byte[] quote;
    private TdxCollateral collateral;
    private VerificationContext context;
    private TdxQuoteVerifier verifier;

    // Baseline: only the two quote-path ECDSA verifies and their SHA-256, keys decoded once.
    private ECPublicKeyParameters pckKey;
    private ECPublicKeyParameters attestationKey;
    private byte[] signedRegion;
    private byte[] quoteSignature;
    private byte[] qeReport;
    private byte[] qeReportSignature;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long ops;
    private long cpuStart;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path dir = BenchData.testdata().resolve("tdx").resolve(bundle);
        AttestationBundle b = AttestationBundle.read(dir);
        quote = b.evidence("quote").orElseThrow();
        collateral = BundleTdxCollateralSource.of(b).collateral();
        context = new VerificationContext(Clock.fixed(b.verifyAt().orElseThrow(), ZoneOffset.UTC), TrustAnchors.builtIn());
        verifier = new TdxQuoteVerifier();
        VerifiedEvidence first = verifier.verify(quote, TeeType.TDX, collateral, context);
        if (!"UpToDate".equals(first.tcbStatus()) && !"OutOfDate".equals(first.tcbStatus())) {
            throw new IllegalStateException("unexpected status " + first.tcbStatus());
        }
        Quote q = QuoteParser.parse(quote);
        QuoteSignatureData sig = q.signatureData();
        X509Certificate leaf = Certificates.parsePemChain(sig.certificationData().data(), ReasonCode.CERT_CHAIN_INVALID,
                "pck_chain").stream().filter(c -> c.getSubjectX500Principal().getName().contains("PCK Certificate"))
                .findFirst().orElseThrow();
        pckKey = Ecdsa.certificateKey(leaf, Ecdsa.P256, ReasonCode.CERT_CHAIN_INVALID, "pck");
        attestationKey = Ecdsa.rawKey(Ecdsa.P256, sig.attestationKey(), ReasonCode.SIGNATURE_INVALID, "ak");
        signedRegion = q.signedRegion();
        quoteSignature = sig.quoteSignature();
        qeReport = sig.qeReport().raw();
        qeReportSignature = sig.qeReportSignature();
        twoEcdsaVerifiesBaseline();
    }

    @Setup(Level.Iteration)
    public void startCpuClock() {
        ops = 0;
        cpuStart = threads.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void reportCpuRate() {
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        if (cpu > 0) {
            System.out.printf("  [cpu] %.0f ops per CPU-second of the benchmark thread (%d ops, %.2f CPU-s)%n",
                    ops / (cpu / 1e9), ops, cpu / 1e9);
        }
    }

    /** The floor: SHA-256 and ECDSA P-256 verify of the QE report and of the quote, nothing else. */
    @Benchmark
    public int twoEcdsaVerifiesBaseline() throws VerificationException {
        ops++;
        Ecdsa.verifyDigest(pckKey, Digests.sha256(qeReport), qeReportSignature, "qe_report");
        Ecdsa.verifyDigest(attestationKey, Digests.sha256(signedRegion), quoteSignature, "quote");
        return 2;
    }

    @Benchmark
    public VerifiedEvidence verifyWithCachedCollateral() throws VerificationException {
        ops++;
        return verifier.verify(quote, TeeType.TDX, collateral, context);
    }
}

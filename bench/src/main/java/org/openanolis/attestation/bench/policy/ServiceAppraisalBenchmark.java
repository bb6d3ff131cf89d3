package org.openanolis.attestation.bench.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openanolis.attestation.bench.BenchData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.store.Database;
import org.openanolis.attestation.policies.store.VersionedDocumentStore;
import org.openanolis.attestation.verifier.BundleVerifier;
import org.openanolis.attestation.verifier.VerificationResult;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.PolicyAppraiser;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The appraisal step of {@code POST /v1/attest} as the service runs it: {@link PolicyAppraiser}
 * on the verified claims of a real TDX quote (the near-v4 vector), default policy chosen by TEE,
 * active-version lookup served from the engine's cache (TTL 5 s, the service default), the
 * explanation converted into the service's shape. SQLite store in a temporary directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ServiceAppraisalBenchmark {
    private Path dir;
    private Database database;
    private PolicyAppraiser appraiser;
    private VerifiedEvidence evidence;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("appraisal-bench");
        database = Database.openSqlite(dir);
        PolicyCompiler compiler = new PolicyCompiler();
        PolicyEngine engine = new PolicyEngine(new VersionedDocumentStore(database), compiler,
                new BuiltInPolicies(compiler), Clock.systemUTC(), Duration.ofSeconds(5));
        appraiser = new PolicyAppraiser(engine, true);
        AttestationBundle bundle = AttestationBundle.read(BenchData.testdata().resolve("tdx/near-v4-20a06f-uptodate"));
        VerificationResult r = new BundleVerifier(TrustAnchors.builtIn()).verify(bundle, Optional.empty(), Clock.systemUTC());
        if (!r.pass()) {
            throw new IllegalStateException("vector does not verify: " + r.details());
        }
        evidence = new VerifiedEvidence(r.tee(), r.tcbStatus(), r.advisoryIds(), r.claims());
        if (!"affirming".equals(appraiser.appraise("cpu", evidence, null).status())) {
            throw new IllegalStateException("the default TDX policy must affirm the near-v4 vector");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        database.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Appraiser.Appraisal appraiseTdxWithDefaultPolicy() {
        return appraiser.appraise("cpu", evidence, null);
    }
}

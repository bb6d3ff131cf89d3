package org.openanolis.attestation.verifier.service.log;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.AttestRequest;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.StaticOcspSource;
import org.openanolis.attestation.verifier.gpu.StaticRimSource;
import org.openanolis.attestation.verifier.log.AppraisalOutcome;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.EarStatus;
import org.openanolis.attestation.verifier.log.EvidenceItem;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.PolicyReference;
import org.openanolis.attestation.verifier.log.ReplayEngine;
import org.openanolis.attestation.verifier.snp.SnpCollateral;
import org.openanolis.attestation.verifier.snp.SnpCollateralSource;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;
import org.openanolis.attestation.verifier.tdx.TdxCollateralSource;

/**
 * The real {@link ReplayEngine}: re-runs an entry the {@link LogRecorder} wrote through the same
 * pipeline as the service ({@link AttestationService#verifyAndAppraise}: CPU verification,
 * binding to the recorded nonce and runtime data, GPU verification, appraisal) with the real
 * engines, a clock fixed at the recorded instant, and collateral only from the entry (TDX
 * collateral from its recorded parts, SNP VEK/ASK/ARK/CRL, GPU RIMs through
 * {@link StaticRimSource} and OCSP responses through {@link StaticOcspSource}), under the
 * recorded OCSP mode. The nonce's MAC and expiry are not re-checked (they need the service's
 * secret key); everything bound to it is.
 *
 * <p>The appraisal of a version 2 entry uses the policy documents and reference-value set
 * documents the entry recorded for each device ({@link RecordedPolicies}): what was in force then,
 * whatever is in force now. A version 1 entry names only its CPU policy; it is appraised through
 * the {@link PolicyResolver} (the built-in defaults offline).
 *
 * <p>The outcome is compared by the auditor (status and reason code); in addition, a passed entry
 * whose per-device statuses, policies, trust vectors or rule results differ from the recorded
 * ones is reported as a {@link ReplayException} naming the difference.
 */
public final class ServiceReplayEngine implements ReplayEngine {
    /** Finds the appraiser of a recorded policy, or refuses when it cannot reproduce that exact policy. */
    @FunctionalInterface
    public interface PolicyResolver {
        Appraiser appraiserFor(PolicyReference policy) throws ReplayException;
    }

    /**
     * The built-in default policies (version 0): what an auditor without the service's policy
     * store can reproduce. A recorded policy of another version is refused; a built-in whose
     * content changed since shows up as a per-device policy difference.
     */
    public static final PolicyResolver BUILT_IN = policy -> {
        if (policy.version() != 0) {
            throw new ReplayException("policy " + policy.id() + " version " + policy.version()
                    + " is not a built-in policy; no policy store is available to this replay");
        }
        return BuiltInPolicyAppraiser.INSTANCE;
    };

    /** The policies of a policy engine (the service's store): the active version is replayed. */
    public static PolicyResolver fromEngine(org.openanolis.attestation.policies.PolicyEngine engine) {
        org.openanolis.attestation.verifier.attest.PolicyAppraiser a =
                new org.openanolis.attestation.verifier.attest.PolicyAppraiser(engine, true);
        return policy -> a;
    }

    /** A policy engine with only the built-in defaults, on a throw-away SQLite store. */
    private static final class BuiltInPolicyAppraiser {
        static final Appraiser INSTANCE = create();

        private static Appraiser create() {
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("replay-policies");
                dir.toFile().deleteOnExit();
                org.openanolis.attestation.policies.store.Database db =
                        org.openanolis.attestation.policies.store.Database.openSqlite(dir);
                org.openanolis.attestation.policies.PolicyCompiler compiler =
                        new org.openanolis.attestation.policies.PolicyCompiler();
                org.openanolis.attestation.policies.PolicyEngine engine = new org.openanolis.attestation.policies.PolicyEngine(
                        new org.openanolis.attestation.policies.store.VersionedDocumentStore(db), compiler,
                        new org.openanolis.attestation.policies.BuiltInPolicies(compiler),
                        java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC), java.time.Duration.ZERO);
                return new org.openanolis.attestation.verifier.attest.PolicyAppraiser(engine, true);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Builds the engines of one replay from the entry's recorded collateral only: device
     * ({@code cpu}, {@code gpu0}, ...) → collateral kind → bytes.
     */
    @FunctionalInterface
    public interface EngineFactory {
        EvidenceVerifiers engines(Map<String, Map<String, byte[]>> collateralByDevice, int gpuCount, OcspMode mode);
    }

    private final TrustAnchors anchors;
    private final PolicyResolver policies;
    private final RecordedPolicies recordedPolicies = new RecordedPolicies();
    private final EngineFactory engines;
    private final GpuEvidenceVerifier gpuEngine = GpuEvidenceVerifier.builder().build();

    /** A replay with the real TDX/SGX, SNP and NVIDIA engines. */
    public ServiceReplayEngine(TrustAnchors anchors, PolicyResolver policies) {
        this.anchors = anchors;
        this.policies = policies;
        this.engines = this::verifiers;
    }

    /** A replay with other engines (tests with stand-in engines; the binding and appraisal are still the service's). */
    public ServiceReplayEngine(TrustAnchors anchors, PolicyResolver policies, EngineFactory engines) {
        this.anchors = anchors;
        this.policies = policies;
        this.engines = engines;
    }

    @Override
    public AppraisalOutcome replay(LogEntry entry, CollateralResolver collateral) throws ReplayException {
        Map<String, Object> recordedExplanation = entry.outcome().explanation();
        Map<String, Map<String, byte[]>> byDevice = new LinkedHashMap<>();
        for (CollateralReference ref : entry.collateral()) {
            byDevice.computeIfAbsent(ref.submodule(), k -> new LinkedHashMap<>()).put(ref.kind(), collateral.bytes(ref));
        }
        Map<String, EvidenceItem> cpu = LogRecorder.evidenceOf(entry, "cpu");
        EvidenceItem quote = cpu.containsKey("quote") ? cpu.get("quote") : cpu.get("report");
        EvidenceItem runtime = cpu.get("runtime_data");
        if (quote == null || runtime == null) {
            throw new ReplayException("entry has no cpu quote/report or runtime_data: not written by the service");
        }
        List<GpuEvidence> gpus = new ArrayList<>();
        for (String g : LogRecorder.gpuSubmodules(entry)) {
            Map<String, EvidenceItem> ev = LogRecorder.evidenceOf(entry, g);
            if (!ev.containsKey("report") || !ev.containsKey("cert_chain")) {
                throw new ReplayException(g + " lacks report or cert_chain");
            }
            gpus.add(new GpuEvidence(ev.get("report").tee(), ev.get("report").bytes(), ev.get("cert_chain").bytes()));
        }
        Map<String, String> requested = stringMap(recordedExplanation.get("requested_policies"));
        OcspMode mode = ocspMode(recordedExplanation.get("settings"));
        byte[] nonce = entry.nonce();
        AttestRequest req = new AttestRequest(Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
                runtime.bytes(), new CpuEvidence(quote.tee(), quote.bytes(), Map.of()), gpus, requested, null);

        boolean v1 = entry.formatVersion() == LogEntry.FORMAT_VERSION_1;
        Appraiser appraiser = v1 ? policies.appraiserFor(entry.policies().get(0).policy())
                : recordedPolicies.appraiserFor(entry, collateral, policies);
        VerificationContext ctx = new VerificationContext(Clock.fixed(entry.instant(), ZoneOffset.UTC), anchors);
        EvidenceVerifiers verifiers = engines.engines(byDevice, gpus.size(), mode);
        AttestationService.Outcome outcome;
        try {
            outcome = AttestationService.verifyAndAppraise(nonce, req, verifiers, appraiser, ctx, new CollateralUsage());
        } catch (VerificationException e) {
            return new AppraisalOutcome(EarStatus.CONTRAINDICATED, e.code(), Map.of("failure",
                    Map.of("field", String.valueOf(e.field()), "message", String.valueOf(e.getMessage()))));
        }
        if (v1) {
            PolicyReference used = LogRecorder.policyReference(outcome.appraisals().get("cpu").policyId());
            PolicyReference recorded = entry.policies().get(0).policy();
            if (!used.equals(recorded)) {
                throw new ReplayException("replayed appraisal used policy " + used + ", recorded " + recorded);
            }
        } else {
            for (Map.Entry<String, Appraiser.Appraisal> a : outcome.appraisals().entrySet()) {
                PolicyReference used = LogRecorder.policyReference(a.getValue().policyId());
                PolicyReference recorded = entry.policyOf(a.getKey()).map(p -> p.policy()).orElse(null);
                if (!used.equals(recorded)) {
                    throw new ReplayException("replayed appraisal of " + a.getKey() + " used policy " + used
                            + ", recorded " + recorded);
                }
            }
        }
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("devices", LogRecorder.devices(outcome.appraisals()));
        AppraisalOutcome replayed = new AppraisalOutcome(LogRecorder.overall(outcome.appraisals()), null, explanation);
        Object recordedDevices = recordedExplanation.get("devices");
        if (recordedDevices != null && replayed.status() == entry.outcome().status()
                && !withoutOcspNonceMatch(recordedDevices).equals(replayed.explanation().get("devices"))) {
            throw new ReplayException("per-device appraisal differs: recorded " + recordedDevices
                    + ", replayed " + replayed.explanation().get("devices"));
        }
        return replayed;
    }

    /**
     * The recorded per-device explanation as a replay can reproduce it: an OCSP response that
     * answered the service's own request was recorded with {@code nonce: matched}; the replay
     * hands the same response to a request with a new nonce (the original one is not recorded),
     * which the checker reports as {@code pre_recorded}. Everything else is compared as recorded.
     */
    static Object withoutOcspNonceMatch(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            boolean ocspCertificate = m.containsKey("serial") && "matched".equals(m.get("nonce"));
            m.forEach((k, v) -> out.put(k, ocspCertificate && "nonce".equals(k) ? "pre_recorded" : withoutOcspNonceMatch(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(withoutOcspNonceMatch(v)));
            return out;
        }
        return value;
    }

    private EvidenceVerifiers verifiers(Map<String, Map<String, byte[]>> byDevice, int gpuCount, OcspMode mode) {
        Map<String, byte[]> cpu = byDevice.getOrDefault("cpu", Map.of());
        TdxCollateralSource intel = request -> TdxCollateral.fromParts(cpu);
        SnpCollateralSource amd = request -> SnpCollateral.fromParts(cpu);
        EngineEvidenceVerifiers cpuEngines = new EngineEvidenceVerifiers(intel, amd, gpuEngine,
                new StaticRimSource(Map.of()), OcspSource.none(), mode);
        List<EngineEvidenceVerifiers> gpuEngines = new ArrayList<>();
        for (int i = 0; i < gpuCount; i++) {
            Map<String, byte[]> c = byDevice.getOrDefault("gpu" + i, Map.of());
            Map<String, byte[]> ocsp = new LinkedHashMap<>();
            c.forEach((kind, bytes) -> {
                if (kind.startsWith("ocsp/")) {
                    ocsp.put(kind.substring("ocsp/".length()), bytes);
                }
            });
            gpuEngines.add(new EngineEvidenceVerifiers(intel, amd, gpuEngine, StaticRimSource.fromCollateral(c),
                    new StaticOcspSource(ocsp), mode));
        }
        return new EvidenceVerifiers() {
            private int next;

            @Override
            public VerifiedEvidence verifyCpu(CpuEvidence evidence, VerificationContext context) throws VerificationException {
                return cpuEngines.verifyCpu(evidence, context);
            }

            @Override
            public VerifiedEvidence verifyGpu(GpuEvidence evidence, byte[] expectedNonce, VerificationContext context)
                    throws VerificationException {
                return gpuEngines.get(next++).verifyGpu(evidence, expectedNonce, context);
            }
        };
    }

    private static Map<String, String> stringMap(Object o) throws ReplayException {
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null) {
            return out;
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new ReplayException("explanation.requested_policies must be a map");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        return out;
    }

    private static OcspMode ocspMode(Object settings) throws ReplayException {
        Object mode = settings instanceof Map<?, ?> m ? m.get("ocsp_mode") : null;
        if (mode == null) {
            return OcspMode.BEST_EFFORT;
        }
        try {
            return OcspMode.valueOf(mode.toString().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ReplayException("unknown recorded ocsp_mode " + mode);
        }
    }
}

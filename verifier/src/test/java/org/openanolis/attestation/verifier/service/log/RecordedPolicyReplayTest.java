package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.store.Database;
import org.openanolis.attestation.policies.store.DocumentKind;
import org.openanolis.attestation.policies.store.VersionedDocumentStore;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.attest.AttestRequest;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.PolicyAppraiser;
import org.openanolis.attestation.verifier.log.AppliedPolicy;
import org.openanolis.attestation.verifier.log.AppraisalOutcome;
import org.openanolis.attestation.verifier.log.EarStatus;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.PolicyReference;
import org.openanolis.attestation.verifier.log.ReferenceSetReference;
import org.openanolis.attestation.verifier.log.ReplayEngine;
import org.openanolis.attestation.verifier.log.Sha256Digest;

/**
 * {@link RecordedPolicies} without HTTP: an entry appraised by the policy engine with a stored
 * policy and reference set (stand-in verification engines) replays from its recorded documents
 * alone, and every way the recorded documents can fail to reproduce the decision is a
 * {@link ReplayEngine.ReplayException} naming it, never a silent pass.
 */
class RecordedPolicyReplayTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    private static final String POLICY = """
            id: fleet-tdx
            tees: [tdx]
            references: [fleet, absent]
            rules:
              - name: not-debug
                component: configuration
                expr: claims.debug == false
                on_fail: contraindicated
              - name: gold-tier
                component: sourced_data
                expr: reference.fleet.tier == "gold"
                on_fail: warning
            """;
    private static final String FLEET = """
            name: fleet
            valid_until: 2026-06-01T00:00:00Z
            values:
              tier: silver
            """;
    @TempDir
    Path dir;
    private PolicyEngine engine;
    private VersionedDocumentStore store;
    private final Map<Sha256Digest, byte[]> blobs = new HashMap<>();

    @BeforeEach
    void storePolicies() throws Exception {
        store = new VersionedDocumentStore(Database.openSqlite(dir));
        PolicyCompiler compiler = new PolicyCompiler();
        engine = new PolicyEngine(store, compiler, new BuiltInPolicies(compiler), Clock.fixed(AT, ZoneOffset.UTC), Duration.ZERO);
        put(DocumentKind.REFERENCE_SET, "fleet", FLEET);
        put(DocumentKind.POLICY, "fleet-tdx", POLICY);
    }

    private void put(DocumentKind kind, String name, String yaml) throws Exception {
        int v = store.append(new VersionedDocumentStore.NewVersion(kind, name, null, DocumentFormat.YAML,
                yaml.getBytes(StandardCharsets.UTF_8), null, null, "test", AT, null)).version();
        store.activate(kind, name, v, "test", AT);
    }

    /** The service pipeline with the policy engine's appraiser; returns the entry LogRecorder writes. */
    private LogEntry entry() throws Exception {
        byte[] nonce = new byte[65];
        nonce[1] = 9;
        byte[] runtime = AttestationService.runtimeData(null, List.of());
        byte[] quote = Digests.sha512(nonce, runtime);
        AttestRequest req = new AttestRequest(Base64.getUrlEncoder().withoutPadding().encodeToString(nonce), runtime,
                new CpuEvidence("tdx", quote, Map.of()), List.of(), Map.of("cpu", "fleet-tdx"), null);
        CollateralUsage usage = new CollateralUsage();
        VerificationContext ctx = new VerificationContext(Clock.fixed(AT, ZoneOffset.UTC), TrustAnchors.builtIn());
        AttestationService.Outcome o = AttestationService.verifyAndAppraise(nonce, req,
                LogServiceVolumeTest.StandInEngines.live(), new PolicyAppraiser(engine, true), ctx, usage);
        return LogRecorder.entryOf(new AttestationRecorder.Record(req, o, "jti-1", null, usage.used(), AT), blobs,
                "test", Map.of("ocsp_mode", "off"));
    }

    private AppraisalOutcome replay(LogEntry e, ServiceReplayEngine.PolicyResolver fallback,
                                    ReplayEngine.CollateralResolver resolver) throws Exception {
        return new ServiceReplayEngine(TrustAnchors.builtIn(), fallback, (byDevice, gpus, mode) ->
                new LogServiceVolumeTest.StandInEngines(byDevice.getOrDefault("cpu", Map.of()), List.of()))
                .replay(e, resolver);
    }

    private AppraisalOutcome replay(LogEntry e) throws Exception {
        return replay(e, ServiceReplayEngine.BUILT_IN, ref -> {
            byte[] b = blobs.get(ref.sha256());
            if (b == null) {
                throw new ReplayEngine.ReplayException("no blob " + ref.sha256());
            }
            return b.clone();
        });
    }

    /** {@code e} rebuilt with its CPU policy record changed by {@code edit}. */
    private static LogEntry withCpuPolicy(LogEntry e, UnaryOperator<AppliedPolicy> edit) {
        LogEntry.Builder b = LogEntry.builder().verifierVersion(e.verifierVersion()).instant(e.instant())
                .outcome(e.outcome()).jti(e.jti()).nonce(e.nonce());
        e.evidence().forEach(b::addEvidence);
        e.collateral().forEach(b::addCollateral);
        e.policies().forEach(p -> b.addPolicy(p.submodule().equals("cpu") ? edit.apply(p) : p));
        return b.build();
    }

    @Test
    void aStoredPolicyDecisionReplaysFromItsRecordedDocumentsOnly() throws Exception {
        LogEntry e = entry();
        assertEquals(EarStatus.WARNING, e.outcome().status(), "silver is not gold");
        AppliedPolicy cpu = e.policyOf("cpu").orElseThrow();
        assertEquals(new PolicyReference("fleet-tdx", 1, Sha256Digest.digest(POLICY.getBytes(StandardCharsets.UTF_8))),
                cpu.policy());
        assertEquals(List.of("used", "missing"), cpu.referenceSets().stream().map(ReferenceSetReference::state).toList());
        assertEquals(3, e.blobs().size(), "tcb_info, the policy and the fleet set");

        // The store moves on: a gold fleet and a policy without the tier rule. The replay does not care.
        put(DocumentKind.REFERENCE_SET, "fleet", FLEET.replace("silver", "gold"));
        put(DocumentKind.POLICY, "fleet-tdx", POLICY.replace("on_fail: warning", "on_fail: contraindicated"));
        assertEquals(EarStatus.WARNING, replay(e).status());
        assertEquals(EarStatus.AFFIRMING, entry().outcome().status(), "the service itself now decides otherwise");
    }

    @Test
    void aDenialIsRecordedAsIssuingNoToken() throws Exception {
        assertEquals(true, entry().outcome().explanation().get("token_issued"));
        put(DocumentKind.POLICY, "fleet-tdx", POLICY.replace("on_fail: warning", "on_fail: contraindicated"));
        LogEntry denied = entry();
        assertEquals(EarStatus.CONTRAINDICATED, denied.outcome().status());
        assertEquals(false, denied.outcome().explanation().get("token_issued"));
    }

    @Test
    void recordedDocumentsThatCannotReproduceTheDecisionAreReported() throws Exception {
        LogEntry e = entry();
        // Judged after the set's validity: the recorded "used" no longer holds.
        LogEntry later = LogEntry.decode(e.encode());
        LogEntry.Builder b = LogEntry.builder().verifierVersion(later.verifierVersion())
                .instant(Instant.parse("2026-07-01T00:00:00Z")).outcome(later.outcome()).jti(later.jti()).nonce(later.nonce());
        later.evidence().forEach(b::addEvidence);
        later.collateral().forEach(b::addCollateral);
        later.policies().forEach(b::addPolicy);
        assertReplayFails(b.build(), "not_valid");
        // The recorded sets are not those the policy declares.
        assertReplayFails(withCpuPolicy(e, p -> new AppliedPolicy(p.submodule(), p.policy(), p.format(),
                p.referenceSets().subList(0, 1))), "declares reference sets");
        // A used set whose document was not recorded.
        assertReplayFails(withCpuPolicy(e, p -> new AppliedPolicy(p.submodule(), p.policy(), p.format(), List.of(
                new ReferenceSetReference("fleet", "used", 1, p.referenceSets().get(0).sha256(), null),
                p.referenceSets().get(1)))), "not recorded");
        // The document is another policy's.
        assertReplayFails(withCpuPolicy(e, p -> new AppliedPolicy(p.submodule(),
                new PolicyReference("other", p.policy().version(), p.policy().sha256()), p.format(), p.referenceSets())),
                "has id fleet-tdx");
        // A resolver that hands out other bytes than the recorded digest's.
        assertReplayFails(e, ServiceReplayEngine.BUILT_IN, ref -> "id: fleet-tdx\n".getBytes(StandardCharsets.UTF_8),
                "does not hash");
        // Without its document a stored version cannot be replayed by the built-ins.
        assertReplayFails(withCpuPolicy(e, p -> new AppliedPolicy(p.submodule(), p.policy(), null, p.referenceSets())),
                "not a built-in");
    }

    @Test
    void aVersion1EntryReplaysThroughThePolicyResolver() throws Exception {
        LogEntry e = entry();
        LogEntry.Builder b = LogEntry.builder().formatVersion(LogEntry.FORMAT_VERSION_1).verifierVersion(e.verifierVersion())
                .instant(e.instant()).outcome(e.outcome()).jti(e.jti()).nonce(e.nonce())
                .policy(e.policyOf("cpu").orElseThrow().policy());
        e.evidence().forEach(b::addEvidence);
        e.collateral().forEach(b::addCollateral);
        LogEntry v1 = LogEntry.decode(b.build().encode());
        assertEquals(LogEntry.FORMAT_VERSION_1, v1.formatVersion());
        // What version 1 could always do: only with the service's own policy store.
        assertEquals(EarStatus.WARNING, replay(v1, ServiceReplayEngine.fromEngine(engine), ref -> blobs.get(ref.sha256())).status());
        assertReplayFails(v1, ServiceReplayEngine.BUILT_IN, ref -> blobs.get(ref.sha256()), "not a built-in");
    }

    private void assertReplayFails(LogEntry e, String why) {
        ReplayEngine.ReplayException x = assertThrows(ReplayEngine.ReplayException.class, () -> replay(e));
        assertTrue(x.getMessage().contains(why), x.getMessage());
    }

    private void assertReplayFails(LogEntry e, ServiceReplayEngine.PolicyResolver fallback,
                                   ReplayEngine.CollateralResolver resolver, String why) {
        ReplayEngine.ReplayException x = assertThrows(ReplayEngine.ReplayException.class, () -> replay(e, fallback, resolver));
        assertTrue(x.getMessage().contains(why), x.getMessage());
    }
}

package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.cli.Main;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.StaticRimSource;
import org.openanolis.attestation.verifier.log.AppraisalOutcome;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.EvidenceItem;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;
import org.openanolis.attestation.verifier.tdx.BundleTdxCollateralSource;

/**
 * Entries made by the real TDX engine: the real near-v4 quote verified with its real Intel
 * collateral by the running service, its clock fixed at the vector's verify_at. The quote cannot
 * carry our nonce binding, so the service records a BINDING_MISMATCH after a complete quote and
 * collateral verification; a quote with one signature byte changed records SIGNATURE_INVALID.
 * {@code verifier replay --url} (cli.Main, real engines, recorded collateral only) reproduces both.
 */
class RealEngineReplayTest {
    private static final String VECTOR = "near-v4-20a06f-uptodate";
    @TempDir
    static Path data;
    private static ServiceLauncher.Running running;
    private static LogTestClient client;
    private static byte[] quote;
    private static Instant verifyAt;
    private static final String ADMIN_TOKEN = "dry-run-admin-token-0123456789abcdef";

    @BeforeAll
    static void start() throws Exception {
        AttestationBundle bundle = AttestationBundle.read(SharedData.testdata().resolve("tdx").resolve(VECTOR));
        quote = bundle.evidence("quote").orElseThrow();
        verifyAt = bundle.verifyAt().orElseThrow();
        BundleTdxCollateralSource intel = BundleTdxCollateralSource.of(bundle);
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = data.toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = LogTestClient.TOKEN;
        c.denyContraindicated = false; // contraindicated decisions get tokens: they are replayed too
        c.ocspMode = "off";
        c.adminTokens = new java.util.ArrayList<>(List.of("alice:policy-admin:" + ADMIN_TOKEN));
        running = ServiceLauncher.start(c, Clock.fixed(verifyAt, ZoneOffset.UTC), anchors -> new EngineEvidenceVerifiers(
                intel, request -> {
                    throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "vek", "no AMD source in this test");
                }, GpuEvidenceVerifier.builder().build(), new StaticRimSource(Map.of()), OcspSource.none(), OcspMode.OFF),
                null);
        client = new LogTestClient("http://127.0.0.1:" + running.port());
    }

    @AfterAll
    static void stop() {
        running.close().await();
    }

    private static JsonNode attest(byte[] cpuEvidence) throws Exception {
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("nonce", client.nonce());
        body.put("runtime_data", Base64.getEncoder().encodeToString(AttestationService.runtimeData(null, List.of())));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(cpuEvidence));
        return client.attest(body);
    }

    @Test
    void realQuoteDecisionsReplayWithTheirRecordedCollateral() throws Exception {
        byte[] badSignature = quote.clone();
        badSignature[636 + 10] ^= 0x01; // inside the quote signature (v4 header 48 + TD report 584 + length 4)
        List<String> reasons = new ArrayList<>();
        for (byte[] q : List.of(quote, badSignature, quote)) {
            JsonNode r = attest(q);
            assertTrue(r.has("log_index"), r.toString());
            reasons.add(r.get("code").asText());
        }
        assertEquals(List.of("BINDING_MISMATCH", "SIGNATURE_INVALID", "BINDING_MISMATCH"), reasons);

        // The first entry records the Intel collateral the engine was given.
        LogEntry first = LogEntry.decode(running.log().store().entries(0, 1).get(0L));
        Set<String> kinds = new HashSet<>();
        first.collateral().forEach(c -> kinds.add(c.kind()));
        assertTrue(kinds.containsAll(Set.of("tcb_info", "tcb_info_issuer_chain", "qe_identity", "pck_crl", "root_ca_crl")),
                kinds.toString());
        assertEquals(verifyAt, first.instant());

        // verifier replay --url with the real engines: zero divergences.
        assertEquals(200, client.post("/v1/log/checkpoint", "", LogTestClient.TOKEN).statusCode());
        Path vkey = data.resolve("log-key.vkey");
        assertTrue(Files.exists(vkey), "the log key is created on first start with its vkey beside it");
        LogTestClient.Run replay = LogTestClient.run(s -> Main.run(new String[] {"replay", "--url", client.base,
                "--token", LogTestClient.TOKEN, "--log-key", vkey.toString(), "--json"}, s[0], s[1], Clock.systemUTC()));
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        assertEquals(running.log().store().endIndex(), replay.json().get("entries_replayed").asLong());

        // The replay really re-verifies: the same entry judged ten years later no longer reaches
        // the binding check (the recorded collateral has expired by then).
        Map<org.openanolis.attestation.verifier.log.Sha256Digest, byte[]> blobs = new java.util.HashMap<>();
        for (CollateralReference ref : first.collateral()) {
            blobs.put(ref.sha256(), running.log().store().collateral(ref.sha256()).orElseThrow());
        }
        ServiceReplayEngine engine = new ServiceReplayEngine(TrustAnchors.builtIn(), ServiceReplayEngine.BUILT_IN);
        AppraisalOutcome same = engine.replay(first, ref -> blobs.get(ref.sha256()).clone());
        assertEquals(ReasonCode.BINDING_MISMATCH, same.reason());
        AppraisalOutcome later = engine.replay(at(first, verifyAt.plus(Duration.ofDays(3650))),
                ref -> blobs.get(ref.sha256()).clone());
        assertNotEquals(ReasonCode.BINDING_MISMATCH, later.reason());
        // And without its recorded collateral the quote cannot be verified at all.
        AppraisalOutcome without = engine.replay(withoutCollateral(first), ref -> blobs.get(ref.sha256()).clone());
        assertEquals(ReasonCode.COLLATERAL_MISSING, without.reason());
    }

    private static LogEntry.Builder copy(LogEntry e) {
        LogEntry.Builder b = LogEntry.builder().formatVersion(e.formatVersion()).verifierVersion(e.verifierVersion())
                .instant(e.instant()).outcome(e.outcome()).jti(e.jti()).nonce(e.nonce());
        for (EvidenceItem i : e.evidence()) {
            b.addEvidence(i);
        }
        e.policies().forEach(b::addPolicy);
        e.referenceValueVersions().forEach(b::referenceValueVersion);
        return b;
    }

    private static LogEntry at(LogEntry e, Instant instant) {
        LogEntry.Builder b = copy(e).instant(instant);
        e.collateral().forEach(b::addCollateral);
        return b.build();
    }

    private static LogEntry withoutCollateral(LogEntry e) {
        return copy(e).build();
    }

    @Test
    void dryRunAgainstALogEntryReVerifiesItsRecordedEvidence() throws Exception {
        // A genuine quote bound to another nonce: the service refused it (BINDING_MISMATCH) and
        // logged it with its collateral. A dry run re-verifies the entry's quote alone as a bundle
        // at its recorded instant, then appraises it with the draft.
        JsonNode refused = attest(quote);
        long index = refused.path("log_index").asLong(-1);
        assertTrue(index >= 0, refused.toString());
        String draft = "id: default-tdx\ntees: [tdx]\nrules:\n  - name: not-debug\n    component: configuration\n"
                + "    expr: claims.debug == false\n    on_fail: contraindicated\n";
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("document", draft);
        body.put("format", "yaml");
        body.put("log_index", index);
        var r = client.post("/v1/admin/policies/default-tdx/dry-run", body.toString(), ADMIN_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode out = LogTestClient.JSON.readTree(r.body());
        assertEquals("pass", out.path("verification").path("verdict").asText(), r.body());
        assertEquals("affirming", out.path("appraisal").path("status").asText(), r.body());
        body.put("log_index", 1_000_000);
        assertEquals(400, client.post("/v1/admin/policies/default-tdx/dry-run", body.toString(), ADMIN_TOKEN).statusCode());
    }
}

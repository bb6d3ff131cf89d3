package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.TestPki;
import org.openanolis.attestation.simulator.snp.AmdTestPki;
import org.openanolis.attestation.simulator.snp.SimulatedSnpPlatform;
import org.openanolis.attestation.simulator.snp.SimulatedTcb;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.cli.Main;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.StaticRimSource;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * SEV-SNP decisions of the real SNP engine: simulator reports bound to the service nonce, the VCEK
 * and ASK sent with the request (recorded as the collateral used), a generated AMD PKI pinned via
 * {@code trust_anchors_dir}. Passed entries and a report bound to other data (BINDING_MISMATCH)
 * replay clean with {@code verifier replay --url --trust-anchors}.
 */
class SimulatedSnpReplayTest {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");
    @TempDir
    static Path data;
    private static ServiceLauncher.Running running;
    private static LogTestClient client;
    private static SimulatedSnpPlatform host;
    private static Path anchors;

    @BeforeAll
    static void start() throws Exception {
        AmdTestPki pki = AmdTestPki.create(AmdProduct.MILAN, START);
        anchors = data.resolve("anchors");
        pki.writeTrustAnchors(anchors);
        byte[] hwId = new byte[64];
        hwId[0] = 0x42;
        host = new SimulatedSnpPlatform(pki, new SimulatedTcb(0, 4, 0, 24, 219), hwId);
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = data.resolve("service").toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = LogTestClient.TOKEN;
        c.denyContraindicated = false; // contraindicated decisions get tokens: they are replayed too
        c.trustAnchorsDir = anchors.toString();
        running = ServiceLauncher.start(c, Clock.fixed(AT, ZoneOffset.UTC), a -> new EngineEvidenceVerifiers(
                request -> {
                    throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "tcb_info", "no Intel source here");
                }, request -> {
                    throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "vek", "send the VEK with the request");
                }, GpuEvidenceVerifier.builder().build(), new StaticRimSource(Map.of()), OcspSource.none(), OcspMode.OFF),
                null);
        client = new LogTestClient("http://127.0.0.1:" + running.port());
    }

    @AfterAll
    static void stop() {
        running.close().await();
    }

    private static JsonNode attest(boolean bound) throws Exception {
        String nonce = client.nonce();
        byte[] runtime = AttestationService.runtimeData(null, List.of());
        byte[] reportData = bound ? Digests.sha512(Base64.getUrlDecoder().decode(nonce), runtime) : new byte[64];
        byte[] report = host.attest(reportData);
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "snp").put("evidence", Base64.getEncoder().encodeToString(report))
                .put("vek", new String(TestPki.pemBytes(host.vcek()), StandardCharsets.US_ASCII))
                .put("ask", new String(TestPki.pemBytes(host.pki().ask()), StandardCharsets.US_ASCII));
        return client.attest(body);
    }

    @Test
    void snpDecisionsOfTheRealEngineReplay() throws Exception {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            JsonNode r = attest(i != 4);
            outcomes.add(r.get("http_status").asInt() == 200 ? r.get("status").get("cpu").asText() : r.get("code").asText());
        }
        assertEquals(5, outcomes.stream().filter(s -> !s.equals("BINDING_MISMATCH")).count(), outcomes.toString());
        assertEquals("BINDING_MISMATCH", outcomes.get(4));

        LogEntry first = LogEntry.decode(running.log().store().entries(0, 1).get(0L));
        Set<String> kinds = new HashSet<>();
        for (CollateralReference ref : first.collateral()) {
            kinds.add(ref.kind());
        }
        assertTrue(kinds.containsAll(Set.of("vek", "ask")), kinds.toString());

        assertEquals(200, client.post("/v1/log/checkpoint", "", LogTestClient.TOKEN).statusCode());
        Path vkey = data.resolve("service").resolve("log-key.vkey");
        LogTestClient.Run replay = LogTestClient.run(s -> Main.run(new String[] {"replay", "--url", client.base,
                "--token", LogTestClient.TOKEN, "--log-key", vkey.toString(), "--trust-anchors", anchors.toString(),
                "--json"}, s[0], s[1], Clock.systemUTC()));
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        assertEquals(6, replay.json().get("entries_replayed").asInt());
    }
}

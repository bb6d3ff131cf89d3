package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.gpu.SwidRimBuilder;
import org.openanolis.attestation.simulator.tdx.IntelTestPki;
import org.openanolis.attestation.simulator.tdx.SimulatedIntelPlatform;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.cli.Main;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.RimKind;
import org.openanolis.attestation.verifier.gpu.StaticRimSource;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;

/**
 * Passed (affirming) and contraindicated (debug TD) decisions made by the real TDX engine on
 * simulator quotes bound to the service nonce, some with a simulated Hopper GPU verified by the
 * real NVIDIA engine against signed RIMs, with generated Intel and NVIDIA PKIs pinned through
 * {@code trust_anchors_dir}; {@code verifier replay --url --trust-anchors} reproduces every one.
 */
class SimulatedTdxReplayTest {
    static final Instant AT = Instant.parse("2026-01-15T00:00:00Z");
    static final Instant ISSUE = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NEXT = Instant.parse("2026-02-01T00:00:00Z");
    @TempDir
    static Path data;
    private static ServiceLauncher.Running running;
    private static LogTestClient client;
    private static SimulatedIntelPlatform host;
    private static Path anchors;
    private static final byte[] SVN = new byte[16];
    private static SimulatedNvidiaDevice gpu;

    @BeforeAll
    static void start() throws Exception {
        IntelTestPki pki = IntelTestPki.create(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        host = SimulatedIntelPlatform.tdx(pki, "aabbcc000000");
        anchors = data.resolve("anchors");
        Files.createDirectories(anchors.resolve("intel"));
        Files.write(anchors.resolve("intel/Intel_SGX_Provisioning_Certification_RootCA.pem"),
                IntelTestPki.pem(pki.root().certificate()));
        NvidiaTestPki nvidia = NvidiaTestPki.create(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        nvidia.writeTrustAnchors(anchors);
        gpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(nvidia);
        NvidiaTestPki.RimSigner rimSigner = nvidia.rimSigner();
        Map<RimKind, byte[]> rims = new EnumMap<>(RimKind.class);
        rims.put(RimKind.DRIVER, SwidRimBuilder.driverRim(gpu).sign(rimSigner));
        rims.put(RimKind.VBIOS, SwidRimBuilder.vbiosRim(gpu).sign(rimSigner));
        int[] tdx = {5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        SVN[0] = 5;
        SVN[2] = 7;
        Map<String, byte[]> parts = host.collateral(host.tcbInfo(ISSUE, NEXT, tdx), host.qeIdentity(ISSUE, NEXT),
                ISSUE, NEXT, List.of());
        TdxCollateral collateral = TdxCollateral.builder()
                .tcbInfo(parts.get(TdxCollateral.TCB_INFO)).tcbInfoIssuerChain(parts.get(TdxCollateral.TCB_INFO_ISSUER_CHAIN))
                .qeIdentity(parts.get(TdxCollateral.QE_IDENTITY))
                .qeIdentityIssuerChain(parts.get(TdxCollateral.QE_IDENTITY_ISSUER_CHAIN))
                .pckCrl(parts.get(TdxCollateral.PCK_CRL)).pckCrlIssuerChain(parts.get(TdxCollateral.PCK_CRL_ISSUER_CHAIN))
                .rootCaCrl(parts.get(TdxCollateral.ROOT_CA_CRL)).pckChain(parts.get(TdxCollateral.PCK_CHAIN)).build();
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = data.resolve("service").toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = LogTestClient.TOKEN;
        c.denyContraindicated = false; // contraindicated decisions get tokens: they are replayed too
        c.trustAnchorsDir = anchors.toString();
        c.ocspMode = "off";
        running = ServiceLauncher.start(c, Clock.fixed(AT, ZoneOffset.UTC), a -> new EngineEvidenceVerifiers(
                request -> collateral, request -> {
                    throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "vek", "no AMD source in this test");
                }, GpuEvidenceVerifier.builder().build(), new StaticRimSource(rims), OcspSource.none(), OcspMode.OFF),
                null);
        client = new LogTestClient("http://127.0.0.1:" + running.port());
    }

    @AfterAll
    static void stop() {
        running.close().await();
    }

    private static JsonNode attest(boolean debug, boolean withGpu) throws Exception {
        String nonce = client.nonce();
        List<byte[]> gpus = new ArrayList<>();
        if (withGpu) {
            gpus.add(gpu.report(AttestationService.gpuNonce(Base64.getUrlDecoder().decode(nonce))));
        }
        byte[] runtime = AttestationService.runtimeData(null, gpus);
        byte[] reportData = Digests.sha512(Base64.getUrlDecoder().decode(nonce), runtime);
        byte[] attributes = new byte[8];
        attributes[0] = (byte) (debug ? 1 : 0); // TDATTRIBUTES.DEBUG, bit 0
        byte[] quote = host.quote().teeTcbSvn(SVN).tdAttributes(attributes).tdReportData(reportData).build();
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(quote));
        var arr = body.putArray("gpus");
        for (byte[] g : gpus) {
            arr.addObject().put("tee", "nvgpu").put("evidence", Base64.getEncoder().encodeToString(g))
                    .put("cert_chain", new String(gpu.credentials().chainPem(), java.nio.charset.StandardCharsets.US_ASCII));
        }
        return client.attest(body);
    }

    @Test
    void affirmingDebugAndGpuDecisionsOfTheRealEnginesReplay() throws Exception {
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            JsonNode r = attest(i % 4 == 3, i % 3 == 1);
            assertEquals(200, r.get("http_status").asInt(), r.toString());
            statuses.add(r.get("status").get("cpu").asText());
            if (i % 3 == 1) {
                assertTrue(r.get("status").has("gpu0"), r.toString());
            }
        }
        // An entry with a GPU records the RIMs the NVIDIA engine was given.
        LogEntry withGpu = LogEntry.decode(running.log().store().entries(1, 2).get(1L));
        java.util.Set<String> gpuKinds = new java.util.HashSet<>();
        withGpu.collateral().forEach(ref -> {
            if (ref.submodule().equals("gpu0")) {
                gpuKinds.add(ref.kind());
            }
        });
        assertEquals(java.util.Set.of("driver_rim", "vbios_rim"), gpuKinds);
        assertEquals(9, statuses.stream().filter("affirming"::equals).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter("contraindicated"::equals).count(), statuses.toString());

        assertEquals(200, client.post("/v1/log/checkpoint", "", LogTestClient.TOKEN).statusCode());
        Path vkey = data.resolve("service").resolve("log-key.vkey");
        LogTestClient.Run replay = LogTestClient.run(s -> Main.run(new String[] {"replay", "--url", client.base,
                "--token", LogTestClient.TOKEN, "--log-key", vkey.toString(), "--trust-anchors", anchors.toString(),
                "--json"}, s[0], s[1], Clock.systemUTC()));
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        assertEquals(12, replay.json().get("entries_replayed").asInt());

        // Against the built-in Intel root the same log's decisions do not reproduce.
        LogTestClient.Run wrongRoots = LogTestClient.run(s -> Main.run(new String[] {"replay", "--url", client.base,
                "--token", LogTestClient.TOKEN, "--log-key", vkey.toString(), "--json"}, s[0], s[1], Clock.systemUTC()));
        assertEquals(1, wrongRoots.exit(), wrongRoots.out() + wrongRoots.err());
        assertTrue(LogTestClient.kinds(wrongRoots.json()).stream().allMatch(k -> k.startsWith("REPLAY_DIVERGENCE")),
                wrongRoots.out());
    }
}

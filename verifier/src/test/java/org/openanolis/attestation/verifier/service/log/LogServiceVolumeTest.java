package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.LogExportCommand;
import org.openanolis.attestation.verifier.log.LogReplayCommand;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * A few hundred mixed attestations (CPU only, with GPUs, debug, failed GPU binding, malformed
 * evidence) through the running service with stand-in engines that take collateral from a source,
 * then: every decision is in the log (failures with their reason code), {@code replay --url}
 * re-runs every appraisal through the service's pipeline with zero divergences, {@code export}
 * then an offline {@code replay --export} agrees, and a byte changed in the real SQLite database
 * is reported.
 */
class LogServiceVolumeTest {
    @TempDir
    static Path data;
    @TempDir
    static Path work;
    private static ServiceLauncher.Running running;
    private static LogTestClient client;

    static final byte[] TCB_INFO = "stand-in tcb info v1".getBytes(StandardCharsets.UTF_8);
    static final byte[] DRIVER_RIM = "stand-in driver rim".getBytes(StandardCharsets.UTF_8);

    /**
     * Stand-in engines: CPU "evidence" is the 64-byte report data plus a debug byte; its TCB status
     * depends on the tcb_info collateral it is given (so a replay needs the recorded collateral).
     * GPU evidence starts with the expected nonce; it needs a driver_rim.
     */
    static final class StandInEngines implements EvidenceVerifiers {
        private final Map<String, byte[]> cpuCollateral;
        private final List<Map<String, byte[]>> gpuCollateral;
        private int nextGpu;

        StandInEngines(Map<String, byte[]> cpuCollateral, List<Map<String, byte[]>> gpuCollateral) {
            this.cpuCollateral = cpuCollateral;
            this.gpuCollateral = gpuCollateral;
        }

        /** The service side: the same collateral for every device. */
        static StandInEngines live() {
            return new StandInEngines(Map.of("tcb_info", TCB_INFO), null);
        }

        @Override
        public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
            byte[] ev = e.evidence();
            if (ev.length < 64) {
                throw VerificationException.malformed("quote", ev.length, "too short");
            }
            byte[] tcb = cpuCollateral.get("tcb_info");
            if (tcb == null) {
                throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "tcb_info", "no tcb_info");
            }
            CollateralUsage.note("tcb_info", tcb);
            return new VerifiedEvidence(e.tee(), Arrays.equals(tcb, TCB_INFO) ? "UpToDate" : "OutOfDate", List.of(),
                    Map.of("report_data", Hex.encode(Arrays.copyOf(ev, 64)), "debug", ev.length > 64 && ev[64] == 1,
                            "qe_status", "UpToDate", "module_status", "UpToDate"));
        }

        @Override
        public VerifiedEvidence verifyGpu(GpuEvidence g, byte[] nonce, VerificationContext ctx) throws VerificationException {
            Map<String, byte[]> c = gpuCollateral == null ? Map.of("driver_rim", DRIVER_RIM) : gpuCollateral.get(nextGpu++);
            if (!Arrays.equals(Arrays.copyOf(g.report(), 32), nonce)) {
                throw new VerificationException(ReasonCode.BINDING_MISMATCH, "gpu.nonce", "nonce differs");
            }
            byte[] rim = c.get("driver_rim");
            if (rim == null) {
                throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "driver_rim", "no driver RIM");
            }
            CollateralUsage.note("driver_rim", rim);
            return new VerifiedEvidence(g.tee(), null, List.of(), Map.of("measurement_result", "success"));
        }
    }

    /** The replay engine: the service's pipeline with stand-in engines fed only the recorded collateral. */
    static ServiceReplayEngine replayEngine() {
        return new ServiceReplayEngine(TrustAnchors.builtIn(), ServiceReplayEngine.BUILT_IN, (byDevice, gpus, mode) -> {
            List<Map<String, byte[]>> g = new ArrayList<>();
            for (int i = 0; i < gpus; i++) {
                g.add(byDevice.getOrDefault("gpu" + i, Map.of()));
            }
            return new StandInEngines(byDevice.getOrDefault("cpu", Map.of()), g);
        });
    }

    @BeforeAll
    static void start() throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = data.toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = LogTestClient.TOKEN;
        c.denyContraindicated = false; // contraindicated decisions get tokens: they are replayed too
        c.logCheckpointIntervalSeconds = 3600;
        running = ServiceLauncher.start(c, Clock.systemUTC(), a -> StandInEngines.live(), null);
        client = new LogTestClient("http://127.0.0.1:" + running.port());
    }

    @AfterAll
    static void stop() {
        running.close().await();
    }

    /** kind 0 CPU only, 1 two GPUs, 2 debug, 3 GPU with a wrong nonce, 4 malformed quote. */
    static ObjectNode request(String nonce, int kind) {
        byte[] nonceBytes = Base64.getUrlDecoder().decode(nonce);
        byte[] gpuNonce = kind == 3 ? new byte[32] : AttestationService.gpuNonce(nonceBytes);
        int gpus = kind == 1 || kind == 3 ? 2 : 0;
        List<byte[]> gpuEvidence = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            byte[] ev = Arrays.copyOf(gpuNonce, 40);
            ev[39] = (byte) i;
            gpuEvidence.add(ev);
        }
        byte[] runtime = AttestationService.runtimeData(null, gpuEvidence);
        byte[] quote = Arrays.copyOf(Digests.sha512(nonceBytes, runtime), kind == 2 ? 65 : 64);
        if (kind == 2) {
            quote[64] = 1;
        }
        if (kind == 4) {
            quote = Arrays.copyOf(quote, 20);
        }
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(quote));
        var arr = body.putArray("gpus");
        for (byte[] g : gpuEvidence) {
            arr.addObject().put("tee", "nvgpu").put("evidence", Base64.getEncoder().encodeToString(g))
                    .put("cert_chain", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        }
        return body;
    }

    @Test
    void fewHundredAttestationsReplayCleanOnlineAndOfflineAndTamperingIsFound() throws Exception {
        int n = 200;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<JsonNode>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int kind = i % 5;
            results.add(pool.submit(() -> client.attest(request(client.nonce(), kind))));
        }
        Set<Long> indexes = new HashSet<>();
        int failures = 0;
        long failureIndex = -1;
        String someJti = null;
        long someJtiIndex = -1;
        for (Future<JsonNode> f : results) {
            JsonNode r = f.get();
            int status = r.get("http_status").asInt();
            if (status == 200) {
                indexes.add(r.get("log_index").asLong());
                someJti = r.get("jti").asText();
                someJtiIndex = r.get("log_index").asLong();
            } else {
                failures++;
                assertNotNull(r.get("log_index"), r.toString());
                indexes.add(r.get("log_index").asLong());
                if ("BINDING_MISMATCH".equals(r.path("reason").asText(r.path("code").asText()))) {
                    failureIndex = r.get("log_index").asLong();
                }
            }
        }
        pool.shutdown();
        assertEquals(n * 2 / 5, failures);
        assertEquals(n, indexes.size(), "every decision, passed or failed, has its own entry");

        // The auditor routes refuse requests without the auditor token.
        assertEquals(401, client.get("/v1/log/checkpoint", null).statusCode());
        assertEquals(401, client.get("/v1/log/entries", "Bearer wrong").statusCode());
        HTTPish.assertStatus(200, client.post("/v1/log/checkpoint", "", LogTestClient.TOKEN).statusCode());

        // A token's jti is in its entry; a failure is recorded with its reason code and no token.
        JsonNode one = LogTestClient.JSON.readTree(client.get("/v1/log/entries/" + someJtiIndex, LogTestClient.TOKEN).body());
        assertEquals(someJti, one.get("jti").asText());
        if (failureIndex >= 0) {
            JsonNode failed = LogTestClient.JSON.readTree(client.get("/v1/log/entries/" + failureIndex,
                    LogTestClient.TOKEN).body());
            assertEquals("contraindicated", failed.get("status").asText());
            assertEquals("BINDING_MISMATCH", failed.get("reason").asText());
        }
        LogEntry decoded = LogEntry.decode(Base64.getDecoder().decode(one.get("entry").asText()));
        assertFalse(decoded.collateral().isEmpty());

        // Paging is bounded.
        assertEquals(400, client.get("/v1/log/entries?start=0&limit=5000", LogTestClient.TOKEN).statusCode());
        JsonNode page = LogTestClient.JSON.readTree(client.get("/v1/log/entries?start=0&limit=100", LogTestClient.TOKEN).body());
        assertEquals(100, page.get("entries").size());
        assertEquals(100, page.get("next_start").asLong());

        // One entry as attestation bundles, zipped.
        var zip = client.get("/v1/log/entries/" + someJtiIndex + "/bundle", LogTestClient.TOKEN);
        assertEquals(200, zip.statusCode());
        Set<String> names = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertTrue(names.contains("cpu/manifest.json") && names.contains("entry.cbor"), names.toString());

        // replay --url: every entry included and re-run, zero divergences.
        Path vkey = work.resolve("log.vkey");
        Files.writeString(vkey, new String(client.get("/v1/log/key", LogTestClient.TOKEN).body(), StandardCharsets.UTF_8));
        LogTestClient.Run online = LogTestClient.run(s -> LogReplayCommand.run(List.of("--url", client.base, "--token",
                LogTestClient.TOKEN, "--log-key", vkey.toString(), "--json"), Optional.of(replayEngine()), s[0], s[1]));
        assertEquals(0, online.exit(), online.out() + online.err());
        assertEquals(n, online.json().get("entries_checked").asInt());
        assertEquals(n, online.json().get("entries_replayed").asInt());
        Path trusted = work.resolve("trusted.note");
        Files.writeString(trusted, new String(client.get("/v1/log/checkpoint", LogTestClient.TOKEN).body(),
                StandardCharsets.UTF_8));

        // export, then offline replay of the export.
        Path export = work.resolve("export");
        LogTestClient.Run exported = LogTestClient.run(s -> LogExportCommand.run(List.of("--url", client.base, "--token",
                LogTestClient.TOKEN, "--from", "0", "--to", Integer.toString(n), "--out", export.toString(), "--no-bundles"), s[0], s[1]));
        assertEquals(0, exported.exit(), exported.err());
        LogTestClient.Run offline = LogTestClient.run(s -> LogReplayCommand.run(List.of("--export", export.toString(),
                "--log-key", vkey.toString(), "--since-checkpoint", trusted.toString(), "--json"),
                Optional.of(replayEngine()), s[0], s[1]));
        assertEquals(0, offline.exit(), offline.out() + offline.err());
        assertEquals(n, offline.json().get("entries_replayed").asInt());

        // Change one byte of a stored entry in the real database: replay --url reports that entry.
        long victim = 17;
        try (Connection conn = running.log().database().dataSource().getConnection();
             Statement st = conn.createStatement()) {
            st.executeUpdate("DROP TRIGGER log_entry_no_update");
            byte[] bytes;
            try (ResultSet rs = st.executeQuery("SELECT entry FROM log_entry WHERE idx = " + victim)) {
                assertTrue(rs.next());
                bytes = rs.getBytes(1);
            }
            bytes[bytes.length - 3] ^= 0x01;
            try (PreparedStatement ps = conn.prepareStatement("UPDATE log_entry SET entry = ? WHERE idx = ?")) {
                ps.setBytes(1, bytes);
                ps.setLong(2, victim);
                assertEquals(1, ps.executeUpdate());
            }
        }
        LogTestClient.Run tampered = LogTestClient.run(s -> LogReplayCommand.run(List.of("--url", client.base, "--token",
                LogTestClient.TOKEN, "--log-key", vkey.toString(), "--since-checkpoint", trusted.toString(), "--json"),
                Optional.of(replayEngine()), s[0], s[1]));
        assertEquals(1, tampered.exit(), tampered.out() + tampered.err());
        assertTrue(LogTestClient.kinds(tampered.json()).contains("ENTRY_NOT_INCLUDED@" + victim), tampered.out());

        // A checkpoint pinned with another key is refused.
        Path otherKey = work.resolve("other.vkey");
        Files.writeString(otherKey, org.openanolis.attestation.verifier.log.NoteSigner.generate(
                decodedOrigin(vkey), new java.security.SecureRandom()).verifierKey() + "\n");
        LogTestClient.Run forged = LogTestClient.run(s -> LogReplayCommand.run(List.of("--url", client.base, "--token",
                LogTestClient.TOKEN, "--log-key", otherKey.toString(), "--json"), Optional.of(replayEngine()), s[0], s[1]));
        assertEquals(1, forged.exit(), forged.out() + forged.err());
        assertTrue(LogTestClient.kinds(forged.json()).toString().contains("CHECKPOINT_SIGNATURE_INVALID"), forged.out());
    }

    private static String decodedOrigin(Path vkey) throws Exception {
        return Files.readString(vkey).strip().split("\\+")[0];
    }

    /** Tiny assertion helper that keeps the status in the message. */
    static final class HTTPish {
        static void assertStatus(int want, int got) {
            assertEquals(want, got);
        }
    }
}

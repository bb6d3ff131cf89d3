package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.cli.Main;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * Passed (affirming) and contraindicated (debug TD) decisions made by the real TDX engine on
 * simulator quotes bound to the service nonce, some with a simulated Hopper GPU verified by the
 * real NVIDIA engine against signed RIMs, with generated Intel and NVIDIA PKIs pinned through
 * {@code trust_anchors_dir}; {@code verifier replay --url --trust-anchors} reproduces every one.
 */
class SimulatedTdxReplayTest {
    static final Instant AT = Instant.parse("2026-01-15T00:00:00Z");
    @TempDir
    static Path data;
    private static ServiceLauncher.Running running;
    private static LogTestClient client;
    private static SimulatedTdxGpuPlatform platform;
    private static Path anchors;

    @BeforeAll
    static void start() throws Exception {
        anchors = data.resolve("anchors");
        platform = SimulatedTdxGpuPlatform.create(anchors);
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = data.resolve("service").toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = LogTestClient.TOKEN;
        c.denyContraindicated = false; // contraindicated decisions get tokens: they are replayed too
        c.trustAnchorsDir = anchors.toString();
        c.ocspMode = "off";
        running = ServiceLauncher.start(c, Clock.fixed(AT, ZoneOffset.UTC), a -> platform.engines(request -> {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "vek", "no AMD source in this test");
        }), null);
        client = new LogTestClient("http://127.0.0.1:" + running.port());
    }

    @AfterAll
    static void stop() {
        running.close().await();
    }

    private static JsonNode attest(boolean debug, boolean withGpu) throws Exception {
        return client.attest(platform.request(client.nonce(), debug, withGpu));
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

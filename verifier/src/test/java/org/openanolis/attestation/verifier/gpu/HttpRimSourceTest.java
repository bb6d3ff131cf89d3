package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.CTX;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.evidence;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.nonce;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.rims;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;

/** RIMs fetched by id from a RIM service on loopback. */
class HttpRimSourceTest {
    private static final SimulatedNvidiaDevice GPU = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
    private final Map<String, String> bodies = new HashMap<>();
    private HttpServer server;
    private HttpRimSource source;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/rim/", ex -> {
            try (ex) {
                String id = ex.getRequestURI().getPath().substring("/v1/rim/".length());
                String body = bodies.get(id);
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
        });
        server.start();
        source = new HttpRimSource(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void publish(String id, String answeredId, byte[] rim) {
        bodies.put(id, "{\"id\":\"" + answeredId + "\",\"rim\":\"" + Base64.getEncoder().encodeToString(rim)
                + "\",\"sha256\":\"\",\"rim_format\":\"SWID\"}");
    }

    @Test
    void fetchesByIdAndVerifies() throws IOException {
        Map<RimKind, byte[]> r = rims(GPU);
        publish("NV_GPU_DRIVER_GH100_550.90.07", "NV_GPU_DRIVER_GH100_550.90.07", r.get(RimKind.DRIVER));
        publish("NV_GPU_VBIOS_1010_0200_882_96009F0001", "NV_GPU_VBIOS_1010_0200_882_96009F0001", r.get(RimKind.VBIOS));
        assertArrayEquals(r.get(RimKind.DRIVER), source.fetch(RimKind.DRIVER, "NV_GPU_DRIVER_GH100_550.90.07").orElseThrow());
        byte[] n = nonce();
        GpuDeviceResult res = GpuEvidenceVerifier.builder().build().verify(evidence(GPU, GPU.report(n)), n, source,
                OcspSource.none(), OcspMode.OFF, CTX);
        assertTrue(res.passed(), () -> res.failure().get().getMessage());
    }

    @Test
    void unknownIdIsMissing() {
        byte[] n = nonce();
        GpuDeviceResult res = GpuEvidenceVerifier.builder().build().verify(evidence(GPU, GPU.report(n)), n, source,
                OcspSource.none(), OcspMode.OFF, CTX);
        assertEquals(ReasonCode.COLLATERAL_MISSING, res.failure().orElseThrow().code());
    }

    @Test
    void answerForAnotherIdIsRefused() {
        publish("NV_GPU_DRIVER_GH100_550.90.07", "NV_GPU_DRIVER_GH100_535.86.09", rims(GPU).get(RimKind.DRIVER));
        assertThrows(IOException.class, () -> source.fetch(RimKind.DRIVER, "NV_GPU_DRIVER_GH100_550.90.07"));
    }

    @Test
    void anAnswerOverTheLimitIsRefused() {
        bodies.put("NV_GPU_DRIVER_GH100_550.90.07", "x".repeat(HttpRimSource.MAX_RESPONSE + 1));
        IOException e = assertThrows(IOException.class, () -> source.fetch(RimKind.DRIVER, "NV_GPU_DRIVER_GH100_550.90.07"));
        assertEquals("RIM service answer larger than 4194304 bytes for NV_GPU_DRIVER_GH100_550.90.07", e.getMessage());
    }
}

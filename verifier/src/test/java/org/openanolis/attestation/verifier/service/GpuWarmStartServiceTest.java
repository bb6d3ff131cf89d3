package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.verifier.demo.SimulatedDeployment;

/**
 * The service's warm start from its verification log ({@code gpu_warm_start_entries}): after a
 * restart, the devices of the log's newest entries have their chains validated and their good
 * OCSP answers held again, so a host that reboots with the service asks the responder nothing
 * about its device chains; with the warm start off it asks about all of them.
 */
class GpuWarmStartServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String nonce(SimulatedDeployment d) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(d.baseUri().resolve("/v1/nonce")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("nonce").asText();
    }

    private static void attest(SimulatedDeployment d, SimulatedHost host) throws Exception {
        URI uri = d.baseUri().resolve("/v1/attest");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(host.attestRequest(nonce(d)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static JsonNode warmStatus(SimulatedDeployment d) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(d.baseUri().resolve("/v1/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode w = JSON.readTree(r.body()).path("gpu_warm_start");
            String state = w.path("state").asText();
            if (!state.equals("pending") && !state.equals("running")) {
                return w;
            }
            assertTrue(System.nanoTime() < deadline, "warm start still " + state + " after 60 s");
            Thread.sleep(20);
        }
    }

    @Test
    void aRestartedServiceAsksNothingAboutTheDeviceChainsItRecorded() throws Exception {
        SimulatedEnvironment env = SimulatedEnvironment.create();
        SimulatedHost twoGpus = SimulatedHost.tdx(env).gpus(2).build();
        SimulatedHost cpuOnly = SimulatedHost.tdx(env).build();
        SimulatedDeployment d = SimulatedDeployment.start(env, Clock.systemUTC(), c -> { });
        try {
            assertEquals("done", warmStatus(d).path("state").asText()); // an empty log
            attest(d, twoGpus);
            attest(d, cpuOnly);
            // A recorded failure (runtime data that the quote does not bind) is not rehearsed.
            com.fasterxml.jackson.databind.node.ObjectNode body =
                    (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(twoGpus.attestRequest(nonce(d)));
            String tampered = JSON.writeValueAsString(body.put("runtime_data", "e30=")); // {}
            HttpResponse<String> failed = HTTP.send(HttpRequest.newBuilder(d.baseUri().resolve("/v1/attest"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(tampered))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(failed.statusCode() >= 400 && failed.body().contains("BINDING_MISMATCH"), failed.body());

            int ocspBefore = d.vendors().ocspResponder().requestCount();
            int rimBefore = d.vendors().rimRequests();
            long logSize = d.service().log().store().treeSize();
            d = d.restart();
            JsonNode warm = warmStatus(d);
            assertEquals("done", warm.path("state").asText(), warm.toString());
            assertEquals(3, warm.path("entries_read").asInt(), warm.toString());
            assertEquals(2, warm.path("devices").asInt(), warm.toString());
            assertEquals(0, warm.path("chains_invalid").asInt(), warm.toString());
            // Both recorded requests were rehearsed whole (API body, verification, appraisal, token,
            // entry) and nothing of it was kept: the log has the same entries.
            assertEquals(2, warm.path("requests_rehearsed").asInt(), warm.toString());
            assertEquals(0, warm.path("rehearsals_failed").asInt(), warm.toString());
            assertEquals(logSize, d.service().log().store().treeSize());
            // The warm start asks nobody: recorded answers and RIMs only.
            assertEquals(ocspBefore, d.vendors().ocspResponder().requestCount());
            assertEquals(rimBefore, d.vendors().rimRequests());
            int before = d.vendors().ocspResponder().requestCount();
            attest(d, twoGpus);
            int warmAsks = d.vendors().ocspResponder().requestCount() - before;

            d.config().gpuWarmStartEntries = 0;
            d = d.restart();
            assertEquals("off", warmStatus(d).path("state").asText());
            before = d.vendors().ocspResponder().requestCount();
            attest(d, twoGpus);
            int coldAsks = d.vendors().ocspResponder().requestCount() - before;
            // Cold: each GPU's own device certificate, plus the two CAs both chains share; the RIM
            // signer chain is asked about in both cases (not warmed).
            assertEquals(2 + 2, coldAsks - warmAsks, "cold " + coldAsks + ", warm " + warmAsks);
        } finally {
            d.close();
        }
    }

    @Test
    void theKnobsAreBoundedAndNamedInTheError() throws Exception {
        assertEquals(20_000, ServiceConfig.load(null, Map.of()).gpuWarmStartEntries);
        assertEquals(0, ServiceConfig.load(null, Map.of("ATTESTATION_GPU_WARM_START_ENTRIES", "0")).gpuWarmStartEntries);
        ServiceConfig.ConfigException e = assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("ATTESTATION_GPU_WARM_START_ENTRIES", "-1")));
        assertTrue(e.getMessage().contains("gpu_warm_start_entries"), e.getMessage());
        assertEquals(3600, ServiceConfig.load(null, Map.of()).ocspCacheMaxAgeSeconds);
        e = assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("ATTESTATION_OCSP_CACHE_MAX_AGE_SECONDS", "604801")));
        assertTrue(e.getMessage().contains("ocsp_cache_max_age_seconds"), e.getMessage());
    }
}

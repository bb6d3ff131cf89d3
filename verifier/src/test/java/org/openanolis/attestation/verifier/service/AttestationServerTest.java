package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;

/**
 * The HTTP layer and the binding rules, with stand-in engines whose "evidence" is the report data
 * itself (CPU) or starts with the nonce (GPU): what is tested here is the service, not the TEEs.
 */
class AttestationServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    static Path data;
    private static ServiceLauncher.Running running;
    private static String base;

    /** CPU "evidence" = 64 bytes of report data, plus a debug flag byte when 65 long. */
    static final class EchoVerifiers implements EvidenceVerifiers {
        @Override
        public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
            byte[] ev = e.evidence();
            if (ev.length < 64) {
                throw VerificationException.malformed("quote", ev.length, "too short");
            }
            return new VerifiedEvidence(e.tee(), "UpToDate", List.of(), Map.of("tee", e.tee(),
                    "report_data", Hex.encode(Arrays.copyOf(ev, 64)), "debug", ev.length > 64 && ev[64] == 1,
                    "tcb_status", "UpToDate", "qe_status", "UpToDate", "module_status", "UpToDate"));
        }

        @Override
        public VerifiedEvidence verifyGpu(GpuEvidence g, byte[] nonce, VerificationContext ctx) throws VerificationException {
            if (!Arrays.equals(Arrays.copyOf(g.report(), 32), nonce)) {
                throw new VerificationException(ReasonCode.BINDING_MISMATCH, "gpu.nonce", "nonce differs");
            }
            return new VerifiedEvidence(g.tee(), null, List.of(), Map.of("tee", g.tee(), "measurement_result", "success",
                    "ocsp", Map.of("device_chain", Map.of("mode", "off", "status", "not_checked"))));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = data.toString();
        c.bodyLimitBytes = 64 * 1024;
        c.rateLimitPerSecond = 0;
        running = ServiceLauncher.start(c, Clock.systemUTC(), a -> new EchoVerifiers(), AttestationRecorder.NONE);
        base = "http://127.0.0.1:" + running.port();
    }

    @AfterAll
    static void stop() {
        running.close().await();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String nonce() throws Exception {
        return JSON.readTree(get("/v1/nonce").body()).get("nonce").asText();
    }

    /** Builds an attest body the stand-in engines accept (or break one binding on purpose). */
    private static ObjectNode request(String nonce, boolean debug, int gpus, boolean goodGpuNonce) {
        byte[] nonceBytes = Base64.getUrlDecoder().decode(nonce);
        byte[] gpuNonce = AttestationService.gpuNonce(nonceBytes);
        if (!goodGpuNonce) {
            gpuNonce = new byte[32];
        }
        List<byte[]> gpuEvidence = new java.util.ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            byte[] ev = Arrays.copyOf(gpuNonce, 40);
            ev[39] = (byte) i;
            gpuEvidence.add(ev);
        }
        Map<String, Object> jwk = Map.of("kty", "EC", "crv", "P-256",
                "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
        byte[] runtime = AttestationService.runtimeData(jwk, gpuEvidence);
        byte[] quote = Arrays.copyOf(Digests.sha512(nonceBytes, runtime), debug ? 65 : 64);
        if (debug) {
            quote[64] = 1;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(quote));
        var arr = body.putArray("gpus");
        for (byte[] g : gpuEvidence) {
            arr.addObject().put("tee", "nvgpu").put("evidence", Base64.getEncoder().encodeToString(g))
                    .put("cert_chain", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        }
        body.put("audience", "gateway");
        return body;
    }

    private static JWKSet jwks() throws Exception {
        return JWKSet.parse(get("/.well-known/jwks.json").body());
    }

    @Test
    void nonceToTokenRoundTripWithEightGpus() throws Exception {
        HttpResponse<String> r = post("/v1/attest", request(nonce(), false, 8, true).toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        SignedJWT jwt = SignedJWT.parse(body.get("token").asText());
        ECKey key = (ECKey) jwks().getKeyByKeyId(jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new ECDSAVerifier(key)));
        Map<String, Object> submods = jwt.getJWTClaimsSet().getJSONObjectClaim("submods");
        assertEquals(9, submods.size());
        assertEquals("affirming", ((Map<?, ?>) submods.get("cpu")).get("ear.status"));
        assertEquals("affirming", ((Map<?, ?>) submods.get("gpu7")).get("ear.status"));
        assertEquals(List.of("gateway"), jwt.getJWTClaimsSet().getAudience());
        assertEquals("EC", ((Map<?, ?>) jwt.getJWTClaimsSet().getJSONObjectClaim("cnf").get("jwk")).get("kty"));
    }

    @Test
    void debugTdIsDeniedByTheDefaultPolicy() throws Exception {
        HttpResponse<String> r = post("/v1/attest", request(nonce(), true, 0, true).toString());
        assertEquals(403, r.statusCode(), r.body());
        JsonNode p = JSON.readTree(r.body());
        assertEquals("POLICY_DENIED", p.get("code").asText());
        assertEquals("appraisal.cpu", p.get("field").asText());
        assertTrue(p.get("failed_rules") == null, "explanation not exposed by default");
        assertTrue(p.get("token") == null);
    }

    @Test
    void contraindicatedIsATokenWhenDenialIsOff(@TempDir Path other) throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of("ATTESTATION_DENY_CONTRAINDICATED", "false",
                "ATTESTATION_DATA_DIR", other.toString()));
        c.port = 0;
        c.host = "127.0.0.1";
        c.rateLimitPerSecond = 0;
        ServiceLauncher.Running lenient = ServiceLauncher.start(c, Clock.systemUTC(), a -> new EchoVerifiers(),
                AttestationRecorder.NONE);
        try {
            String b = "http://127.0.0.1:" + lenient.port();
            String n = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(b + "/v1/nonce")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("nonce").asText();
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(b + "/v1/attest"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(request(n, true, 0, true).toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("contraindicated", JSON.readTree(r.body()).get("status").get("cpu").asText());
        } finally {
            lenient.close().await();
        }
    }

    @Test
    void bindingFailuresAreProblemsWithReasonCodes() throws Exception {
        // GPU nonce not derived from the service nonce.
        HttpResponse<String> r = post("/v1/attest", request(nonce(), false, 2, false).toString());
        assertEquals(403, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("BINDING_MISMATCH", JSON.readTree(r.body()).get("code").asText());
        // Report data from another nonce.
        ObjectNode other = request(nonce(), false, 0, true);
        other.put("nonce", nonce());
        r = post("/v1/attest", other.toString());
        assertEquals("cpu.report_data", JSON.readTree(r.body()).get("field").asText());
        // GPU evidence swapped after runtime_data was built.
        ObjectNode swapped = request(nonce(), false, 2, true);
        var gpus = (com.fasterxml.jackson.databind.node.ArrayNode) swapped.get("gpus");
        JsonNode first = gpus.get(0);
        gpus.set(0, gpus.get(1));
        gpus.set(1, first);
        r = post("/v1/attest", swapped.toString());
        assertEquals("runtime_data.gpu_evidence_sha256[0]", JSON.readTree(r.body()).get("field").asText());
        // Forged nonce.
        String n = nonce();
        byte[] raw = Base64.getUrlDecoder().decode(n);
        raw[40] ^= 1; // inside the MAC
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        ObjectNode f = request(forged, false, 0, true);
        r = post("/v1/attest", f.toString());
        assertEquals("nonce", JSON.readTree(r.body()).get("field").asText());
        assertEquals("BINDING_MISMATCH", JSON.readTree(r.body()).get("code").asText());
    }

    @Test
    void malformedRequestsAreRefusedWithoutAToken() throws Exception {
        assertEquals(400, post("/v1/attest", "not json").statusCode());
        ObjectNode typo = request(nonce(), false, 0, true);
        typo.put("polcy_ids", "x");
        HttpResponse<String> r = post("/v1/attest", typo.toString());
        assertEquals(400, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("detail").asText().contains("polcy_ids"));
        ObjectNode badB64 = request(nonce(), false, 0, true);
        ((ObjectNode) badB64.get("cpu")).put("evidence", "%%%");
        assertEquals("MALFORMED_EVIDENCE", JSON.readTree(post("/v1/attest", badB64.toString()).body()).get("code").asText());
        ObjectNode shortQuote = request(nonce(), false, 0, true);
        ((ObjectNode) shortQuote.get("cpu")).put("evidence", "AAAA");
        r = post("/v1/attest", shortQuote.toString());
        assertEquals(400, r.statusCode());
        assertEquals("MALFORMED_EVIDENCE", JSON.readTree(r.body()).get("code").asText());
    }

    @Test
    void floodingClientGets429(@TempDir Path other) throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of("ATTESTATION_RATE_LIMIT_PER_SECOND", "1",
                "ATTESTATION_RATE_LIMIT_BURST", "5", "ATTESTATION_PORT", "1", "ATTESTATION_DATA_DIR", other.toString()));
        c.port = 0;
        c.host = "127.0.0.1";
        ServiceLauncher.Running limited1 = ServiceLauncher.start(c, Clock.systemUTC(), a -> new EchoVerifiers(),
                AttestationRecorder.NONE);
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + limited1.port() + "/v1/nonce")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429) {
                limited++;
                assertTrue(r.headers().firstValue("Retry-After").isPresent());
            }
        }
        limited1.close().await();
        assertTrue(limited >= 14, "limited " + limited);
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        HttpResponse<String> r = post("/v1/attest", "{\"nonce\":\"" + "A".repeat(70 * 1024) + "\"}");
        assertEquals(413, r.statusCode());
    }

    @Test
    void discoveryHealthMetrics() throws Exception {
        JsonNode d = JSON.readTree(get("/.well-known/openid-configuration").body());
        assertTrue(d.get("jwks_uri").asText().endsWith("/.well-known/jwks.json"));
        assertEquals("ok", JSON.readTree(get("/health").body()).get("status").asText());
        post("/v1/attest", request(nonce(), false, 0, true).toString());
        assertTrue(get("/metrics").body().contains("attestations_total"));
        assertEquals(404, get("/nope").statusCode());
    }
}

package org.openanolis.attestation.verifier.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;

/**
 * A service started in-process with stand-in engines whose CPU "evidence" is the 64 report-data
 * bytes followed by a JSON object of claims (merged over healthy TDX defaults): the policy side is
 * what these tests exercise, with claims chosen per request. Admin calls use static tokens.
 */
final class PolicyHttpFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ADMIN = "Bearer admin-token-0123456789abcdef0123456789abcdef";
    static final String AUDITOR = "Bearer audit-token-0123456789abcdef0123456789abcdef";
    static final String ATTESTER = "Bearer attester-token-0123456789abcdef0123456789abc";
    static final List<String> TOKENS = List.of("alice:policy-admin:" + ADMIN.substring(7),
            "audit-bot:auditor:" + AUDITOR.substring(7), "workload:attester:" + ATTESTER.substring(7));

    final ServiceLauncher.Running running;
    final String base;
    final List<AttestationRecorder.Record> recorded = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Healthy TDX claims; the request's JSON overrides them. */
    static final class ClaimsEchoVerifiers implements EvidenceVerifiers {
        @Override
        public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
            byte[] ev = e.evidence();
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("tee", e.tee());
            claims.put("report_data", Hex.encode(Arrays.copyOf(ev, 64)));
            claims.put("debug", false);
            claims.put("tcb_status", "UpToDate");
            claims.put("qe_status", "UpToDate");
            claims.put("module_status", "UpToDate");
            claims.put("mr_td", "aa".repeat(48));
            if (ev.length > 64) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> extra = JSON.readValue(Arrays.copyOfRange(ev, 64, ev.length), Map.class);
                    claims.putAll(extra);
                } catch (java.io.IOException ex) {
                    throw VerificationException.malformed("quote", 64, "claims are not JSON");
                }
            }
            return new VerifiedEvidence(e.tee(), (String) claims.get("tcb_status"), List.of(), claims);
        }

        @Override
        public VerifiedEvidence verifyGpu(GpuEvidence g, byte[] nonce, VerificationContext ctx) {
            return new VerifiedEvidence(g.tee(), null, List.of(), Map.of("tee", g.tee(), "measurement_result", "success",
                    "ocsp", Map.of("device_chain", Map.of("mode", "off", "status", "not_checked"))));
        }
    }

    PolicyHttpFixture(ServiceConfig config) throws Exception {
        config.port = 0;
        config.host = "127.0.0.1";
        config.rateLimitPerSecond = 0;
        config.adminTokens = new ArrayList<>(TOKENS);
        config.policyCacheTtlSeconds = 0;
        running = ServiceLauncher.start(config, Clock.systemUTC(), a -> new ClaimsEchoVerifiers(), r -> {
            recorded.add(r);
            return java.util.concurrent.CompletableFuture.completedFuture((long) recorded.size());
        });
        base = "http://127.0.0.1:" + running.port();
    }

    @Override
    public void close() {
        running.close().await();
    }

    HttpResponse<String> get(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String auth, String contentType, String body) throws Exception {
        return post(path, auth, contentType, body, Map.of());
    }

    HttpResponse<String> post(String path, String auth, String contentType, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads a YAML policy or reference set as policy-admin; returns the created version. */
    JsonNode upload(String kindPath, String yaml) throws Exception {
        HttpResponse<String> r = post("/v1/admin/" + kindPath, ADMIN, "application/yaml", yaml);
        if (r.statusCode() != 201) {
            throw new AssertionError(r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    void activate(String kindPath, String name, int version) throws Exception {
        HttpResponse<String> r = post("/v1/admin/" + kindPath + "/" + name + "/activate", ADMIN, "application/json",
                "{\"version\":" + version + "}");
        if (r.statusCode() != 200) {
            throw new AssertionError(r.statusCode() + " " + r.body());
        }
    }

    /** Attests with CPU claims overriding the healthy defaults and optional policy ids. */
    HttpResponse<String> attest(Map<String, Object> claimOverrides, Map<String, String> policyIds, int gpus)
            throws Exception {
        String nonce = JSON.readTree(get("/v1/nonce", null).body()).get("nonce").asText();
        byte[] n = Base64.getUrlDecoder().decode(nonce);
        List<byte[]> gpuEvidence = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            gpuEvidence.add(new byte[] {(byte) i});
        }
        byte[] runtime = AttestationService.runtimeData(null, gpuEvidence);
        byte[] extra = JSON.writeValueAsBytes(claimOverrides);
        byte[] quote = Arrays.copyOf(Digests.sha512(n, runtime), 64 + extra.length);
        System.arraycopy(extra, 0, quote, 64, extra.length);
        ObjectNode body = JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(quote));
        var arr = body.putArray("gpus");
        for (byte[] g : gpuEvidence) {
            arr.addObject().put("tee", "nvgpu").put("evidence", Base64.getEncoder().encodeToString(g))
                    .put("cert_chain", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        }
        if (!policyIds.isEmpty()) {
            body.set("policy_ids", JSON.valueToTree(policyIds));
        }
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/attest")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package org.openanolis.attestation.verifier.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.service.ServiceConfig;

/**
 * Shared by the scale-out and fault tests: a stand-in CPU engine (the "quote" is the 64-byte
 * report data; its TCB status comes from a collateral item it must obtain, so collateral faults
 * reach the HTTP answer), request bodies bound to a nonce the way the attester recipe binds them,
 * and a small HTTP client.
 */
final class ScaleFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String AUDITOR_TOKEN = "auditor-token-for-scale-tests-0123456789";
    static final byte[] TCB_INFO = "stand-in tcb info v1".getBytes(StandardCharsets.UTF_8);

    private ScaleFixture() {}

    /** Where the stand-in engine gets its one collateral item. */
    @FunctionalInterface
    interface TcbSource {
        byte[] tcbInfo() throws VerificationException;
    }

    /** CPU-only stand-in engine over {@code source}. */
    static EvidenceVerifiers standIn(TcbSource source) {
        return new EvidenceVerifiers() {
            @Override
            public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
                byte[] ev = e.evidence();
                if (ev.length < 64) {
                    throw VerificationException.malformed("quote", ev.length, "too short");
                }
                byte[] tcb = source.tcbInfo();
                CollateralUsage.note("tcb_info", tcb);
                return new VerifiedEvidence(e.tee(), Arrays.equals(tcb, TCB_INFO) ? "UpToDate" : "OutOfDate", List.of(),
                        Map.of("report_data", Hex.encode(Arrays.copyOf(ev, 64)), "debug", false,
                                "qe_status", "UpToDate", "module_status", "UpToDate"));
            }

            @Override
            public VerifiedEvidence verifyGpu(GpuEvidence g, byte[] nonce, VerificationContext ctx)
                    throws VerificationException {
                throw new VerificationException(ReasonCode.MALFORMED_EVIDENCE, "gpus", "the stand-in has no GPU engine");
            }
        };
    }

    /** A loopback configuration with its own data directory; no rate limit, hourly checkpoints. */
    static ServiceConfig config(Path dataDir) throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = dataDir.toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = AUDITOR_TOKEN;
        c.logCheckpointIntervalSeconds = 3600;
        c.requestTimeoutMs = 10_000;
        return c;
    }

    /** An attest body for {@code nonce}: report data = SHA-512(nonce || runtime_data). */
    static ObjectNode request(String nonce) {
        byte[] nonceBytes = Base64.getUrlDecoder().decode(nonce);
        byte[] runtime = AttestationService.runtimeData(null, List.of());
        byte[] quote = Digests.sha512(nonceBytes, runtime);
        ObjectNode body = JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(quote));
        body.putArray("gpus");
        return body;
    }

    static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    static HttpResponse<String> get(String base, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String base, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String nonce(String base) throws Exception {
        return JSON.readTree(get(base, "/v1/nonce", null).body()).get("nonce").asText();
    }

    /** Nonce from {@code nonceBase}, attest at {@code attestBase}: the answer with its status and Retry-After. */
    static JsonNode attest(String nonceBase, String attestBase) throws Exception {
        HttpResponse<String> r = post(attestBase, "/v1/attest", request(nonce(nonceBase)).toString(), null);
        ObjectNode out = (ObjectNode) JSON.readTree(r.body());
        out.put("http_status", r.statusCode());
        r.headers().firstValue("Retry-After").ifPresent(v -> out.put("retry_after", v));
        return out;
    }
}

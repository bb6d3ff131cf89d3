package org.openanolis.attestation.verifier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.verifier.demo.SimulatedDeployment;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * {@code demo [--gpus N]}: a full round trip on this machine alone. Generates vendor-like test PKIs
 * and collateral, starts the service in-process on a free loopback port on the real engines, and
 * walks a simulated TDX host with {@code N} GPUs (default 8) through the HTTP API: nonce →
 * evidence → {@code POST /v1/attest} → EAR token → token signature checked against the JWKS.
 * Prints a transcript; exit 0 when every device is affirming and the token verifies, 1 otherwise.
 */
final class DemoCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The demo talks to its own loopback service, but bounded like every outbound exchange. */
    private static final int MAX_ANSWER = 1024 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private DemoCommand() {}

    private record Answer(int statusCode, String body) {
    }

    private static Answer send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = BoundedHttp.send(http, request, MAX_ANSWER, DEADLINE);
        return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    }

    static int run(int gpus, PrintStream out, PrintStream err, Clock clock) {
        out.println("demo: simulated TDX host with " + gpus + " GPU(s) against an in-process attestation service");
        out.println("      (test PKIs and collateral generated for this run; loopback only)");
        SimulatedEnvironment env = SimulatedEnvironment.create(clock.instant());
        try (SimulatedDeployment service = SimulatedDeployment.start(env, clock, c -> { })) {
            URI base = service.baseUri();
            out.println("service: " + base + "  (trust anchors " + service.config().trustAnchorsDir + ")");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            SimulatedHost host = SimulatedHost.tdx(env).gpus(gpus).build();

            Answer n = send(http, HttpRequest.newBuilder(base.resolve("/v1/nonce")).build());
            if (n.statusCode() != 200) {
                err.println("demo: GET /v1/nonce answered " + n.statusCode() + ": " + n.body());
                return Main.EXIT_FAIL;
            }
            JsonNode nonceJson = JSON.readTree(n.body());
            String nonce = nonceJson.get("nonce").asText();
            out.println("1. GET  /v1/nonce        -> " + abbreviate(nonce) + " (expires " + nonceJson.get("expires_at").asText() + ")");

            SimulatedHost.Evidence evidence = host.evidence(nonce);
            String body = evidence.json();
            out.println("2. host                  -> TDX quote (" + evidence.cpuEvidence().length + " bytes, report data "
                    + "SHA-512(nonce || runtime_data)), " + evidence.gpus().size() + " GPU report(s) with nonce SHA-256(nonce), "
                    + "runtime_data " + evidence.runtimeData().length + " bytes");

            long t0 = System.nanoTime();
            Answer a = send(http, HttpRequest.newBuilder(base.resolve("/v1/attest"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            out.println("3. POST /v1/attest       -> HTTP " + a.statusCode() + " in " + millis + " ms (" + body.length() / 1024
                    + " KiB request)");
            if (a.statusCode() != 200) {
                err.println("demo: attestation refused: " + a.body());
                return Main.EXIT_FAIL;
            }
            JsonNode answer = JSON.readTree(a.body());
            String token = answer.get("token").asText();

            Answer j = send(http, HttpRequest.newBuilder(base.resolve("/.well-known/jwks.json")).build());
            JWKSet jwks = JWKSet.parse(j.body());
            SignedJWT jwt = SignedJWT.parse(token);
            String kid = jwt.getHeader().getKeyID();
            JWK key = jwks.getKeyByKeyId(kid);
            boolean signatureOk = key instanceof ECKey ec && jwt.verify(new ECDSAVerifier(ec))
                    && jwt.getState() == JWSObject.State.VERIFIED;
            out.println("4. GET  /.well-known/jwks.json -> " + jwks.getKeys().size() + " key(s); token "
                    + jwt.getHeader().getAlgorithm() + " kid=" + kid + " signature " + (signatureOk ? "VERIFIED" : "INVALID"));

            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            boolean nonceOk = nonce.equals(claims.getStringClaim("eat_nonce"));
            Map<String, Object> cnf = claims.getJSONObjectClaim("cnf");
            Object cnfJwk = cnf == null ? null : cnf.get("jwk");
            boolean keyOk = cnfJwk instanceof Map<?, ?> m
                    && JSON.readTree(host.teePublicJwk()).get("x").asText().equals(m.get("x"));
            out.println("   token: iss=" + claims.getIssuer() + " jti=" + claims.getJWTID() + " exp=" + claims.getExpirationTime().toInstant()
                    + " eat_profile=" + claims.getStringClaim("eat_profile"));
            out.println("          eat_nonce " + (nonceOk ? "matches" : "DIFFERS") + ", cnf.jwk "
                    + (keyOk ? "is the host's TEE key" : "DIFFERS from the host's TEE key"));

            Map<String, Object> submods = claims.getJSONObjectClaim("submods");
            if (submods != null) {
                // cpu first, then gpu0, gpu1, ... (the JSON parser does not keep the token's order)
                java.util.TreeMap<String, Object> ordered = new java.util.TreeMap<>(java.util.Comparator
                        .comparing((String k) -> !k.equals("cpu")).thenComparing(String::length)
                        .thenComparing(java.util.Comparator.naturalOrder()));
                ordered.putAll(submods);
                submods = ordered;
            }
            boolean allAffirming = submods != null && submods.size() == gpus + 1;
            out.println("   devices (" + (submods == null ? 0 : submods.size()) + " submods):");
            if (submods != null) {
                for (Map.Entry<String, Object> e : submods.entrySet()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> s = (Map<String, Object>) e.getValue();
                    String status = String.valueOf(s.get("ear.status"));
                    allAffirming &= "affirming".equals(status);
                    out.println(String.format("     %-5s %-10s %s", e.getKey(), status, summary(s)));
                }
            }
            boolean ok = signatureOk && nonceOk && keyOk && allAffirming;
            out.println(ok ? "OK: nonce -> attest -> token -> token verified" : "FAILED");
            return ok ? Main.EXIT_PASS : Main.EXIT_FAIL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("demo: interrupted");
            return Main.EXIT_FAIL;
        } catch (Exception e) {
            err.println("demo: " + e);
            return Main.EXIT_FAIL;
        }
    }

    private static String summary(Map<String, Object> s) {
        StringBuilder b = new StringBuilder();
        b.append("policy=").append(s.get("ear.appraisal-policy-id"));
        for (String k : new String[] {"tee", "tcb_status", "mr_td", "hwmodel", "driver_version", "vbios_version",
                "measurement_result"}) {
            Object v = s.get(k);
            if (v != null) {
                String text = String.valueOf(v);
                b.append(' ').append(k).append('=').append(text.length() > 24 ? abbreviate(text) : text);
            }
        }
        return b.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 16) + "…";
    }
}

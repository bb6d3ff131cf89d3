package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.verifier.demo.SimulatedDeployment;

/**
 * The service end to end on the REAL engines (TDX quote verifier with the simulated Intel
 * collateral offline, GPU verifier with RIMs from the loopback RIM service and a loopback OCSP
 * responder, SNP verifier with the VCEK in the request), driven through HTTP by simulated hosts.
 */
class EndToEndServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SimulatedEnvironment env;
    private static SimulatedDeployment service;
    private static SimulatedHost tdx8;

    @BeforeAll
    static void start() throws Exception {
        env = SimulatedEnvironment.create();
        service = SimulatedDeployment.start(env, Clock.systemUTC(), c -> { });
        tdx8 = SimulatedHost.tdx(env).gpus(8).build();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static URI uri(String path) {
        return service.baseUri().resolve(path);
    }

    private static String nonce() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/v1/nonce")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return JSON.readTree(r.body()).get("nonce").asText();
    }

    private static HttpResponse<String> attest(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/v1/attest")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The verified claims of the token in a 200 answer (signature checked against the JWKS). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> tokenClaims(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        SignedJWT jwt = SignedJWT.parse(JSON.readTree(r.body()).get("token").asText());
        String jwks = HTTP.send(HttpRequest.newBuilder(uri("/.well-known/jwks.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        ECKey key = (ECKey) JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new ECDSAVerifier(key)), "token signature verifies with the JWKS key");
        return jwt.getJWTClaimsSet().getClaims();
    }

    private static JsonNode problem(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        JsonNode p = JSON.readTree(r.body());
        assertEquals(code, p.path("code").asText(), r.body());
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> submod(Map<String, Object> claims, String name) {
        return (Map<String, Object>) ((Map<String, Object>) claims.get("submods")).get(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void tdxHostWithEightGpusGetsATokenWithNineAffirmingSubmods() throws Exception {
        String nonce = nonce();
        Map<String, Object> claims = tokenClaims(attest(tdx8.attestRequest(nonce)));
        Map<String, Object> submods = (Map<String, Object>) claims.get("submods");
        assertEquals(9, submods.size());
        for (String d : new String[] {"cpu", "gpu0", "gpu1", "gpu2", "gpu3", "gpu4", "gpu5", "gpu6", "gpu7"}) {
            assertEquals("affirming", submod(claims, d).get("ear.status"), d);
        }
        assertEquals("tdx", submod(claims, "cpu").get("tee"));
        assertEquals("UpToDate", submod(claims, "cpu").get("tcb_status"));
        assertEquals("success", submod(claims, "gpu7").get("measurement_result"));
        assertEquals(nonce, claims.get("eat_nonce"));
        Map<String, Object> jwk = (Map<String, Object>) ((Map<String, Object>) claims.get("cnf")).get("jwk");
        assertEquals(JSON.readTree(tdx8.teePublicJwk()).get("x").asText(), jwk.get("x"));
        // the OCSP responder was asked (best-effort mode, live answers)
        assertTrue(service.vendors().ocspResponder().requestCount() > 0);
    }

    @Test
    void tamperedQuoteIsSignatureInvalid() throws Exception {
        SimulatedHost.Evidence e = tdx8.evidence(nonce());
        byte[] quote = e.cpuEvidence();
        quote[48 + 136] ^= 1; // MR_TD, inside the signed header + TD report (tdx-verification.md 1.2)
        problem(attest(e.withCpuEvidence(quote).json()), 403, "SIGNATURE_INVALID");
    }

    @Test
    void gpuEvidenceOfAnotherNonceIsBindingMismatch() throws Exception {
        String other = nonce();
        byte[] otherGpuNonce = Digests.sha256(SimulatedHost.decodeNonce(other));
        // Consistent runtime_data and quote, but the GPUs answered another session's nonce.
        JsonNode p = problem(attest(tdx8.evidence(nonce(), otherGpuNonce).json()), 403, "BINDING_MISMATCH");
        assertEquals("report.request.nonce", p.path("field").asText());
    }

    @Test
    @SuppressWarnings("unchecked")
    void gpuMeasurementMismatchIsContraindicatedAndDenied() throws Exception {
        byte[] rogue = new byte[48];
        rogue[0] = 0x5a;
        SimulatedHost host = SimulatedHost.tdx(env).gpus(2).tamperedMeasurement(1, 7, rogue).build();
        // Authentic, fresh and bound, so it is appraised; the default GPU policy contraindicates
        // a mismatch and deny_contraindicated (the default) turns that into a denial: no token.
        JsonNode p = problem(attest(host.attestRequest(nonce())), 403, "POLICY_DENIED");
        assertEquals("appraisal.gpu1", p.path("field").asText());
    }

    @Test
    void missingRimIsCollateralMissingWithRetryAfter() throws Exception {
        SimulatedHost host = SimulatedHost.tdx(env).gpus(1).driverVersion("555.42.02").build();
        HttpResponse<String> r = attest(host.attestRequest(nonce()));
        problem(r, 503, "COLLATERAL_MISSING");
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    @SuppressWarnings("unchecked")
    void debugTdIsContraindicatedAndDenied() throws Exception {
        SimulatedHost host = SimulatedHost.tdx(env).debug(true).build();
        JsonNode p = problem(attest(host.attestRequest(nonce())), 403, "POLICY_DENIED");
        assertEquals("appraisal.cpu", p.path("field").asText());
        assertTrue(p.path("token").isMissingNode());
    }

    @Test
    void snpHostWithVcekAndGpusIsAffirmed() throws Exception {
        SimulatedHost host = SimulatedHost.snp(env).gpus(2).build();
        Map<String, Object> claims = tokenClaims(attest(host.attestRequest(nonce())));
        assertEquals("snp", submod(claims, "cpu").get("tee"));
        assertEquals("affirming", submod(claims, "cpu").get("ear.status"));
        assertEquals("affirming", submod(claims, "gpu1").get("ear.status"));
    }

    @Test
    void quoteOfAnotherPkiIsRefused() throws Exception {
        // A host of another (unpinned) Intel-like PKI: its PCK chain does not reach our root.
        SimulatedEnvironment stranger = SimulatedEnvironment.create();
        SimulatedHost host = SimulatedHost.tdx(stranger).build();
        problem(attest(host.attestRequest(nonce())), 403, "CERT_CHAIN_INVALID");
    }
}

package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The policy round trip through HTTP, run on each database: upload a reference set and a policy
 * reading it, activate both, attest with the policy (its id, version and hash in the token), a
 * denial recorded with the full explanation, and the version history.
 */
abstract class PolicyRoundTripContract {
    static final String REFERENCES = """
            name: tdx_images
            provenance: {source: ci}
            values:
              mr_td: ["%s"]
            """.formatted("aa".repeat(48));
    static final String POLICY = """
            id: tdx-prod
            tees: [tdx]
            references: [tdx_images]
            rules:
              - name: td-not-debuggable
                component: configuration
                expr: claims.debug == false
                on_fail: contraindicated
              - name: mrtd-known
                component: executables
                expr: claims.mr_td in reference.tdx_images.mr_td
                on_fail: contraindicated
            """;

    abstract PolicyHttpFixture service();

    @Test
    void uploadActivateAttestAndSeeThePolicyInTheToken() throws Exception {
        PolicyHttpFixture s = service();
        JsonNode refs = s.upload("reference-values", REFERENCES);
        s.activate("reference-values", "tdx_images", refs.get("version").asInt());
        JsonNode created = s.upload("policies", POLICY);
        assertEquals("tdx-prod", created.get("name").asText());
        assertEquals("alice", created.get("created_by").asText());
        int version = created.get("version").asInt();
        String hash = created.get("content_hash").asText();

        // Not active yet: naming it is refused, nothing is issued.
        HttpResponse<String> notYet = s.attest(Map.of(), Map.of("cpu", "tdx-prod"), 0);
        assertEquals(422, notYet.statusCode(), notYet.body());

        s.activate("policies", "tdx-prod", version);
        HttpResponse<String> ok = s.attest(Map.of(), Map.of("cpu", "tdx-prod"), 1);
        assertEquals(200, ok.statusCode(), ok.body());
        SignedJWT jwt = SignedJWT.parse(PolicyHttpFixture.JSON.readTree(ok.body()).get("token").asText());
        Map<String, Object> submods = jwt.getJWTClaimsSet().getJSONObjectClaim("submods");
        Map<?, ?> cpu = (Map<?, ?>) submods.get("cpu");
        assertEquals("tdx-prod@" + version + "#sha256:" + hash, cpu.get("ear.appraisal-policy-id"));
        assertEquals("affirming", cpu.get("ear.status"));
        Map<?, ?> vector = (Map<?, ?>) cpu.get("ear.trustworthiness-vector");
        assertEquals(2L, ((Number) vector.get("executables")).longValue());
        // The GPU was not covered by tdx-prod and no GPU policy was named: its built-in default.
        assertTrue(((String) ((Map<?, ?>) submods.get("gpu0")).get("ear.appraisal-policy-id"))
                .startsWith("default-nvgpu@0#sha256:"));

        // An unknown image: denied, recorded with the full explanation, no token.
        int before = s.recorded.size();
        HttpResponse<String> denied = s.attest(Map.of("mr_td", "bb".repeat(48)), Map.of("cpu", "tdx-prod"), 0);
        assertEquals(403, denied.statusCode(), denied.body());
        JsonNode problem = PolicyHttpFixture.JSON.readTree(denied.body());
        assertEquals("POLICY_DENIED", problem.get("code").asText());
        assertNull(problem.get("token"));
        assertEquals(before + 1, s.recorded.size());
        var record = s.recorded.get(before);
        assertTrue(record.jti().startsWith("denied-"), "a jti no token carries");
        var appraisal = record.outcome().appraisals().get("cpu");
        assertTrue(appraisal.denied());
        assertEquals("mrtd-known", appraisal.failedRules().get(0).get("rule"));
        assertEquals(Map.of("mr_td", "bb".repeat(48)), appraisal.failedRules().get(0).get("claims_read"));
        assertEquals("used", appraisal.references().get(0).get("state"));

        // Any version is readable, with history.
        JsonNode got = PolicyHttpFixture.JSON.readTree(s.get("/v1/admin/policies/tdx-prod?version=" + version,
                PolicyHttpFixture.AUDITOR).body());
        assertEquals(POLICY, got.get("content").asText());
        assertEquals(hash, got.get("content_hash").asText());
        assertEquals(version, got.get("activations").get(0).get("version").asInt());
        JsonNode list = PolicyHttpFixture.JSON.readTree(s.get("/v1/admin/policies", PolicyHttpFixture.AUDITOR).body());
        assertEquals(version, list.get("policies").get(0).get("active_version").asInt());

        // Deactivated: naming it is refused again.
        assertEquals(200, s.post("/v1/admin/policies/tdx-prod/deactivate", PolicyHttpFixture.ADMIN,
                "application/json", "{}").statusCode());
        assertEquals(422, s.attest(Map.of(), Map.of("cpu", "tdx-prod"), 0).statusCode());
        assertNotNull(s.running.database().dataSource());
    }
}

package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.SharedData;

/**
 * The policy side of the service over HTTP on the embedded SQLite store: the round trip
 * ({@link PolicyRoundTripContract}), denials with and without the explanation, upload errors,
 * authentication and roles (static tokens and OIDC JWTs), dry runs on claims and on real bundles,
 * and signed-policy mode.
 */
class SqlitePolicyHttpTest extends PolicyRoundTripContract {
    private static final String ISSUER = "https://idp.example";
    @TempDir
    static Path data;
    private static PolicyHttpFixture service;
    private static ECKey idpKey;

    @BeforeAll
    static void start() throws Exception {
        idpKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        Path jwks = data.resolve("idp-jwks.json");
        Files.writeString(jwks, new JWKSet(idpKey.toPublicJWK()).toString());
        ServiceConfig c = ServiceConfig.load(null, Map.of("ATTESTATION_DATA_DIR", data.resolve("state").toString()));
        c.oidcIssuer = ISSUER;
        c.oidcJwksUrl = jwks.toUri().toString();
        c.oidcAudience = "attestation-admin";
        c.validate();
        service = new PolicyHttpFixture(c);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Override
    PolicyHttpFixture service() {
        return service;
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return PolicyHttpFixture.JSON.readTree(r.body());
    }

    private static String jwt(ECKey key, String role, Instant exp) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("attestation-admin").subject("bob")
                        .expirationTime(Date.from(exp)).claim("roles", List.of(role)).build());
        jwt.sign(new ECDSASigner(key));
        return "Bearer " + jwt.serialize();
    }

    @Test
    void deniedWithoutExplanationByDefaultAndWithItWhenConfigured(@TempDir Path other) throws Exception {
        HttpResponse<String> r = service.attest(Map.of("debug", true), Map.of(), 0);
        assertEquals(403, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("POLICY_DENIED", json(r).get("code").asText());
        assertFalse(json(r).has("failed_rules"));

        ServiceConfig c = ServiceConfig.load(null, Map.of("ATTESTATION_DATA_DIR", other.toString(),
                "ATTESTATION_EXPOSE_POLICY_EXPLANATION", "true"));
        try (PolicyHttpFixture exposing = new PolicyHttpFixture(c)) {
            JsonNode p = json(exposing.attest(Map.of("debug", true, "qe_status", "OutOfDate"), Map.of(), 0));
            assertEquals("POLICY_DENIED", p.get("code").asText());
            JsonNode cpu = p.get("failed_rules").get("cpu");
            assertTrue(cpu.get("policy_id").asText().startsWith("default-tdx@0#sha256:"));
            assertEquals("contraindicated", cpu.get("status").asText());
            List<String> rules = Stream.of(cpu.get("rules").get(0), cpu.get("rules").get(1))
                    .map(n -> n.get("rule").asText()).toList();
            assertEquals(List.of("td-not-debuggable", "quoting-enclave-up-to-date"), rules);
            assertEquals(2, cpu.get("rules").size(), "only the failing rules");
            assertTrue(cpu.get("rules").get(0).get("claims_read").get("debug").asBoolean());
        }
    }

    /**
     * A policy row edited in the database behind the admin API (content changed, content_hash left
     * alone) while the service was down: after the restart the attestation naming it fails closed
     * with a 500 problem naming the policy and version, and no token. (A running service keeps the
     * version it compiled before the edit, whose hash is the one the log records.)
     */
    @Test
    void aPolicyEditedInTheDatabaseFailsClosedWithAClearServerError(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("ATTESTATION_DATA_DIR", dir.toString());
        try (PolicyHttpFixture before = new PolicyHttpFixture(ServiceConfig.load(null, env))) {
            before.upload("policies", """
                    id: edited-behind-our-back
                    tees: [tdx]
                    rules:
                      - name: not-debug
                        component: configuration
                        expr: claims.debug == false
                        on_fail: contraindicated
                    """);
            before.activate("policies", "edited-behind-our-back", 1);
            assertEquals(200, before.attest(Map.of(), Map.of("cpu", "edited-behind-our-back"), 0).statusCode());
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                + dir.resolve(org.openanolis.attestation.policies.store.Database.SQLITE_FILE));
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("DROP TRIGGER document_versions_no_update");
            // Trailing whitespace: the document still parses and means the same, only its hash differs.
            assertEquals(1, st.executeUpdate("UPDATE document_versions SET content = content || ' '"
                    + " WHERE name = 'edited-behind-our-back' AND version = 1"));
        }
        try (PolicyHttpFixture after = new PolicyHttpFixture(ServiceConfig.load(null, env))) {
            HttpResponse<String> r = after.attest(Map.of(), Map.of("cpu", "edited-behind-our-back"), 0);
            assertEquals(500, r.statusCode(), r.body());
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
            JsonNode p = json(r);
            assertEquals("STORED_DOCUMENT_CORRUPT", p.get("policy_error").asText());
            assertEquals("policy:edited-behind-our-back", p.get("field").asText());
            assertTrue(p.get("detail").asText().contains("policy edited-behind-our-back version 1"), p.toString());
            assertFalse(p.has("token"));
            // Other policies are unaffected.
            assertEquals(200, after.attest(Map.of(), Map.of(), 0).statusCode());
        }
    }

    @Test
    void typeErrorsNameRuleAndColumn() throws Exception {
        String bad = """
                id: typo-policy
                tees: [tdx]
                rules:
                  - name: fine
                    component: configuration
                    expr: claims.debug == false
                    on_fail: contraindicated
                  - name: wrong-type
                    component: hardware
                    expr: tee == 1
                    on_fail: warning
                """;
        HttpResponse<String> r = service.post("/v1/admin/policies", PolicyHttpFixture.ADMIN, "application/yaml", bad);
        assertEquals(400, r.statusCode(), r.body());
        JsonNode p = json(r);
        assertEquals("EXPRESSION_INVALID", p.get("code").asText());
        JsonNode issue = p.get("issues").get(0);
        assertEquals("wrong-type", issue.get("rule").asText());
        assertEquals("rules[1].expr", issue.get("field").asText());
        assertEquals(1, issue.get("line").asInt());
        assertEquals(5, issue.get("column").asInt(), issue.toString());
        assertEquals(404, service.get("/v1/admin/policies/typo-policy", PolicyHttpFixture.ADMIN).statusCode(),
                "nothing stored");
    }

    @Test
    void unknownKeysAreRefused() throws Exception {
        String typo = """
                id: typo-keys
                tees: [tdx]
                rulez: []
                """;
        HttpResponse<String> r = service.post("/v1/admin/policies", PolicyHttpFixture.ADMIN, "application/yaml", typo);
        assertEquals(400, r.statusCode());
        assertEquals("UNKNOWN_KEY", json(r).get("code").asText());
        assertEquals("rulez", json(r).get("field").asText());
        HttpResponse<String> activate = service.post("/v1/admin/policies/tdx-prod/activate", PolicyHttpFixture.ADMIN,
                "application/json", "{\"version\":1,\"force\":true}");
        assertEquals(400, activate.statusCode());
        assertEquals("UNKNOWN_KEY", json(activate).get("code").asText());
    }

    @Test
    void adminNeedsAValidTokenAndTheRole() throws Exception {
        HttpResponse<String> none = service.get("/v1/admin/policies", null);
        assertEquals(401, none.statusCode());
        assertEquals("UNAUTHENTICATED", json(none).get("code").asText());
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, service.get("/v1/admin/policies", "Bearer not-a-configured-token-at-all-0000000").statusCode());
        HttpResponse<String> attester = service.get("/v1/admin/policies", PolicyHttpFixture.ATTESTER);
        assertEquals(403, attester.statusCode());
        assertEquals("FORBIDDEN", json(attester).get("code").asText());
        assertEquals(200, service.get("/v1/admin/policies", PolicyHttpFixture.AUDITOR).statusCode());
        HttpResponse<String> auditorWrites = service.post("/v1/admin/policies", PolicyHttpFixture.AUDITOR,
                "application/yaml", "id: x\ntees: [tdx]\nrules: []\n");
        assertEquals(403, auditorWrites.statusCode());
        assertEquals("FORBIDDEN", json(auditorWrites).get("code").asText());

        // OIDC: a JWT from the issuer's key with the policy-admin role may write; who = its subject.
        String adminJwt = jwt(idpKey, "policy-admin", Instant.now().plusSeconds(300));
        HttpResponse<String> created = service.post("/v1/admin/reference-values", adminJwt, "application/yaml",
                "name: jwt_made\nvalues:\n  k: [1]\n");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("bob", json(created).get("created_by").asText());
        assertEquals(403, service.post("/v1/admin/reference-values", jwt(idpKey, "auditor", Instant.now().plusSeconds(300)),
                "application/yaml", "name: jwt_made\nvalues:\n  k: [2]\n").statusCode());
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        assertEquals(401, service.get("/v1/admin/policies", jwt(stranger, "policy-admin",
                Instant.now().plusSeconds(300))).statusCode());
        assertEquals(401, service.get("/v1/admin/policies", jwt(idpKey, "policy-admin",
                Instant.now().minusSeconds(600))).statusCode());
    }

    @Test
    void dryRunOnClaimsStoresNothing() throws Exception {
        ObjectNode body = PolicyHttpFixture.JSON.createObjectNode();
        body.put("document", "id: draft-one\ntees: [tdx]\nrules:\n  - name: sept\n    component: configuration\n"
                + "    expr: claims.sept_ve_disable == true\n    on_fail: contraindicated\n");
        body.putObject("claims").put("tee", "tdx").put("sept_ve_disable", false);
        HttpResponse<String> r = service.post("/v1/admin/policies/draft-one/dry-run", PolicyHttpFixture.AUDITOR,
                "application/json", body.toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = json(r).get("appraisal");
        assertEquals("contraindicated", a.get("status").asText());
        assertEquals("fail", a.get("rules").get(0).get("result").asText());
        assertFalse(json(r).get("ear.appraisal-policy-id").asText().isEmpty());
        assertTrue(json(r).get("denied").asBoolean());
        assertEquals(404, service.get("/v1/admin/policies/draft-one", PolicyHttpFixture.ADMIN).statusCode());
        // The path id must be the draft's id.
        assertEquals(400, service.post("/v1/admin/policies/other-id/dry-run", PolicyHttpFixture.AUDITOR,
                "application/json", body.toString()).statusCode());
        assertEquals(403, service.post("/v1/admin/policies/draft-one/dry-run", PolicyHttpFixture.ATTESTER,
                "application/json", body.toString()).statusCode());
    }

    /** Every file of a bundle directory as base64, by relative path. */
    private static ObjectNode bundleFiles(Path dir) throws Exception {
        ObjectNode files = PolicyHttpFixture.JSON.createObjectNode();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    @Test
    void dryRunOnRealBundlesVerifiesAtVerifyAtThenAppraises() throws Exception {
        String draft = new String(service.get("/v1/admin/policies/defaults/tdx", PolicyHttpFixture.AUDITOR).body()
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).replace("id: default-tdx", "id: tdx-draft");
        for (var vector : Map.of("near-v4-20a06f-uptodate", "affirming",
                "trustee-azure-v4-00806f-outofdate", "warning").entrySet()) {
            ObjectNode body = PolicyHttpFixture.JSON.createObjectNode();
            body.put("document", draft);
            body.set("bundle", bundleFiles(SharedData.testdata().resolve("tdx").resolve(vector.getKey())));
            HttpResponse<String> r = service.post("/v1/admin/policies/tdx-draft/dry-run", PolicyHttpFixture.ADMIN,
                    "application/json", body.toString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("pass", json(r).get("verification").get("verdict").asText());
            assertEquals(vector.getValue(), json(r).get("appraisal").get("status").asText(), r.body());
        }
        // A bundle that fails verification: the verification result, no appraisal.
        ObjectNode body = PolicyHttpFixture.JSON.createObjectNode();
        body.put("document", draft);
        body.set("bundle", bundleFiles(SharedData.testdata().resolve("tdx").resolve("neg-google-v4-50806f-2023-tcb-not-supported")));
        JsonNode failed = json(service.post("/v1/admin/policies/tdx-draft/dry-run", PolicyHttpFixture.ADMIN,
                "application/json", body.toString()));
        assertEquals("fail", failed.get("verification").get("verdict").asText());
        assertEquals("TCB_NOT_SUPPORTED", failed.get("verification").get("reason").asText());
        assertFalse(failed.has("appraisal"));
        // Paths escaping the bundle are refused.
        ObjectNode escape = PolicyHttpFixture.JSON.createObjectNode();
        escape.put("document", draft);
        escape.putObject("bundle").put("../manifest.json", "e30=");
        assertEquals(400, service.post("/v1/admin/policies/tdx-draft/dry-run", PolicyHttpFixture.ADMIN,
                "application/json", escape.toString()).statusCode());
    }

    @Test
    void unknownPolicyIdIsRefusedWithoutAToken() throws Exception {
        HttpResponse<String> r = service.attest(Map.of(), Map.of("cpu", "no-such-policy"), 0);
        assertEquals(422, r.statusCode());
        assertEquals("policy_ids.cpu", json(r).get("field").asText());
    }

    @Test
    void signedPolicyModeRefusesUnsignedUploads(@TempDir Path other) throws Exception {
        ECKey signer = new ECKeyGenerator(Curve.P_256).keyID("release-1").generate();
        Path keys = other.resolve("signers.json");
        Files.writeString(keys, new JWKSet(signer.toPublicJWK()).toString());
        ServiceConfig c = ServiceConfig.load(null, Map.of("ATTESTATION_DATA_DIR", other.resolve("state").toString(),
                "ATTESTATION_POLICY_SIGNING", "required", "ATTESTATION_POLICY_SIGNING_KEYS_PATH", keys.toString()));
        try (PolicyHttpFixture signed = new PolicyHttpFixture(c)) {
            HttpResponse<String> unsigned = signed.post("/v1/admin/policies", PolicyHttpFixture.ADMIN,
                    "application/yaml", POLICY);
            assertEquals(403, unsigned.statusCode());
            assertEquals("SIGNATURE_REQUIRED", json(unsigned).get("code").asText());
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("release-1").build(),
                    new Payload(POLICY.getBytes(StandardCharsets.UTF_8)));
            jws.sign(new ECDSASigner(signer));
            HttpResponse<String> ok = signed.post("/v1/admin/policies", PolicyHttpFixture.ADMIN, "application/yaml",
                    POLICY, Map.of(AdminRoutes.SIGNATURE_HEADER, jws.serialize(true)));
            assertEquals(201, ok.statusCode(), ok.body());
            assertEquals("release-1", json(ok).get("signer_key_id").asText());
            HttpResponse<String> tampered = signed.post("/v1/admin/policies", PolicyHttpFixture.ADMIN,
                    "application/yaml", POLICY.replace("debug == false", "debug == true"),
                    Map.of(AdminRoutes.SIGNATURE_HEADER, jws.serialize(true)));
            assertEquals(403, tampered.statusCode());
            assertEquals("SIGNATURE_INVALID", json(tampered).get("code").asText());
        }
    }

    @Test
    void corimImportWithoutConfiguredSignerIsRefused() throws Exception {
        HttpResponse<String> r = service.post("/v1/admin/reference-values/imported/corim", PolicyHttpFixture.ADMIN,
                "application/cose", "not cbor");
        assertEquals(403, r.statusCode());
        assertEquals("SIGNATURE_INVALID", json(r).get("code").asText());
    }

    @Test
    void revokedReferenceValueIsKeptAndNoLongerAccepted() throws Exception {
        String mrtd = "cc".repeat(48);
        JsonNode set = service.upload("reference-values", "name: revocable\nvalues:\n  mr_td: [\"" + mrtd + "\"]\n");
        service.activate("reference-values", "revocable", set.get("version").asInt());
        JsonNode policy = service.upload("policies", """
                id: revocable-images
                tees: [tdx]
                references: [revocable]
                rules:
                  - name: mrtd-known
                    component: executables
                    expr: claims.mr_td in reference.revocable.mr_td
                    on_fail: contraindicated
                """);
        service.activate("policies", "revocable-images", policy.get("version").asInt());
        Map<String, String> ids = Map.of("cpu", "revocable-images");
        assertEquals(200, service.attest(Map.of("mr_td", mrtd), ids, 0).statusCode());

        HttpResponse<String> revoked = service.post("/v1/admin/reference-values/revocable/revoke", PolicyHttpFixture.ADMIN,
                "application/json", "{\"key\":\"mr_td\",\"value\":\"" + mrtd + "\",\"reason\":\"CVE-0000-0001\"}");
        assertEquals(201, revoked.statusCode(), revoked.body());
        assertEquals(set.get("version").asInt() + 1, json(revoked).get("version").asInt());
        assertEquals(403, service.attest(Map.of("mr_td", mrtd), ids, 0).statusCode(), "revoked value no longer accepted");
        JsonNode current = json(service.get("/v1/admin/reference-values/revocable", PolicyHttpFixture.AUDITOR));
        JsonNode content = PolicyHttpFixture.JSON.readTree(current.get("content").asText());
        assertEquals(mrtd, content.get("revoked").get(0).get("value").asText());
        assertEquals("alice", content.get("revoked").get(0).get("revoked_by").asText());
        assertEquals(2, current.get("versions").size(), "the old version is kept");
    }

    @Test
    void dryRunOfAStoredVersion() throws Exception {
        JsonNode v = service.upload("policies", "id: stored-dry\ntees: [tdx]\nrules:\n  - name: tcb\n"
                + "    component: hardware\n    expr: claims.tcb_status == 'UpToDate'\n    on_fail: warning\n");
        String body = "{\"version\":" + v.get("version").asInt() + ",\"claims\":{\"tee\":\"tdx\",\"tcb_status\":\"OutOfDate\"}}";
        HttpResponse<String> r = service.post("/v1/admin/policies/stored-dry/dry-run", PolicyHttpFixture.AUDITOR,
                "application/json", body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("warning", json(r).get("appraisal").get("status").asText());
        assertEquals(v.get("version").asInt(), json(r).get("appraisal").get("policy_version").asInt());
        assertEquals("OutOfDate", json(r).get("appraisal").get("rules").get(0).get("claims_read").get("tcb_status").asText());
        assertFalse(json(r).get("denied").asBoolean());
        HttpResponse<String> missing = service.post("/v1/admin/policies/stored-dry/dry-run", PolicyHttpFixture.AUDITOR,
                "application/json", body.replace("\"version\":" + v.get("version").asInt(), "\"version\":99"));
        assertEquals(404, missing.statusCode());
        assertEquals("NOT_FOUND", json(missing).get("code").asText());
    }
}

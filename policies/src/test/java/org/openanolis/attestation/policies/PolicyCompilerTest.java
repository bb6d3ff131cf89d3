package org.openanolis.attestation.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {
    private final PolicyCompiler compiler = new PolicyCompiler();
    private final BuiltInPolicies builtIns = new BuiltInPolicies(compiler);

    private static byte[] yaml(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private CompiledPolicy compile(String yaml) throws PolicyException {
        PolicyDocument doc = PolicyDocument.parse(yaml(yaml), DocumentFormat.YAML);
        return compiler.compile(doc, new PolicyIdentity(doc.id(), 1, "00".repeat(32)));
    }

    @Test
    void healthyTdxIsAffirmingWithExplanation() throws Exception {
        Appraisal a = builtIns.forTee("tdx").orElseThrow().evaluate(TestClaims.tdx(), ReferenceValues.NONE);
        assertEquals(EarStatus.AFFIRMING, a.status());
        assertEquals(2, a.trustVector().get(TrustComponent.CONFIGURATION));
        assertEquals(2, a.trustVector().get(TrustComponent.HARDWARE));
        assertEquals(0, a.trustVector().get(TrustComponent.EXECUTABLES));
        assertEquals(4, a.rules().size());
        RuleOutcome debug = a.rules().get(0);
        assertEquals("td-not-debuggable", debug.rule());
        assertEquals(RuleOutcome.Result.PASS, debug.result());
        assertEquals(Map.of("debug", false), debug.claimsRead());
        assertEquals("default-tdx", a.policy().id());
        assertEquals(0, a.policy().version());
        assertEquals(64, a.policy().contentHash().length());
    }

    @Test
    void debugTdIsContraindicated() throws Exception {
        Map<String, Object> claims = TestClaims.tdx();
        claims.put("debug", true);
        Appraisal a = builtIns.forTee("tdx").orElseThrow().evaluate(claims, ReferenceValues.NONE);
        assertEquals(EarStatus.CONTRAINDICATED, a.status());
        assertTrue(a.denied());
        assertEquals(96, a.trustVector().get(TrustComponent.CONFIGURATION));
        assertEquals(List.of("td-not-debuggable"), a.failedRules().stream().map(RuleOutcome::rule).toList());
    }

    @Test
    void outOfDateTcbIsWarningOnHardware() throws Exception {
        Map<String, Object> claims = TestClaims.tdx();
        claims.put("tcb_status", "OutOfDate");
        Appraisal a = builtIns.forTee("tdx").orElseThrow().evaluate(claims, ReferenceValues.NONE);
        assertEquals(EarStatus.WARNING, a.status());
        assertEquals(32, a.trustVector().get(TrustComponent.HARDWARE));
        assertEquals(2, a.trustVector().get(TrustComponent.CONFIGURATION));
        RuleOutcome tcb = a.failedRules().get(0);
        assertEquals("platform-tcb-up-to-date", tcb.rule());
        assertEquals(Map.of("tcb_status", "OutOfDate"), tcb.claimsRead());
    }

    @Test
    void missingClaimFailsClosedAsError() throws Exception {
        Map<String, Object> claims = TestClaims.tdx();
        claims.remove("debug");
        Appraisal a = builtIns.forTee("tdx").orElseThrow().evaluate(claims, ReferenceValues.NONE);
        RuleOutcome debug = a.rules().get(0);
        assertEquals(RuleOutcome.Result.ERROR, debug.result());
        assertTrue(debug.error() != null && !debug.error().isEmpty());
        assertTrue(debug.claimsRead().containsKey("debug"));
        assertNull(debug.claimsRead().get("debug"));
        assertEquals(EarStatus.CONTRAINDICATED, a.status());
    }

    @Test
    void gpuMismatchContraindicatedNotAppraisedWarning() throws Exception {
        CompiledPolicy gpu = builtIns.forTee("nvgpu").orElseThrow();
        assertEquals(EarStatus.AFFIRMING, gpu.evaluate(TestClaims.gpu("success"), ReferenceValues.NONE).status());
        Appraisal mismatch = gpu.evaluate(TestClaims.gpu("mismatch"), ReferenceValues.NONE);
        assertEquals(EarStatus.CONTRAINDICATED, mismatch.status());
        assertEquals(96, mismatch.trustVector().get(TrustComponent.EXECUTABLES));
        Appraisal notAppraised = gpu.evaluate(TestClaims.gpu("not_appraised"), ReferenceValues.NONE);
        assertEquals(EarStatus.WARNING, notAppraised.status());
        assertEquals(33, notAppraised.trustVector().get(TrustComponent.EXECUTABLES));
        Map<String, Object> ocspUnavailable = TestClaims.gpu("success");
        ocspUnavailable.put("ocsp", Map.of("device_chain", Map.of("status", "good"),
                "driver_rim_chain", Map.of("status", "unavailable")));
        Appraisal unavailable = gpu.evaluate(ocspUnavailable, ReferenceValues.NONE);
        assertEquals(EarStatus.WARNING, unavailable.status());
        assertEquals(32, unavailable.trustVector().get(TrustComponent.HARDWARE));
    }

    @Test
    void nvswitchDefault() throws Exception {
        Map<String, Object> sw = TestClaims.gpu("success");
        sw.put("tee", "nvswitch");
        CompiledPolicy p = builtIns.forTee("nvswitch").orElseThrow();
        assertEquals(EarStatus.AFFIRMING, p.evaluate(sw, ReferenceValues.NONE).status());
        sw.put("measurement_result", "mismatch");
        assertEquals(EarStatus.CONTRAINDICATED, p.evaluate(sw, ReferenceValues.NONE).status());
        sw.remove("ocsp");
        sw.put("measurement_result", "success");
        assertEquals(EarStatus.WARNING, p.evaluate(sw, ReferenceValues.NONE).status(), "no ocsp claim: fail closed");
    }

    @Test
    void snpDefaultComparesTcbMapsWithIntegerClaims() throws Exception {
        CompiledPolicy p = builtIns.forTee("snp").orElseThrow();
        assertEquals(EarStatus.AFFIRMING, p.evaluate(TestClaims.snp(), ReferenceValues.NONE).status());
        Map<String, Object> older = TestClaims.snp();
        older.put("reported_tcb", Map.of("bootloader", 3, "tee", 0, "snp", 7, "microcode", 115));
        Appraisal a = p.evaluate(older, ReferenceValues.NONE);
        assertEquals(EarStatus.WARNING, a.status());
        assertEquals(32, a.trustVector().get(TrustComponent.HARDWARE));
    }

    @Test
    void sgxDefault() throws Exception {
        Map<String, Object> c = Map.of("tee", "sgx", "debug", false, "tcb_status", "SWHardeningNeeded");
        assertEquals(EarStatus.WARNING, builtIns.forTee("sgx").orElseThrow().evaluate(c, ReferenceValues.NONE).status());
    }

    @Test
    void integerClaimsCompareAsCelInts() throws Exception {
        CompiledPolicy p = compile("""
                id: svn
                tees: [snp]
                rules:
                  - {name: svn-min, component: executables, expr: "claims.guest_svn >= 1 && claims.reported_tcb.snp > 7", on_fail: warning}
                """);
        Appraisal a = p.evaluate(TestClaims.snp(), ReferenceValues.NONE);
        assertEquals(RuleOutcome.Result.PASS, a.rules().get(0).result());
        assertEquals(Map.of("guest_svn", 1L, "reported_tcb.snp", 8L), a.rules().get(0).claimsRead());
    }

    @Test
    void otherTeeIsRejected() {
        PolicyException e = assertThrows(PolicyException.class, () ->
                builtIns.forTee("tdx").orElseThrow().evaluate(TestClaims.snp(), ReferenceValues.NONE));
        assertEquals(PolicyException.Code.TEE_NOT_COVERED, e.code());
    }

    @Test
    void typeErrorPointsAtRuleAndColumn() {
        PolicyException e = assertThrows(PolicyException.class, () -> compile("""
                id: bad
                tees: [tdx]
                rules:
                  - {name: fine, component: configuration, expr: "claims.debug == false", on_fail: contraindicated}
                  - {name: broken, component: hardware, expr: "tee + 1 == 2", on_fail: warning}
                  - {name: not-bool, component: hardware, expr: "tee", on_fail: warning}
                """));
        assertEquals(PolicyException.Code.EXPRESSION_INVALID, e.code());
        assertEquals("rules[1].expr", e.field());
        assertEquals(2, e.issues().size());
        PolicyIssue broken = e.issues().get(0);
        assertEquals("broken", broken.rule());
        assertEquals(1, broken.line());
        assertEquals(5, broken.column()); // the '+' of "tee + 1", 1-based
        assertEquals("not-bool", e.issues().get(1).rule());
        assertEquals("rules[2].expr", e.issues().get(1).field());
    }

    @Test
    void syntaxErrorAndUndeclaredVariableHavePositions() {
        PolicyException e = assertThrows(PolicyException.class, () -> compile("""
                id: bad
                tees: [tdx]
                rules:
                  - {name: syntax, component: hardware, expr: "claims.tcb_status == ", on_fail: warning}
                  - {name: unknown-var, component: hardware, expr: "x == 1", on_fail: warning}
                """));
        assertEquals("syntax", e.issues().get(0).rule());
        assertEquals(22, e.issues().get(0).column());
        PolicyIssue unknown = e.issues().stream().filter(i -> "unknown-var".equals(i.rule())).findFirst().orElseThrow();
        assertEquals(1, unknown.column());
    }

    @Test
    void undeclaredReferenceSetIsAnError() {
        PolicyException e = assertThrows(PolicyException.class, () -> compile("""
                id: refs
                tees: [tdx]
                references: [tdx_images]
                rules:
                  - {name: mrtd, component: executables, expr: "claims.mr_td in reference.other.mr_td", on_fail: contraindicated}
                """));
        assertEquals(PolicyException.Code.EXPRESSION_INVALID, e.code());
        assertEquals("mrtd", e.issues().get(0).rule());
        assertEquals(26, e.issues().get(0).column()); // the '.' selecting "other"

    }

    @Test
    void unknownKeysAreRejected() {
        PolicyException top = assertThrows(PolicyException.class, () -> compile("""
                id: x
                tees: [tdx]
                rulez: []
                rules:
                  - {name: a, component: hardware, expr: "true", on_fail: warning}
                """));
        assertEquals(PolicyException.Code.UNKNOWN_KEY, top.code());
        assertEquals("rulez", top.field());
        PolicyException rule = assertThrows(PolicyException.class, () -> compile("""
                id: x
                tees: [tdx]
                rules:
                  - {name: a, component: hardware, expr: "true", on_fail: warning, severity: high}
                """));
        assertEquals(PolicyException.Code.UNKNOWN_KEY, rule.code());
        assertEquals("rules[0].severity", rule.field());
    }

    @Test
    void invalidValuesAreRejectedWithTheirField() {
        record Case(String yaml, PolicyException.Code code, String field) {}
        List<Case> cases = List.of(
                new Case("id: x\ntees: [tdx]\nrules: [{name: a, component: hardwear, expr: 'true', on_fail: warning}]",
                        PolicyException.Code.INVALID_VALUE, "rules[0].component"),
                new Case("id: x\ntees: [tdx]\nrules: [{name: a, component: hardware, expr: 'true', on_fail: affirming}]",
                        PolicyException.Code.INVALID_VALUE, "rules[0].on_fail"),
                new Case("id: x\ntees: [tdx]\nrules: [{name: a, component: hardware, expr: 'true', on_fail: warning, fail_claim: 96}]",
                        PolicyException.Code.INVALID_VALUE, "rules[0].fail_claim"),
                new Case("id: x\ntees: [tdz]\nrules: [{name: a, component: hardware, expr: 'true', on_fail: warning}]",
                        PolicyException.Code.INVALID_VALUE, "tees[0]"),
                new Case("id: x\ntees: [tdx]\nrules: [{name: a, component: hardware, on_fail: warning}]",
                        PolicyException.Code.MISSING_KEY, "rules[0].expr"),
                new Case("id: X!\ntees: [tdx]\nrules: [{name: a, component: hardware, expr: 'true', on_fail: warning}]",
                        PolicyException.Code.INVALID_VALUE, "id"),
                new Case("id: x\ntees: [tdx]\nrules: [{name: a, component: hardware, expr: 'true', on_fail: warning},"
                        + " {name: a, component: hardware, expr: 'true', on_fail: warning}]",
                        PolicyException.Code.INVALID_VALUE, "rules[1].name"),
                new Case("id: x\nid: y\ntees: [tdx]\nrules: []", PolicyException.Code.MALFORMED_DOCUMENT, "document"),
                new Case("- just\n- a list", PolicyException.Code.MALFORMED_DOCUMENT, "document"));
        for (Case c : cases) {
            PolicyException e = assertThrows(PolicyException.class, () -> compile(c.yaml()), c.yaml());
            assertEquals(c.code(), e.code(), c.yaml());
            assertEquals(c.field(), e.field(), c.yaml());
        }
    }

    @Test
    void jsonDocumentsWork() throws Exception {
        byte[] json = yaml("{\"id\": \"j\", \"tees\": [\"tdx\"], \"rules\": [{\"name\": \"a\", \"component\": \"hardware\","
                + " \"expr\": \"claims.tcb_status == 'UpToDate'\", \"on_fail\": \"warning\"}]}");
        assertEquals(DocumentFormat.JSON, DocumentFormat.detect(json));
        PolicyDocument doc = PolicyDocument.parse(json, DocumentFormat.JSON);
        assertEquals("j", doc.id());
    }

    @Test
    void referenceValuesAreReadAndExplained() throws Exception {
        CompiledPolicy p = compile("""
                id: refs
                tees: [tdx]
                references: [tdx_images]
                rules:
                  - {name: mrtd-known, component: executables, expr: "claims.mr_td in reference.tdx_images.mr_td", on_fail: contraindicated}
                """);
        ReferenceValues refs = new ReferenceValues(Map.of("tdx_images", Map.of("mr_td", List.of(TestClaims.MR_TD))),
                List.of(new ReferenceSetUse("tdx_images", 3, "ab".repeat(32), ReferenceSetUse.USED)));
        Appraisal a = p.evaluate(TestClaims.tdx(), refs);
        assertEquals(EarStatus.AFFIRMING, a.status());
        RuleOutcome r = a.rules().get(0);
        assertEquals(Map.of("mr_td", TestClaims.MR_TD), r.claimsRead());
        assertEquals(Map.of("tdx_images.mr_td", List.of(TestClaims.MR_TD)), r.referencesRead());
        Map<String, Object> explanation = a.toExplanation();
        assertEquals("affirming", explanation.get("status"));
        assertEquals(1, ((List<?>) explanation.get("references")).size());
        Appraisal missing = p.evaluate(TestClaims.tdx(), ReferenceValues.NONE);
        assertEquals(RuleOutcome.Result.ERROR, missing.rules().get(0).result());
        assertEquals(EarStatus.CONTRAINDICATED, missing.status());
    }

    @Test
    void worstFailureDecidesTheComponent() throws Exception {
        CompiledPolicy p = compile("""
                id: worst
                tees: [tdx]
                rules:
                  - {name: pass3, component: configuration, expr: "true", on_fail: warning, pass_claim: 3}
                  - {name: warn, component: configuration, expr: "false", on_fail: warning}
                  - {name: bad, component: configuration, expr: "false", on_fail: contraindicated, fail_claim: 97}
                  - {name: warn2, component: configuration, expr: "false", on_fail: warning}
                  - {name: ok, component: sourced_data, expr: "true", on_fail: warning, pass_claim: 3}
                """);
        Appraisal a = p.evaluate(TestClaims.tdx(), ReferenceValues.NONE);
        assertEquals(97, a.trustVector().get(TrustComponent.CONFIGURATION));
        assertEquals(3, a.trustVector().get(TrustComponent.SOURCED_DATA));
        assertEquals(EarStatus.CONTRAINDICATED, a.status());
        assertEquals(97, a.trustVector().toEarMap().get("configuration"));
        assertEquals(3, a.trustVector().toEarMap().get("sourced-data"));
    }

    @Test
    void tiersFollowAr4si() {
        assertEquals(EarStatus.NONE, EarStatus.tierOf(0));
        assertEquals(EarStatus.NONE, EarStatus.tierOf(-1));
        assertEquals(EarStatus.AFFIRMING, EarStatus.tierOf(2));
        assertEquals(EarStatus.AFFIRMING, EarStatus.tierOf(31));
        assertEquals(EarStatus.WARNING, EarStatus.tierOf(32));
        assertEquals(EarStatus.WARNING, EarStatus.tierOf(95));
        assertEquals(EarStatus.CONTRAINDICATED, EarStatus.tierOf(96));
        assertEquals(EarStatus.CONTRAINDICATED, EarStatus.tierOf(127));
        assertEquals(EarStatus.AFFIRMING, EarStatus.tierOf(-2));
        assertEquals(EarStatus.WARNING, EarStatus.tierOf(-33));
        assertEquals(EarStatus.CONTRAINDICATED, EarStatus.tierOf(-128));
    }
}

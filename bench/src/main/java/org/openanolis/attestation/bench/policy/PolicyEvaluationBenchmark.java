package org.openanolis.attestation.bench.policy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openanolis.attestation.policies.Appraisal;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.CompiledPolicy;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.EarStatus;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyDocument;
import org.openanolis.attestation.policies.PolicyIdentity;
import org.openanolis.attestation.policies.ReferenceSetUse;
import org.openanolis.attestation.policies.ReferenceValues;
import org.openanolis.attestation.policies.PolicyException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One evaluation of a compiled policy (the per-attest cost of appraisal once the CEL programs are
 * cached): the built-in TDX default (4 rules) and a production-style TDX policy (6 rules, two of
 * them against a reference set of 64 MRTDs). Includes the claim normalization, every rule, the
 * trust vector and the explanation (values read per rule).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyEvaluationBenchmark {
    private static final String PROD = """
            id: tdx-prod
            tees: [tdx]
            references: [tdx_images]
            rules:
              - {name: not-debug, component: configuration, expr: "claims.debug == false", on_fail: contraindicated}
              - {name: sept-ve-disabled, component: configuration, expr: "claims.sept_ve_disable == true", on_fail: warning}
              - {name: tcb, component: hardware, expr: "claims.tcb_status == 'UpToDate'", on_fail: warning}
              - {name: no-advisories, component: hardware, expr: "size(claims.advisory_ids) == 0", on_fail: warning}
              - {name: mrtd-known, component: executables, expr: "claims.mr_td in reference.tdx_images.mr_td", on_fail: contraindicated}
              - {name: rtmr0-known, component: executables, expr: "claims.rtmr0 in reference.tdx_images.rtmr0", on_fail: contraindicated}
            """;

    private CompiledPolicy builtInTdx;
    private CompiledPolicy prodTdx;
    private Map<String, Object> claims;
    private ReferenceValues references;

    @Setup
    public void setUp() throws PolicyException {
        PolicyCompiler compiler = new PolicyCompiler();
        builtInTdx = new BuiltInPolicies(compiler).forTee("tdx").orElseThrow();
        PolicyDocument doc = PolicyDocument.parse(PROD.getBytes(StandardCharsets.UTF_8), DocumentFormat.YAML);
        prodTdx = compiler.compile(doc, new PolicyIdentity("tdx-prod", 1, "00".repeat(32)));
        String mrTd = "5f3c0a1b".repeat(12);
        claims = new LinkedHashMap<>();
        claims.put("tee", "tdx");
        claims.put("fmspc", "90c06f000000");
        claims.put("tcb_status", "UpToDate");
        claims.put("advisory_ids", List.of());
        claims.put("qe_status", "UpToDate");
        claims.put("module_status", "UpToDate");
        claims.put("mr_td", mrTd);
        claims.put("mr_config_id", "00".repeat(48));
        claims.put("mr_owner", "00".repeat(48));
        claims.put("mr_owner_config", "00".repeat(48));
        for (int i = 0; i < 4; i++) {
            claims.put("rtmr" + i, String.format("%02x", i).repeat(48));
        }
        claims.put("mr_seam", "36".repeat(48));
        claims.put("td_attributes", "0000001000000000");
        claims.put("xfam", "e702060000000000");
        claims.put("report_data", "ab".repeat(64));
        claims.put("debug", false);
        claims.put("sept_ve_disable", true);
        claims.put("measurement", mrTd);
        List<String> mrtds = new java.util.ArrayList<>();
        for (int i = 0; i < 63; i++) {
            mrtds.add(String.format("%096x", i));
        }
        mrtds.add(mrTd);
        references = new ReferenceValues(Map.of("tdx_images", Map.of("mr_td", List.copyOf(mrtds),
                "rtmr0", List.of("00".repeat(48)))), List.of(new ReferenceSetUse("tdx_images", 1, "11".repeat(32), "used")));
        if (builtInTdx.evaluate(claims, ReferenceValues.NONE).status() != EarStatus.AFFIRMING
                || prodTdx.evaluate(claims, references).status() != EarStatus.AFFIRMING) {
            throw new IllegalStateException("benchmark claims do not satisfy the policies");
        }
    }

    @Benchmark
    public Appraisal builtInTdxDefault() throws PolicyException {
        return builtInTdx.evaluate(claims, ReferenceValues.NONE);
    }

    @Benchmark
    public Appraisal productionTdxWithReferences() throws PolicyException {
        return prodTdx.evaluate(claims, references);
    }
}

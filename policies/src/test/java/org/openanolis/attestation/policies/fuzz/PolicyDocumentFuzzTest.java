package org.openanolis.attestation.policies.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.fuzz.FuzzCampaign;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyDocument;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.PolicyIdentity;
import org.openanolis.attestation.policies.ReferenceValueSet;

/**
 * Bounded fuzzing of the policy document parser and compiler and of the reference-value set
 * parser, seeded with the built-in policies (YAML and their JSON form) and a reference set: every
 * input must give a document (compiled) or a {@link PolicyException} with one of the codes of a
 * rejected document (400).
 */
class PolicyDocumentFuzzTest {
    private static final String[] YAML_TOKENS = {"\n", "  ", "- ", ": ", "{", "}", "[", "]", "'", "\"", "&a ", "*a", "!!binary ",
            "!!python/object:x ", "<<: *a", "---\n", "...\n", "null", "~", "1e999", "-1", "0x7fffffffffffffff", "expr: ",
            "claims.", "size(claims.advisory_ids) > 0", "((((((((((((((((((((", ")", "on_fail: ", "component: ", "tees: [",
            "rules:\n", "id: ", "version: ", "references: ", "2026-13-01T00:00:00Z", "values: ", "valid_until: "};

    /** A document is rejected as a bad request (400), never as not-found, conflict or auth. */
    private static boolean documentRejection(Throwable t) {
        return t instanceof PolicyException e && Set.of(PolicyException.Code.MALFORMED_DOCUMENT, PolicyException.Code.UNKNOWN_KEY,
                PolicyException.Code.MISSING_KEY, PolicyException.Code.INVALID_VALUE, PolicyException.Code.EXPRESSION_INVALID)
                .contains(e.code());
    }

    private static byte[] builtIn(String tee) {
        String resource = "/org/openanolis/attestation/policies/defaults/" + BuiltInPolicies.defaultId(tee) + ".yaml";
        try (InputStream in = BuiltInPolicies.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void policyDocuments() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String tee : BuiltInPolicies.TEES) {
            byte[] yaml = builtIn(tee);
            seeds.add(yaml);
            seeds.add(DocumentFormat.YAML.parse(yaml).toString().getBytes(StandardCharsets.UTF_8)); // the JSON form
        }
        PolicyCompiler compiler = new PolicyCompiler();
        FuzzCampaign.named("policy-document").seeds(seeds).dictionary(YAML_TOKENS)
                .documented(PolicyDocumentFuzzTest::documentRejection).regressionsFrom(getClass())
                .run(bytes -> {
                    PolicyDocument doc = PolicyDocument.parse(bytes, DocumentFormat.detect(bytes));
                    compiler.compile(doc, new PolicyIdentity(doc.id(), 1, "00"));
                });
    }

    @Test
    void referenceValueSets() {
        byte[] seed = """
                name: gpu_drivers
                provenance: {source: nvidia, build: 17}
                valid_from: 2026-01-01T00:00:00Z
                valid_until: 2026-07-01T00:00:00Z
                values:
                  driver_version: ["550.54.15", "550.90.07"]
                  mr_td: ["%s"]
                  min_svn: 3
                  strict: true
                revoked: [{key: driver_version, value: "535.86.09", revoked_at: 2026-02-01T00:00:00Z, revoked_by: ops}]
                """.formatted("ab".repeat(48)).getBytes(StandardCharsets.UTF_8);
        FuzzCampaign.named("reference-value-set").seeds(List.of(seed)).dictionary(YAML_TOKENS)
                .documented(PolicyDocumentFuzzTest::documentRejection).regressionsFrom(getClass())
                .run(bytes -> ReferenceValueSet.parse(bytes, DocumentFormat.detect(bytes)));
    }
}

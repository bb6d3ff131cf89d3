package org.openanolis.attestation.verifier.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.store.Database;
import org.openanolis.attestation.policies.store.VersionedDocumentStore;
import org.openanolis.attestation.verifier.BundleVerifier;
import org.openanolis.attestation.verifier.VerificationResult;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;

/**
 * The built-in default policies on the claims the engines really produce for the conformance
 * vectors (verified at each bundle's verify_at): every rule must be able to read its claims, so a
 * healthy device is affirming and nothing fails for a missing claim.
 */
class DefaultPoliciesOnVectorsTest {
    @TempDir
    static Path data;
    private static Database database;
    private static PolicyAppraiser appraiser;
    private static final BundleVerifier VERIFIER = new BundleVerifier(TrustAnchors.builtIn());

    @BeforeAll
    static void open() {
        database = Database.openSqlite(data);
        PolicyCompiler compiler = new PolicyCompiler();
        PolicyEngine engine = new PolicyEngine(new VersionedDocumentStore(database), compiler,
                new BuiltInPolicies(compiler), Clock.systemUTC(), Duration.ZERO);
        appraiser = new PolicyAppraiser(engine, true);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @ParameterizedTest(name = "{0}/{1}: {2} {3}")
    @CsvSource({
        // tee dir, vector, status, the rules that do not pass ('' = none)
        "tdx, google-v5-td15-90c06f-uptodate, affirming, ''",
        "tdx, near-v4-20a06f-uptodate, affirming, ''",
        "tdx, phala-v4-b0c06f-uptodate, affirming, ''",
        "tdx, trustee-azure-v4-00806f-outofdate, warning, platform-tcb-up-to-date tdx-module-up-to-date",
        "tdx, sgx-v3-phala-00a067110000, warning, platform-tcb-up-to-date",
        "snp, azure-trustee_milan_v3, affirming, ''",
        "snp, oak_genoa_v5, affirming, ''",
        "snp, openanolis-trustee_turin_v5, affirming, ''",
        "snp, coco-trustee_milan_v3_vlek, warning, reported-tcb-is-current",
        "snp, go-sev-guest_milan_v2, contraindicated, guest-not-debuggable",
        "gpu, nvtrust-v1-2023-h100-545.00, affirming, ''",
        "gpu, sdk-ls10-96.10.55.00.01, affirming, ''",
    })
    void defaultPolicyOnRealClaims(String dir, String vector, String status, String failing) throws Exception {
        AttestationBundle bundle = AttestationBundle.read(SharedData.testdata().resolve(dir).resolve(vector));
        VerificationResult r = VERIFIER.verify(bundle, Optional.empty(), Clock.systemUTC());
        assertTrue(r.pass(), "vector must verify: " + r.details());
        VerifiedEvidence ev = new VerifiedEvidence(r.tee(), r.tcbStatus(), r.advisoryIds(), r.claims());
        Appraiser.Appraisal a = appraiser.appraise(r.tee().startsWith("nv") ? "gpu0" : "cpu", ev, null);

        assertEquals(status, a.status(), a.explanation().toString());
        List<String> failed = a.failedRules().stream().map(m -> (String) m.get("rule")).toList();
        assertEquals(failing.isEmpty() ? List.of() : List.of(failing.split(" ")), failed);
        for (Map<String, Object> rule : a.explanation()) {
            assertFalse("error".equals(rule.get("result")), "rule could not read its claims: " + rule);
        }
        assertEquals("contraindicated".equals(status), a.denied());
        String tee = r.tee();
        assertTrue(a.policyId().startsWith(BuiltInPolicies.defaultId(tee) + "@0#sha256:"), a.policyId());
    }
}

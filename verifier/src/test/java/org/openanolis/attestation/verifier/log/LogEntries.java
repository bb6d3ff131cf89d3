package org.openanolis.attestation.verifier.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.errors.ReasonCode;

/** Sample entries for log tests: deterministic in {@code n}. */
final class LogEntries {
    private LogEntries() {}

    static byte[] collateralBlob(int n, String kind) {
        return ("{\"" + kind + "\":" + (n % 7) + "}").getBytes(StandardCharsets.UTF_8);
    }

    static LogEntry sample(int n) {
        byte[] tcbInfo = collateralBlob(n, "tcb_info");
        byte[] qeIdentity = collateralBlob(n, "qe_identity");
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("tcb_status", n % 3 == 0 ? "OutOfDate" : "UpToDate");
        explanation.put("rules", List.of(Map.of("name", "debug_disabled", "result", true),
                Map.of("name", "svn_minimum", "result", n % 5 != 0, "actual", (long) n)));
        boolean denied = n % 5 == 0;
        return LogEntry.builder()
                .addEvidence(new EvidenceItem("cpu", "tdx", "quote", ("quote-" + n).getBytes(StandardCharsets.UTF_8)))
                .addCollateral(new CollateralReference("cpu", "tcb_info", Sha256Digest.digest(tcbInfo)))
                .addCollateral(new CollateralReference("cpu", "qe_identity", Sha256Digest.digest(qeIdentity)))
                .policy(new PolicyReference("default-tdx", 3, Sha256Digest.digest("policy-v3".getBytes(StandardCharsets.UTF_8))))
                .referenceValueVersion("tdx-measurements", "2025-06")
                .verifierVersion("0.1.0")
                .instant(Instant.parse("2025-07-01T00:00:00Z").plusMillis(n * 1500L))
                .outcome(new AppraisalOutcome(denied ? EarStatus.CONTRAINDICATED : EarStatus.AFFIRMING,
                        denied ? ReasonCode.POLICY_DENIED : null, explanation))
                .jti("jti-" + n)
                .nonce(("nonce-" + n).getBytes(StandardCharsets.UTF_8))
                .build();
    }

    static List<byte[]> blobsFor(int n) {
        return List.of(collateralBlob(n, "tcb_info"), collateralBlob(n, "qe_identity"));
    }
}

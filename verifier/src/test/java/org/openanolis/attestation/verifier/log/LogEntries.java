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

    /** Collateral kinds by submodule for entry {@code n}: TDX, SNP, or TDX with one GPU. */
    private static List<String[]> collateralKinds(int n) {
        return switch (n % 3) {
            case 0 -> List.of(new String[] {"cpu", "tcb_info"}, new String[] {"cpu", "qe_identity"});
            case 1 -> List.of(new String[] {"cpu", "vek"}, new String[] {"cpu", "ask"});
            default -> List.of(new String[] {"cpu", "tcb_info"}, new String[] {"cpu", "qe_identity"},
                    new String[] {"gpu0", "driver_rim"}, new String[] {"gpu0", "vbios_rim"});
        };
    }

    /**
     * A mixed sample: TDX (n % 3 == 0), SNP (1) or TDX with one NVIDIA GPU (2); every fifth is
     * denied by policy, every third is on an out-of-date TCB.
     */
    static LogEntry sample(int n) {
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("tcb_status", n % 3 == 0 ? "OutOfDate" : "UpToDate");
        explanation.put("rules", List.of(Map.of("name", "debug_disabled", "result", true),
                Map.of("name", "svn_minimum", "result", n % 5 != 0, "actual", (long) n)));
        boolean denied = n % 5 == 0;
        LogEntry.Builder b = LogEntry.builder();
        if (n % 3 == 1) {
            b.addEvidence(new EvidenceItem("cpu", "snp", "report", ("report-" + n).getBytes(StandardCharsets.UTF_8)));
        } else {
            b.addEvidence(new EvidenceItem("cpu", "tdx", "quote", ("quote-" + n).getBytes(StandardCharsets.UTF_8)));
        }
        if (n % 3 == 2) {
            b.addEvidence(new EvidenceItem("gpu0", "nvgpu", "report", ("spdm-" + n).getBytes(StandardCharsets.UTF_8)));
            b.addEvidence(new EvidenceItem("gpu0", "nvgpu", "cert_chain",
                    "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.UTF_8)));
            b.addEvidence(new EvidenceItem("gpu0", "nvgpu", "nonce", new byte[32]));
        }
        for (String[] k : collateralKinds(n)) {
            b.addCollateral(new CollateralReference(k[0], k[1], Sha256Digest.digest(collateralBlob(n, k[1]))));
        }
        return b.addPolicy(new AppliedPolicy("cpu",
                        new PolicyReference("default", 3, Sha256Digest.digest("policy-v3".getBytes(StandardCharsets.UTF_8))),
                        null, List.of(new ReferenceSetReference("measurements", "used", 6,
                                Sha256Digest.digest("measurements-v6".getBytes(StandardCharsets.UTF_8)), null))))
                .verifierVersion("0.1.0")
                .instant(Instant.parse("2025-07-01T00:00:00Z").plusMillis(n * 1500L))
                .outcome(new AppraisalOutcome(denied ? EarStatus.CONTRAINDICATED : EarStatus.AFFIRMING,
                        denied ? ReasonCode.POLICY_DENIED : null, explanation))
                .jti("jti-" + n)
                .nonce(("nonce-" + n).getBytes(StandardCharsets.UTF_8))
                .build();
    }

    static List<byte[]> blobsFor(int n) {
        List<byte[]> out = new java.util.ArrayList<>();
        for (String[] k : collateralKinds(n)) {
            out.add(collateralBlob(n, k[1]));
        }
        return out;
    }
}

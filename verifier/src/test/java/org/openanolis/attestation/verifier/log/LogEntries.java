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

    /** The policy document entry {@code withDocuments(n)} records: one of two versions. */
    static byte[] policyDocument(int n) {
        return ("id: fleet\ntees: [tdx]\nreferences: [fleet_values]\nrules:\n  - name: r" + (n % 2)
                + "\n    component: configuration\n    expr: claims.debug == false\n    on_fail: contraindicated\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The reference-set document entry {@code withDocuments(n)} records. */
    static byte[] referenceSetDocument() {
        return "name: fleet_values\nvalues:\n  tier: silver\n".getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code sample(n)} (format 2) with its CPU policy recorded with its document (version
     * {@code 1 + n % 2}) and one used reference set with its document, and a GPU policy (n % 3 == 2)
     * recorded without one.
     */
    static LogEntry withDocuments(int n) {
        LogEntry plain = sample(n);
        LogEntry.Builder b = LogEntry.builder().verifierVersion(plain.verifierVersion()).instant(plain.instant())
                .outcome(plain.outcome()).jti("doc-" + plain.jti()).nonce(plain.nonce());
        plain.evidence().forEach(b::addEvidence);
        plain.collateral().forEach(b::addCollateral);
        b.addPolicy(new AppliedPolicy("cpu", new PolicyReference("fleet", 1 + n % 2, Sha256Digest.digest(policyDocument(n))),
                "yaml", List.of(new ReferenceSetReference("fleet_values", "used", 4,
                        Sha256Digest.digest(referenceSetDocument()), "yaml"))));
        if (n % 3 == 2) {
            b.addPolicy(new AppliedPolicy("gpu0", new PolicyReference("default-nvgpu", 0,
                    Sha256Digest.digest("builtin".getBytes(StandardCharsets.UTF_8))), null, List.of()));
        }
        return b.build();
    }

    /** The blobs of {@code withDocuments(n)}: its collateral and its two documents. */
    static List<byte[]> blobsWithDocuments(int n) {
        List<byte[]> out = blobsFor(n);
        out.add(policyDocument(n));
        out.add(referenceSetDocument());
        return out;
    }

    /**
     * The bytes of a format 1 entry as the first release wrote them, spelled out map by map (not
     * through {@link LogEntry#encode()}): one CPU policy reference and reference-set versions by name.
     */
    static byte[] version1Bytes(int n) {
        LogEntry s = sample(n);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1L);
        List<Object> ev = new java.util.ArrayList<>();
        s.evidence().forEach(e -> ev.add(Map.of("submod", e.submodule(), "tee", e.tee(), "kind", e.kind(), "data", e.bytes())));
        m.put("evidence", ev);
        List<Object> col = new java.util.ArrayList<>();
        s.collateral().forEach(c -> col.add(Map.of("submod", c.submodule(), "kind", c.kind(), "sha256", c.sha256().bytes())));
        m.put("collateral", col);
        m.put("policy", Map.of("id", "default", "version", 3L,
                "sha256", Sha256Digest.digest("policy-v3".getBytes(StandardCharsets.UTF_8)).bytes()));
        m.put("reference_values", Map.of("measurements", "2025-06"));
        m.put("verifier_version", s.verifierVersion());
        m.put("instant", s.instant().toString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", s.outcome().status().wireName());
        out.put("reason", s.outcome().reason() == null ? null : s.outcome().reason().name());
        out.put("explanation", s.outcome().explanation());
        m.put("outcome", out);
        m.put("jti", "v1-" + s.jti());
        m.put("nonce", s.nonce());
        return DeterministicCbor.encode(m);
    }
}

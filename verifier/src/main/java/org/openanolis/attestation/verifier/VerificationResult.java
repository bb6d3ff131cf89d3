package org.openanolis.attestation.verifier;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The verdict on one piece of evidence, in the shape the CLI prints with {@code --json}:
 * {@code verdict}, {@code tee}, {@code reason}, {@code tcb_status}, {@code advisory_ids},
 * {@code claims} and {@code details}.
 */
public record VerificationResult(boolean pass, String tee, ReasonCode reason, String tcbStatus,
                                 List<String> advisoryIds, Map<String, Object> claims, Map<String, Object> details) {

    public static VerificationResult passed(VerifiedEvidence v) {
        return new VerificationResult(true, v.tee(), null, v.tcbStatus(), v.advisoryIds(), v.claims(), Map.of());
    }

    public static VerificationResult failed(String tee, VerificationException e) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("check", e.field());
        details.put("message", e.getMessage());
        if (e.expected() != null) {
            details.put("expected", e.expected());
        }
        if (e.actual() != null) {
            details.put("actual", e.actual());
        }
        return new VerificationResult(false, tee, e.code(), null, List.of(), Map.of(), details);
    }

    /** The result as an ordered JSON-ready map. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", pass ? "pass" : "fail");
        m.put("tee", tee);
        m.put("reason", reason == null ? null : reason.name());
        m.put("tcb_status", tcbStatus);
        m.put("advisory_ids", advisoryIds);
        m.put("claims", claims);
        m.put("details", details);
        return m;
    }
}

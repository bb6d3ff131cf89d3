package org.openanolis.attestation.verifier.attest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * A test stand-in (the service appraises with the policy engine): fail closed, a debug TD/guest/GPU is contraindicated, a TCB
 * status other than {@code UpToDate} is a warning, a GPU measurement mismatch is contraindicated
 * and a GPU that could not be appraised against its RIMs is at best a warning. The trust vector
 * uses AR4SI values (2 affirming, 32 warning, 96/97/99 contraindicated, 0 no claim).
 */
public final class DefaultAppraiser implements Appraiser {
    private static final String AFFIRMING = "affirming";
    private static final String WARNING = "warning";
    private static final String CONTRAINDICATED = "contraindicated";

    @Override
    public Appraisal appraise(String device, VerifiedEvidence ev, String policyId) {
        Map<String, Object> c = ev.claims();
        List<Map<String, Object>> why = new ArrayList<>();
        Map<String, Integer> tv = new LinkedHashMap<>();
        String status = AFFIRMING;
        tv.put("instance-identity", 2);
        tv.put("hardware", 2);

        boolean debug = Boolean.TRUE.equals(c.get("debug"));
        why.add(rule("not_debug", !debug, Map.of("debug", debug)));
        if (debug) {
            status = CONTRAINDICATED;
            tv.put("configuration", 96);
        } else {
            tv.put("configuration", 2);
        }

        Object tcb = ev.tcbStatus();
        if (tcb != null) {
            boolean upToDate = "UpToDate".equals(tcb);
            why.add(rule("tcb_up_to_date", upToDate, Map.of("tcb_status", tcb)));
            if (!upToDate) {
                tv.put("hardware", 32);
                status = worst(status, WARNING);
            }
        }

        Object measurement = c.get("measurement_result");
        if (measurement != null) {
            boolean ok = "success".equals(measurement);
            why.add(rule("gpu_measurements_match_rims", ok, Map.of("measurement_result", measurement)));
            if ("mismatch".equals(measurement)) {
                tv.put("executables", 99);
                status = worst(status, CONTRAINDICATED);
            } else if (!ok) {
                tv.put("executables", 33);
                status = worst(status, WARNING);
            } else {
                tv.put("executables", 2);
            }
        }
        String policy = policyId != null ? policyId : "builtin-default-" + ev.tee();
        return new Appraisal(status, tv, policy, why);
    }

    private static Map<String, Object> rule(String name, boolean passed, Map<String, Object> read) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", name);
        m.put("result", passed);
        m.put("read", read);
        return m;
    }

    /** The worse of two EAR statuses. */
    public static String worst(String a, String b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(String s) {
        return switch (s) {
            case AFFIRMING -> 0;
            case WARNING -> 1;
            case CONTRAINDICATED -> 2;
            default -> 3; // "none": no appraisal
        };
    }
}

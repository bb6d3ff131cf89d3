package org.openanolis.attestation.policies;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Claim sets shaped like the verifiers' output, for policy tests. */
public final class TestClaims {
    private TestClaims() {}

    public static final String MR_TD = "5f3c0a1b".repeat(12);

    /** A healthy TDX device: not debug, everything UpToDate. */
    public static Map<String, Object> tdx() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tee", "tdx");
        c.put("fmspc", "90c06f000000");
        c.put("tcb_status", "UpToDate");
        c.put("advisory_ids", List.of());
        c.put("qe_status", "UpToDate");
        c.put("module_status", "UpToDate");
        c.put("mr_td", MR_TD);
        c.put("rtmr0", "00".repeat(48));
        c.put("debug", false);
        c.put("sept_ve_disable", true);
        c.put("measurement", MR_TD);
        return c;
    }

    /** A healthy SNP guest. */
    public static Map<String, Object> snp() {
        Map<String, Object> tcb = Map.of("bootloader", 3, "tee", 0, "snp", 8, "microcode", 115);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tee", "snp");
        c.put("product", "Milan");
        c.put("measurement", "ab".repeat(48));
        c.put("debug", false);
        c.put("policy", Map.of("debug", false, "migrate_ma", false, "smt", true));
        c.put("reported_tcb", tcb);
        c.put("current_tcb", new LinkedHashMap<>(tcb));
        c.put("guest_svn", 1);
        c.put("vmpl", 0);
        return c;
    }

    /** A GPU whose measurements matched the RIMs. */
    public static Map<String, Object> gpu(String measurementResult) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tee", "nvgpu");
        c.put("arch", "HOPPER");
        c.put("driver_version", "550.54.15");
        c.put("vbios_version", "96.00.74.00.1a");
        c.put("measurement_result", measurementResult);
        c.put("mismatched_indices", List.of());
        c.put("ocsp", Map.of("device_chain", Map.of("mode", "best-effort", "status", "good"),
                "driver_rim_chain", Map.of("mode", "best-effort", "status", "good")));
        return c;
    }
}

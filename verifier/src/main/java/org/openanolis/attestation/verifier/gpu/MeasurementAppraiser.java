package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.rim.GoldenMeasurement;
import org.openanolis.attestation.parsers.spdm.MeasurementBlock;
import org.openanolis.attestation.parsers.spdm.SpdmMeasurementResponse;

/**
 * Compares runtime measurements with the golden values of verified RIMs
 * ({@code gpu-verification.md} §8): golden = the active entries of every RIM (an index active in
 * two RIMs is a conflict, {@code COLLATERAL_INVALID}); RIM index {@code i} is SPDM block
 * {@code i + 1}; a golden entry matches when one alternative equals the runtime value and the sizes
 * agree; a missing runtime block is a mismatch; RIM index 35 is skipped on a GPU whose
 * NVDEC0_STATUS is 0x55 (disabled).
 */
final class MeasurementAppraiser {
    /** The RIM index NVDEC0 measures; skipped when NVDEC0 is disabled. */
    static final int NVDEC0_INDEX = 35;
    static final int NVDEC0_DISABLED = 0x55;

    private MeasurementAppraiser() {}

    /** One golden entry with the RIM it came from and its alternatives decoded once. */
    record Golden(GoldenMeasurement measurement, RimKind source, List<byte[]> alternatives) {
        Golden(GoldenMeasurement measurement, RimKind source) {
            this(measurement, source, measurement.alternatives().stream().map(Hex::decode).toList());
        }

        boolean matches(MeasurementBlock block) {
            if (block.size() != measurement.size()) {
                return false;
            }
            for (byte[] a : alternatives) {
                if (block.valueEquals(a)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The outcome: how many golden values were compared and the mismatches (claim-ready maps). */
    record Appraisal(int compared, List<Integer> skipped, List<Map<String, Object>> mismatches) {
        Appraisal {
            skipped = List.copyOf(skipped);
            mismatches = List.copyOf(mismatches);
        }
    }

    /**
     * The active entries of a RIM with their alternatives decoded, per RIM kind and measurement list
     * (by identity: a verified RIM's list is immutable and kept by the RIM cache, so every GPU of
     * every request that uses it shares one decoding instead of hex-decoding ~60 values again).
     */
    private static final Map<RimKind, Cache<List<GoldenMeasurement>, List<Golden>>> DECODED = decodedCaches();

    private static Map<RimKind, Cache<List<GoldenMeasurement>, List<Golden>>> decodedCaches() {
        Map<RimKind, Cache<List<GoldenMeasurement>, List<Golden>>> m = new EnumMap<>(RimKind.class);
        for (RimKind k : RimKind.values()) {
            m.put(k, Caffeine.newBuilder().weakKeys().build());
        }
        return m;
    }

    private static List<Golden> active(RimKind kind, List<GoldenMeasurement> measurements) {
        return DECODED.get(kind).get(measurements, list -> list.stream().filter(GoldenMeasurement::active)
                .map(g -> new Golden(g, kind)).toList());
    }

    static Map<Integer, Golden> golden(Map<RimKind, List<GoldenMeasurement>> rims) throws VerificationException {
        Map<Integer, Golden> out = new TreeMap<>();
        // Reads only authenticated RIMs; the result is immutable and shared by the devices of a set.
        for (Map.Entry<RimKind, List<GoldenMeasurement>> e : rims.entrySet()) {
            for (Golden decoded : active(e.getKey(), e.getValue())) {
                GoldenMeasurement g = decoded.measurement();
                Golden prev = out.put(g.index(), decoded);
                if (prev != null) {
                    throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "rims.index_conflict",
                            "index " + g.index() + " is active in both the " + prev.source().claimName()
                                    + " and the " + e.getKey().claimName() + " RIM");
                }
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    static Appraisal appraise(Map<Integer, Golden> golden, SpdmMeasurementResponse runtime, boolean skipNvdec0) {
        int compared = 0;
        List<Integer> skipped = new ArrayList<>();
        List<Map<String, Object>> mismatches = new ArrayList<>();
        for (Map.Entry<Integer, Golden> e : golden.entrySet()) {
            int index = e.getKey();
            if (skipNvdec0 && index == NVDEC0_INDEX) {
                skipped.add(index);
                continue;
            }
            compared++;
            GoldenMeasurement g = e.getValue().measurement();
            MeasurementBlock block = runtime.block(index + 1).orElse(null);
            boolean ok = block != null && e.getValue().matches(block);
            if (!ok) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", index);
                m.put("measured", block == null ? null : block.hex());
                m.put("expected", g.alternatives());
                m.put("source", e.getValue().source().claimName());
                mismatches.add(m);
            }
        }
        return new Appraisal(compared, skipped, mismatches);
    }
}

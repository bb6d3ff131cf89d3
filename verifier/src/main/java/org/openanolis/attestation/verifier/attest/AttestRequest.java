package org.openanolis.attestation.verifier.attest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A composite attestation request: the nonce from {@code /v1/nonce}, the exact
 * {@code runtime_data} bytes the attester hashed into its CPU report data, one CPU evidence, zero
 * or more GPU/NVSwitch evidence items, optional policy ids per device kind ({@code cpu},
 * {@code gpu}) and the optional audience of the token.
 */
public record AttestRequest(String nonce, byte[] runtimeData, CpuEvidence cpu, List<GpuEvidence> gpus,
                            Map<String, String> policyIds, String audience) {
    /** At most this many GPU/NVSwitch items per request (8 GPUs and 4 switches). */
    public static final int MAX_DEVICES = 12;

    public AttestRequest {
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(cpu, "cpu");
        runtimeData = runtimeData.clone();
        gpus = List.copyOf(gpus);
        policyIds = Map.copyOf(policyIds);
        if (gpus.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("at most " + MAX_DEVICES + " GPU/NVSwitch evidence items");
        }
    }

    @Override
    public byte[] runtimeData() {
        return runtimeData.clone();
    }
}

package org.openanolis.attestation.verifier.attest;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A GPU/NVSwitch as the verification log recorded it: its evidence and the collateral used for it
 * by bundle-format key ({@code driver_rim}, {@code vbios_rim}, {@code bios_rim},
 * {@code ocsp/<serial hex>}), received at {@code recordedAt}. The input of the warm start ({@link EvidenceVerifiers#warmGpu}); none of it
 * is trusted.
 */
public record RecordedDevice(GpuEvidence evidence, Map<String, byte[]> collateral, Instant recordedAt) {
    public RecordedDevice {
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(collateral, "collateral");
        Objects.requireNonNull(recordedAt, "recordedAt");
        collateral = Map.copyOf(collateral);
    }
}

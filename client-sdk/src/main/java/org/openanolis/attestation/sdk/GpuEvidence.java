package org.openanolis.attestation.sdk;

import java.util.Objects;
import java.util.Set;

/**
 * One GPU or NVSwitch evidence item as the driver returns it: the SPDM GET_MEASUREMENTS request
 * and response bytes, and the device certificate chain in PEM, leaf first.
 *
 * @param tee          {@code nvgpu} or {@code nvswitch}
 * @param report       SPDM request ‖ response
 * @param certChainPem the device chain, PEM, leaf first
 */
public record GpuEvidence(String tee, byte[] report, String certChainPem) {
    /** The device kinds the service accepts. */
    public static final Set<String> TEES = Set.of("nvgpu", "nvswitch");

    /** Validates the kind and copies the report. */
    public GpuEvidence {
        Objects.requireNonNull(tee, "tee");
        Objects.requireNonNull(certChainPem, "certChainPem");
        if (!TEES.contains(tee)) {
            throw new IllegalArgumentException("GPU tee must be one of " + TEES);
        }
        report = report.clone();
    }

    /** A copy of the SPDM bytes. */
    @Override
    public byte[] report() {
        return report.clone();
    }
}

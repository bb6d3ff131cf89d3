package org.openanolis.attestation.verifier.attest;

import java.util.Objects;
import java.util.Set;

/**
 * One GPU or NVSwitch evidence item: the SPDM GET_MEASUREMENTS request and response bytes and the
 * device certificate chain (PEM, leaf first, as the driver returns it).
 */
public record GpuEvidence(String tee, byte[] report, byte[] certChainPem) {
    public static final Set<String> TEES = Set.of("nvgpu", "nvswitch");

    public GpuEvidence {
        Objects.requireNonNull(tee, "tee");
        if (!TEES.contains(tee)) {
            throw new IllegalArgumentException("gpu tee must be one of " + TEES);
        }
        report = report.clone();
        certChainPem = certChainPem.clone();
    }

    @Override
    public byte[] report() {
        return report.clone();
    }

    @Override
    public byte[] certChainPem() {
        return certChainPem.clone();
    }
}

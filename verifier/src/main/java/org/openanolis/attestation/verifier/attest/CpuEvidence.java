package org.openanolis.attestation.verifier.attest;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * CPU evidence as an attester submits it: a TDX/SGX quote or an SNP report, plus for SNP the
 * optional VEK certificate and its issuer (PEM or DER) when the host has them at hand.
 */
public record CpuEvidence(String tee, byte[] evidence, Map<String, byte[]> certificates) {
    public static final Set<String> TEES = Set.of("tdx", "sgx", "snp");

    public CpuEvidence {
        Objects.requireNonNull(tee, "tee");
        if (!TEES.contains(tee)) {
            throw new IllegalArgumentException("cpu.tee must be one of " + TEES);
        }
        evidence = evidence.clone();
        certificates = Map.copyOf(certificates);
    }

    @Override
    public byte[] evidence() {
        return evidence.clone();
    }
}

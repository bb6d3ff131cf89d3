package org.openanolis.attestation.sdk;

import java.io.IOException;

/**
 * Produces the CPU evidence of the TEE the attester runs in: a TDX or SGX quote, or an SEV-SNP
 * report, whose report data is exactly the 64 bytes given. The SDK never talks to the hardware
 * itself; the host supplies this (for example through {@code configfs-tsm}, {@code /dev/tdx_guest}
 * or {@code /dev/sev-guest}), so a simulator or a real driver can be swapped in freely.
 */
public interface CpuEvidenceProvider {
    /** The {@code cpu.tee} value of the request: {@code tdx}, {@code sgx} or {@code snp}. */
    String tee();

    /**
     * Returns the quote or report binding {@code reportData}.
     *
     * @param reportData exactly 64 bytes: SHA-512(nonce ‖ runtime_data) (docs/api.md, the recipe)
     * @throws IOException when the evidence cannot be obtained
     */
    byte[] evidence(byte[] reportData) throws IOException;
}

package org.openanolis.attestation.verifier.attest;

import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * The seam between the attestation service and the per-TEE engines: each verifies one piece of
 * evidence with whatever collateral source it was built with (live, cached or offline).
 */
public interface EvidenceVerifiers {
    /** Verifies CPU evidence; claims must include {@code report_data} (hex). */
    VerifiedEvidence verifyCpu(CpuEvidence evidence, VerificationContext context) throws VerificationException;

    /** Verifies one GPU/NVSwitch evidence item whose SPDM nonce must equal {@code expectedNonce}. */
    VerifiedEvidence verifyGpu(GpuEvidence evidence, byte[] expectedNonce, VerificationContext context)
            throws VerificationException;

    /**
     * Prepares the caches for a GPU/NVSwitch verified before, from its recorded evidence and the
     * OCSP answers recorded with it (serial hex → DER, received at {@code recordedAt}): the warm
     * start from the verification log. Returns whether its device chain validated; engines that
     * keep no per-device state do nothing (the default).
     */
    default boolean warmGpu(GpuEvidence evidence, java.util.Map<String, byte[]> recordedOcsp,
                            java.time.Instant recordedAt, VerificationContext context) {
        return false;
    }
}

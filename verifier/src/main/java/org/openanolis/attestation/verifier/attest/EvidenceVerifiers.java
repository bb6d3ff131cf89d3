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
     * Prepares the caches for a GPU/NVSwitch verified before, from what the verification log
     * recorded for it: the warm start. Returns whether its device chain validated. Engines that
     * keep no per-device state do nothing (the default).
     */
    default boolean warmGpu(RecordedDevice device, VerificationContext context) {
        return false;
    }

    /**
     * Engines that verify one recorded request again (the warm start's rehearsal): the engines and
     * caches of this set, fed only with what the verification log recorded for the request
     * ({@code collateral}: device {@code cpu}, {@code gpu0}, ... → collateral kind → bytes) and the
     * OCSP answers this set already holds. They ask no vendor service. Null when this set cannot
     * rehearse (the default).
     */
    default EvidenceVerifiers recorded(java.util.Map<String, java.util.Map<String, byte[]>> collateral) {
        return null;
    }
}

package org.openanolis.attestation.verifier.gpu;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * The verdict on one GPU or NVSwitch: the claims established (on failure, those gathered up to
 * the failed check, e.g. {@code measurement_result = "mismatch"} with the mismatching indices) and
 * the failure, if any.
 */
public record GpuDeviceResult(String tee, Map<String, Object> claims, Optional<VerificationException> failure) {
    public GpuDeviceResult {
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    public boolean passed() {
        return failure.isEmpty();
    }

    /** The verified evidence, or the failure thrown. */
    public VerifiedEvidence orThrow() throws VerificationException {
        if (failure.isPresent()) {
            throw failure.get();
        }
        return new VerifiedEvidence(tee, null, java.util.List.of(), claims);
    }
}

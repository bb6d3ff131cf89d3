package org.openanolis.attestation.verifier.gpu;

import java.io.IOException;
import java.util.Optional;

/**
 * Where RIM documents come from: a bundle's files now, NVIDIA's RIM service or a local store in the
 * service later. Returns the signed SWID XML bytes exactly as published; the verifier checks
 * everything else, so a source needs no trust.
 */
public interface RimSource {
    /**
     * The RIM of {@code kind} whose NVIDIA id is {@code rimId} (e.g.
     * {@code NV_GPU_DRIVER_GH100_550.90.07}), or empty when the source has none.
     *
     * @throws IOException the source could not be reached (treated as missing collateral)
     */
    Optional<byte[]> fetch(RimKind kind, String rimId) throws IOException;
}

package org.openanolis.attestation.sdk;

import java.io.IOException;

/**
 * Produces the SPDM evidence of one GPU or NVSwitch for a 32-byte nonce (SHA-256 of the service
 * nonce, docs/api.md). One provider per device; the order of providers is the order of
 * {@code gpus} in the request and of {@code gpu0}, {@code gpu1}… in the token.
 */
public interface GpuEvidenceProvider {
    /**
     * Asks the device for signed measurements over {@code nonce}.
     *
     * @param nonce exactly 32 bytes
     * @throws IOException when the device does not answer
     */
    GpuEvidence evidence(byte[] nonce) throws IOException;
}

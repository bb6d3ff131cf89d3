package org.openanolis.attestation.parsers.tdx;

import java.util.Objects;

/**
 * A signed Intel JSON collateral body split into the exact bytes of its inner object (what the
 * signature covers: {@code tcbInfo} or {@code enclaveIdentity}, byte for byte as served) and the
 * 64-byte {@code r||s} signature. Immutable; accessors return copies.
 */
public final class SignedCollateral {
    private final byte[] signedBytes;
    private final byte[] signature;

    public SignedCollateral(byte[] signedBytes, byte[] signature) {
        this.signedBytes = Objects.requireNonNull(signedBytes).clone();
        this.signature = Objects.requireNonNull(signature).clone();
    }

    /** The exact bytes of the inner JSON object. */
    public byte[] signedBytes() {
        return signedBytes.clone();
    }

    /** ECDSA P-256 signature {@code r||s} (64 bytes). */
    public byte[] signature() {
        return signature.clone();
    }
}

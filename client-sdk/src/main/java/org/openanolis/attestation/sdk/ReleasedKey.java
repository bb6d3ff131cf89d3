package org.openanolis.attestation.sdk;

import java.util.Objects;

/**
 * A model key unwrapped inside the TEE.
 *
 * @param modelKeyId the gateway's id of the key ({@code model_key_id} header)
 * @param tokenJti   the token it was released against ({@code jti} header)
 * @param key        the key bytes (a copy on every access; wipe it when done)
 */
public record ReleasedKey(String modelKeyId, String tokenJti, byte[] key) {
    /** Copies the key. */
    public ReleasedKey {
        Objects.requireNonNull(modelKeyId);
        Objects.requireNonNull(tokenJti);
        key = key.clone();
    }

    /** A copy of the key bytes. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ReleasedKey[modelKeyId=" + modelKeyId + ", tokenJti=" + tokenJti + ", " + key.length + " bytes]";
    }
}

package org.openanolis.attestation.verifier.log;

import java.util.Arrays;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;

/**
 * A SHA-256 value: a Merkle tree hash or the digest of a collateral blob. Immutable; the bytes are
 * copied on the way in and out.
 */
public final class Sha256Digest implements Comparable<Sha256Digest> {
    /** Length of a SHA-256 digest in bytes. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private Sha256Digest(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps exactly 32 bytes (copied). */
    public static Sha256Digest of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest is 32 bytes, got "
                    + (bytes == null ? "null" : bytes.length));
        }
        return new Sha256Digest(bytes.clone());
    }

    /** Parses 64 lower- or upper-case hex digits. */
    public static Sha256Digest ofHex(String hex) {
        return of(Hex.decode(hex));
    }

    /** SHA-256 of the concatenation of {@code parts}. */
    public static Sha256Digest digest(byte[]... parts) {
        return new Sha256Digest(Digests.sha256(parts));
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Writes the 32 bytes into {@code out} at {@code offset}, for hashing without a copy. */
    void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, LENGTH);
    }

    /** Lower-case hex. */
    public String hex() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256Digest other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Sha256Digest o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}

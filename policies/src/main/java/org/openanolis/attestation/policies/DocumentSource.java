package org.openanolis.attestation.policies;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The exact bytes of a policy or reference-value document as the engine compiled or parsed it,
 * with its format and the SHA-256 (lower-case hex) the store computed at upload: the hash that
 * {@link PolicyIdentity#contentHash()} and {@link ReferenceSetUse#contentHash()} report. The
 * verification log stores these bytes by that digest so that an auditor can compile the very
 * document a decision used. Made once per compiled version (never per request); the bytes are
 * copied on the way in and on the way out.
 */
public final class DocumentSource {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final DocumentFormat format;
    private final String sha256;
    private final byte[] bytes;

    /**
     * @param sha256 the SHA-256 of {@code bytes} in lower-case hex, as the store recorded it (not
     *     recomputed here: the log's writer and every auditor check it against the bytes)
     */
    public DocumentSource(DocumentFormat format, String sha256, byte[] bytes) {
        this.format = Objects.requireNonNull(format, "format");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
        }
        this.bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    public DocumentFormat format() {
        return format;
    }

    /** SHA-256 of the bytes, lower-case hex. */
    public String sha256() {
        return sha256;
    }

    /** The document bytes (copied). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The length of the document in bytes. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DocumentSource d && format == d.format && sha256.equals(d.sha256)
                && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return "DocumentSource[" + format + ", sha256=" + sha256 + ", " + bytes.length + " bytes]";
    }
}

package org.openanolis.attestation.policies.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.openanolis.attestation.policies.DocumentFormat;

/**
 * One immutable version of a policy or reference-value set, with who made it, when, and the
 * SHA-256 of its content.
 *
 * @param signature   the JWS over the content, if it was uploaded signed
 * @param signerKeyId the registered key that signed it, if signed
 * @param note        why the version exists when not a plain upload (revocation, import)
 */
public record StoredDocument(DocumentKind kind, String name, int version, DocumentFormat format, String content,
                             String contentHash, String signature, String signerKeyId, String createdBy,
                             Instant createdAt, String note) {
    public StoredDocument {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The content as the uploaded bytes (UTF-8); the content hash is over these. */
    public byte[] contentBytes() {
        return content.getBytes(StandardCharsets.UTF_8);
    }
}

package org.openanolis.attestation.policies.admin;

import org.openanolis.attestation.policies.DocumentFormat;

/**
 * An uploaded policy or reference-set document: its bytes (stored verbatim and hashed), its
 * format (null: detected from the content) and, in signed-document mode, its compact JWS.
 */
public record DocumentUpload(byte[] content, DocumentFormat format, String signature) {
    public DocumentUpload {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** An unsigned upload whose format is detected. */
    public static DocumentUpload of(byte[] content) {
        return new DocumentUpload(content, null, null);
    }

    DocumentFormat formatOrDetected() {
        return format != null ? format : DocumentFormat.detect(content);
    }
}

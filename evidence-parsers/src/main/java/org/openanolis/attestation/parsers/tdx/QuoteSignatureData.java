package org.openanolis.attestation.parsers.tdx;

import java.util.Objects;

/**
 * The ECDSA-256 quote signature data ({@code tdx-verification.md} 1.4): the quote signature
 * {@code r||s} (64), the raw attestation public key {@code x||y} (64), the QE report (384), its
 * signature by the PCK key (64), the QE authentication data and the PCK certification data.
 * Immutable: byte accessors return copies.
 */
public final class QuoteSignatureData {
    private final byte[] quoteSignature;
    private final byte[] attestationKey;
    private final EnclaveReport qeReport;
    private final byte[] qeReportSignature;
    private final byte[] qeAuthData;
    private final CertificationData certificationData;

    public QuoteSignatureData(byte[] quoteSignature, byte[] attestationKey, EnclaveReport qeReport,
                              byte[] qeReportSignature, byte[] qeAuthData, CertificationData certificationData) {
        this.quoteSignature = Objects.requireNonNull(quoteSignature, "quoteSignature").clone();
        this.attestationKey = Objects.requireNonNull(attestationKey, "attestationKey").clone();
        this.qeReport = Objects.requireNonNull(qeReport, "qeReport");
        this.qeReportSignature = Objects.requireNonNull(qeReportSignature, "qeReportSignature").clone();
        this.qeAuthData = Objects.requireNonNull(qeAuthData, "qeAuthData").clone();
        this.certificationData = Objects.requireNonNull(certificationData, "certificationData");
        if (this.quoteSignature.length != 64 || this.attestationKey.length != 64 || this.qeReportSignature.length != 64) {
            throw new IllegalArgumentException("signatures and key must be 64 bytes");
        }
    }

    /** ECDSA P-256 signature {@code r||s} over the signed region, by the attestation key. */
    public byte[] quoteSignature() {
        return quoteSignature.clone();
    }

    /** Raw P-256 attestation public key {@code x||y} (no 0x04 prefix). */
    public byte[] attestationKey() {
        return attestationKey.clone();
    }

    /** The QE's enclave report. */
    public EnclaveReport qeReport() {
        return qeReport;
    }

    /** ECDSA P-256 signature {@code r||s} over the QE report, by the PCK key. */
    public byte[] qeReportSignature() {
        return qeReportSignature.clone();
    }

    /** QE authentication data (32 bytes in practice). */
    public byte[] qeAuthData() {
        return qeAuthData.clone();
    }

    /** The inner certification data (type 1..5). */
    public CertificationData certificationData() {
        return certificationData;
    }
}

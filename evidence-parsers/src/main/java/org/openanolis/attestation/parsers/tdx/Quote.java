package org.openanolis.attestation.parsers.tdx;

import java.util.Objects;
import java.util.Optional;

/**
 * A parsed Intel DCAP quote (v3 SGX, v4 TDX, v5 TDX or SGX). Made only by {@link QuoteParser};
 * nothing here is authenticated yet. The signed region is {@code quote[0 : 48 + bodySize]} for
 * v3/v4 and {@code quote[0 : 54 + bodySize]} for v5, whose 6-byte body descriptor is signed too
 * ({@code tdx-verification.md} 1.3).
 */
public final class Quote {
    private final QuoteHeader header;
    private final BodyType bodyType;
    private final EnclaveReport enclaveReport;
    private final TdReport tdReport;
    private final byte[] signedRegion;
    private final QuoteSignatureData signatureData;
    private final int quoteLength;
    private final int trailingBytes;

    Quote(QuoteHeader header, BodyType bodyType, EnclaveReport enclaveReport, TdReport tdReport,
          byte[] signedRegion, QuoteSignatureData signatureData, int quoteLength, int trailingBytes) {
        this.header = Objects.requireNonNull(header);
        this.bodyType = Objects.requireNonNull(bodyType);
        this.enclaveReport = enclaveReport;
        this.tdReport = tdReport;
        this.signedRegion = signedRegion.clone();
        this.signatureData = Objects.requireNonNull(signatureData);
        this.quoteLength = quoteLength;
        this.trailingBytes = trailingBytes;
    }

    public QuoteHeader header() {
        return header;
    }

    public int version() {
        return header.version();
    }

    public TeeType teeType() {
        return header.teeType();
    }

    public BodyType bodyType() {
        return bodyType;
    }

    /** The SGX enclave report body, present for SGX quotes. */
    public Optional<EnclaveReport> enclaveReport() {
        return Optional.ofNullable(enclaveReport);
    }

    /** The TD report body, present for TDX quotes. */
    public Optional<TdReport> tdReport() {
        return Optional.ofNullable(tdReport);
    }

    /** A copy of the bytes the quote signature covers. */
    public byte[] signedRegion() {
        return signedRegion.clone();
    }

    /** Length of the signed region. */
    public int signedLength() {
        return signedRegion.length;
    }

    public QuoteSignatureData signatureData() {
        return signatureData;
    }

    /** Length of the quote proper (header, body, signature data), without trailing bytes. */
    public int quoteLength() {
        return quoteLength;
    }

    /** Bytes after the signature data; ignored, as Intel QVL ignores them (real quotes carry zero padding). */
    public int trailingBytes() {
        return trailingBytes;
    }

    @Override
    public String toString() {
        return "Quote[v" + header.version() + " " + header.teeType() + " " + bodyType + " signed="
                + signedRegion.length + " len=" + quoteLength + " trailing=" + trailingBytes + "]";
    }
}

package org.openanolis.attestation.parsers.tdx;

import java.util.Arrays;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.ByteReader;

/**
 * Parses Intel DCAP quotes v3, v4 and v5 (Intel QVL {@code Quote::parse} and {@code Quote::validate};
 * layouts in {@code tdx-verification.md} section 1). No cryptography happens here. Every defect is
 * {@code MALFORMED_EVIDENCE} naming the field and the offset; bytes after the declared signature
 * data are ignored, as QVL and go-tdx-guest ignore them.
 */
public final class QuoteParser {
    /** QVL {@code QUOTE_MIN_BYTE_LEN}: 48 + 384 + 4 + (64 + 64 + 384 + 64 + 2 + 2 + 4). */
    public static final int MIN_QUOTE_LENGTH = 1020;
    /** Size of the v5 body descriptor ({@code body_type u16, body_size u32}) at offset 48. */
    public static final int V5_BODY_DESCRIPTOR_SIZE = 6;

    private QuoteParser() {}

    /** Parses {@code quote}; the array is not kept. */
    public static Quote parse(byte[] quote) throws VerificationException {
        if (quote == null) {
            throw VerificationException.malformed("quote", 0, "no quote");
        }
        ByteReader r = new ByteReader(quote);
        QuoteHeader header = header(r);
        if (quote.length < MIN_QUOTE_LENGTH) {
            throw VerificationException.malformed("quote.length", quote.length,
                    "quote shorter than the minimum " + MIN_QUOTE_LENGTH + " bytes");
        }
        BodyType bodyType = bodyType(header, r);
        byte[] body = r.bytes(bodyType.size(), "quote.body");
        int signedLength = r.position();
        EnclaveReport enclave = bodyType == BodyType.SGX_ENCLAVE_REPORT ? new EnclaveReport(body) : null;
        TdReport td = bodyType == BodyType.SGX_ENCLAVE_REPORT ? null : new TdReport(body);

        int lengthOffset = r.position();
        long sigLen = r.u32("quote.signature_data_length");
        if (sigLen > r.remaining()) {
            throw VerificationException.malformed("quote.signature_data_length", lengthOffset,
                    "declared signature data length " + sigLen + " exceeds the " + r.remaining() + " bytes left");
        }
        int sigStart = r.position();
        ByteReader sig = r.slice((int) sigLen, "quote.signature_data");
        QuoteSignatureData signatureData = header.version() == 3 ? signatureDataV3(sig) : signatureDataV4(sig);
        if (sig.remaining() != 0) {
            throw VerificationException.malformed("quote.signature_data_length", lengthOffset,
                    "declared signature data length " + sigLen + " but its parts add up to " + (sigLen - sig.remaining()));
        }
        int quoteLength = sigStart + (int) sigLen;
        return new Quote(header, bodyType, enclave, td, Arrays.copyOf(quote, signedLength), signatureData,
                quoteLength, quote.length - quoteLength);
    }

    private static QuoteHeader header(ByteReader r) throws VerificationException {
        int version = r.u16("quote.header.version");
        if (version < 3 || version > 5) {
            throw VerificationException.malformed("quote.header.version", 0, "unsupported quote version " + version);
        }
        int keyType = r.u16("quote.header.attestation_key_type");
        if (keyType != QuoteHeader.ECDSA_P256) {
            throw VerificationException.malformed("quote.header.attestation_key_type", 2,
                    "unsupported attestation key type " + keyType + " (only 2, ECDSA P-256)");
        }
        long tee = r.u32("quote.header.tee_type");
        TeeType teeType;
        if (tee == TeeType.SGX.code()) {
            teeType = TeeType.SGX;
        } else if (tee == TeeType.TDX.code()) {
            teeType = TeeType.TDX;
        } else {
            throw VerificationException.malformed("quote.header.tee_type", 4, "unknown TEE type 0x" + Long.toHexString(tee));
        }
        if (version == 3 && teeType != TeeType.SGX) {
            throw VerificationException.malformed("quote.header.tee_type", 4, "quote v3 must be SGX");
        }
        if (version == 4 && teeType != TeeType.TDX) {
            throw VerificationException.malformed("quote.header.tee_type", 4, "quote v4 must be TDX");
        }
        r.skip(4, "quote.header.reserved");
        String vendor = Hex.encode(r.bytes(16, "quote.header.qe_vendor_id"));
        if (!QuoteHeader.INTEL_QE_VENDOR_ID.equals(vendor)) {
            throw VerificationException.malformed("quote.header.qe_vendor_id", 12, "QE vendor id " + vendor + " is not Intel's");
        }
        String userData = Hex.encode(r.bytes(20, "quote.header.user_data"));
        return new QuoteHeader(version, keyType, teeType, vendor, userData);
    }

    private static BodyType bodyType(QuoteHeader header, ByteReader r) throws VerificationException {
        if (header.version() == 3) {
            return BodyType.SGX_ENCLAVE_REPORT;
        }
        if (header.version() == 4) {
            return BodyType.TD_REPORT_10;
        }
        int typeOffset = r.position();
        int code = r.u16("quote.body_descriptor.body_type");
        BodyType type = BodyType.fromCode(code);
        if (type == null) {
            throw VerificationException.malformed("quote.body_descriptor.body_type", typeOffset, "unknown body type " + code);
        }
        if (type.tee() != header.teeType()) {
            throw VerificationException.malformed("quote.body_descriptor.body_type", typeOffset,
                    "body type " + code + " does not fit TEE " + header.teeType());
        }
        long size = r.u32("quote.body_descriptor.body_size");
        if (size != type.size()) {
            throw VerificationException.malformed("quote.body_descriptor.body_size", typeOffset + 2,
                    "body size " + size + " does not match body type " + code + " (" + type.size() + ")");
        }
        return type;
    }

    /** v3: signature, key, QE report, QE report signature, QE auth data, certification data (no type-6 wrapper). */
    private static QuoteSignatureData signatureDataV3(ByteReader r) throws VerificationException {
        byte[] quoteSig = r.bytes(64, "quote.signature_data.quote_signature");
        byte[] ak = r.bytes(64, "quote.signature_data.attestation_key");
        return qeReportAndCertification(r, quoteSig, ak, "quote.signature_data");
    }

    /** v4/v5: signature, key, then certification data type 6 wrapping the QE report and the inner data. */
    private static QuoteSignatureData signatureDataV4(ByteReader r) throws VerificationException {
        byte[] quoteSig = r.bytes(64, "quote.signature_data.quote_signature");
        byte[] ak = r.bytes(64, "quote.signature_data.attestation_key");
        int typeOffset = r.position();
        int type = r.u16("quote.signature_data.certification_data_type");
        if (type != CertificationData.QE_REPORT_CERTIFICATION_DATA) {
            throw VerificationException.malformed("quote.signature_data.certification_data_type", typeOffset,
                    "certification data type " + type + ", quote v4/v5 require 6 (QE report certification data)");
        }
        int sizeOffset = r.position();
        long size = r.u32("quote.signature_data.certification_data_size");
        if (size > r.remaining()) {
            throw VerificationException.malformed("quote.signature_data.certification_data_size", sizeOffset,
                    "declared size " + size + " exceeds the " + r.remaining() + " bytes left");
        }
        ByteReader inner = r.slice((int) size, "quote.signature_data.certification_data");
        QuoteSignatureData out = qeReportAndCertification(inner, quoteSig, ak, "quote.signature_data.qe_report_certification_data");
        if (inner.remaining() != 0) {
            throw VerificationException.malformed("quote.signature_data.certification_data_size", sizeOffset,
                    "declared size " + size + " but the QE report certification data takes " + (size - inner.remaining()));
        }
        return out;
    }

    private static QuoteSignatureData qeReportAndCertification(ByteReader r, byte[] quoteSig, byte[] ak, String prefix)
            throws VerificationException {
        EnclaveReport qeReport = new EnclaveReport(r.bytes(EnclaveReport.SIZE, prefix + ".qe_report"));
        byte[] qeReportSig = r.bytes(64, prefix + ".qe_report_signature");
        int authSizeOffset = r.position();
        int authSize = r.u16(prefix + ".qe_auth_data_size");
        if (authSize > r.remaining()) {
            throw VerificationException.malformed(prefix + ".qe_auth_data_size", authSizeOffset,
                    "declared QE auth data size " + authSize + " exceeds the " + r.remaining() + " bytes left");
        }
        byte[] auth = r.bytes(authSize, prefix + ".qe_auth_data");
        int typeOffset = r.position();
        int certType = r.u16(prefix + ".certification_data_type");
        if (certType < 1 || certType > CertificationData.PCK_CERT_CHAIN) {
            throw VerificationException.malformed(prefix + ".certification_data_type", typeOffset,
                    "certification data type " + certType + " (expected 1..5)");
        }
        int sizeOffset = r.position();
        long certSize = r.u32(prefix + ".certification_data_size");
        if (certSize > r.remaining()) {
            throw VerificationException.malformed(prefix + ".certification_data_size", sizeOffset,
                    "declared certification data size " + certSize + " exceeds the " + r.remaining() + " bytes left");
        }
        byte[] cert = r.bytes((int) certSize, prefix + ".certification_data");
        return new QuoteSignatureData(quoteSig, ak, qeReport, qeReportSig, auth, new CertificationData(certType, cert));
    }
}

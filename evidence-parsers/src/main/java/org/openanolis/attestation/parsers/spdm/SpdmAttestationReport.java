package org.openanolis.attestation.parsers.spdm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.ByteReader;

/**
 * An NVIDIA GPU / NVSwitch attestation report: the SPDM 1.1 GET_MEASUREMENTS request followed by
 * the MEASUREMENTS response, as NVML ({@code nvmlDeviceGetConfComputeGpuAttestationReport}) and
 * NSCQ return it ({@code gpu-verification.md} §1).
 *
 * <p>The signature covers {@code request || response[0 .. signature)}; it is the last
 * {@value #P384_SIGNATURE_LENGTH} bytes as raw {@code r || s} (§2). <b>Trailing bytes after the
 * signature are rejected</b> ({@code MALFORMED_EVIDENCE}): both NVIDIA verifiers take the last 96
 * bytes of the buffer as the signature, so a report with padding fails there too, and accepting
 * unsigned bytes would let them carry meaning nobody signed.
 *
 * <p>Parsing does no cryptography; {@link #signedBytes()} and {@link #signature()} are what the
 * verifier checks.
 */
public final class SpdmAttestationReport {
    /** Raw r||s length of an ECDSA P-384 signature. */
    public static final int P384_SIGNATURE_LENGTH = 96;
    /** SPDM version 1.1, the only version NVIDIA devices speak in CC mode. */
    public static final int SPDM_1_1 = 0x11;
    /** MeasurementSpecification bit 0: DMTF (DSP0274 1.1 §10.11.1). */
    public static final int DMTF_SPECIFICATION = 0x01;
    /** Largest report accepted; real reports are about 4 KiB (64 blocks of 55 bytes plus opaque data). */
    public static final int MAX_LENGTH = 64 * 1024;

    private final byte[] raw;
    private final SpdmMeasurementRequest request;
    private final SpdmMeasurementResponse response;
    private final int signatureOffset;

    private SpdmAttestationReport(byte[] raw, SpdmMeasurementRequest request, SpdmMeasurementResponse response,
                                  int signatureOffset) {
        this.raw = raw;
        this.request = request;
        this.response = response;
        this.signatureOffset = signatureOffset;
    }

    /**
     * Parses a report whose signature is {@code signatureLength} bytes (96 for P-384).
     *
     * @throws VerificationException {@code MALFORMED_EVIDENCE} naming the field and offset
     */
    public static SpdmAttestationReport parse(byte[] report, int signatureLength) throws VerificationException {
        if (report.length > MAX_LENGTH) {
            throw VerificationException.malformed("report", MAX_LENGTH, "report longer than " + MAX_LENGTH + " bytes");
        }
        byte[] raw = report.clone();
        ByteReader r = new ByteReader(raw);
        // Request, DSP0274 1.1 §10.11 table 41.
        int reqVersion = r.u8("request.spdm_version");
        if (reqVersion != SPDM_1_1) {
            throw VerificationException.malformed("request.spdm_version", 0, "expected SPDM 1.1 (0x11), got " + hex(reqVersion));
        }
        int reqCode = r.u8("request.request_response_code");
        if (reqCode != SpdmMeasurementRequest.GET_MEASUREMENTS) {
            throw VerificationException.malformed("request.request_response_code", 1, "not GET_MEASUREMENTS: " + hex(reqCode));
        }
        int reqParam1 = r.u8("request.param1");
        if ((reqParam1 & 0x01) == 0) {
            throw VerificationException.malformed("request.param1", 2, "signature not requested");
        }
        int reqParam2 = r.u8("request.param2");
        if (reqParam2 != 0xFF) {
            throw VerificationException.malformed("request.param2", 3, "not a request for all measurements: " + hex(reqParam2));
        }
        byte[] nonce = r.bytes(SpdmMeasurementRequest.NONCE_LENGTH, "request.nonce");
        int slot = r.u8("request.slot_id");
        SpdmMeasurementRequest request = new SpdmMeasurementRequest(reqVersion, reqParam1, reqParam2, nonce, slot);

        // Response, DSP0274 1.1 §10.11 table 43.
        int respStart = r.position();
        int respVersion = r.u8("response.spdm_version");
        if (respVersion != reqVersion) {
            throw VerificationException.malformed("response.spdm_version", respStart, "response version " + hex(respVersion)
                    + " differs from request version " + hex(reqVersion));
        }
        int respCode = r.u8("response.request_response_code");
        if (respCode != SpdmMeasurementResponse.MEASUREMENTS) {
            throw VerificationException.malformed("response.request_response_code", respStart + 1,
                    "not MEASUREMENTS: " + hex(respCode));
        }
        int respParam1 = r.u8("response.param1");
        int respParam2 = r.u8("response.param2");
        int numberOfBlocks = r.u8("response.number_of_blocks");
        int recordLength = r.u8("response.measurement_record_length")
                | r.u8("response.measurement_record_length") << 8
                | r.u8("response.measurement_record_length") << 16;
        ByteReader record = r.slice(recordLength, "response.measurement_record");
        List<MeasurementBlock> blocks = new ArrayList<>();
        Set<Integer> indices = new HashSet<>();
        while (record.remaining() > 0) {
            int at = record.position();
            String f = "response.measurement_record[" + blocks.size() + "]";
            int index = record.u8(f + ".index");
            if (index == 0 || index == 0xFF) {
                throw VerificationException.malformed(f + ".index", at, "reserved measurement index " + index);
            }
            if (!indices.add(index)) {
                throw VerificationException.malformed(f + ".index", at, "duplicate measurement index " + index);
            }
            int spec = record.u8(f + ".measurement_specification");
            if (spec != DMTF_SPECIFICATION) {
                throw VerificationException.malformed(f + ".measurement_specification", at + 1,
                        "not a DMTF measurement: " + hex(spec));
            }
            int size = record.u16(f + ".measurement_size");
            ByteReader m = record.slice(size, f + ".measurement");
            int valueType = m.u8(f + ".dmtf_value_type");
            int valueSize = m.u16(f + ".dmtf_value_size");
            if (valueSize + 3 != size) {
                throw VerificationException.malformed(f + ".dmtf_value_size", at + 5,
                        "value size " + valueSize + " + 3 != measurement size " + size);
            }
            blocks.add(new MeasurementBlock(index, valueType, m.bytes(valueSize, f + ".value")));
        }
        if (blocks.size() != numberOfBlocks) {
            throw VerificationException.malformed("response.number_of_blocks", respStart + 4,
                    "header says " + numberOfBlocks + " blocks, record holds " + blocks.size());
        }
        byte[] responderNonce = r.bytes(SpdmMeasurementRequest.NONCE_LENGTH, "response.nonce");
        int opaqueLength = r.u16("response.opaque_length");
        OpaqueData opaque = OpaqueData.parse(r.slice(opaqueLength, "response.opaque_data"), "response.opaque_data");
        int signatureOffset = r.position();
        byte[] signature = r.bytes(signatureLength, "response.signature");
        if (r.remaining() != 0) {
            throw VerificationException.malformed("response.trailing_bytes", r.position(),
                    r.remaining() + " bytes after the signature");
        }
        SpdmMeasurementResponse response = new SpdmMeasurementResponse(respVersion, respParam1, respParam2, blocks,
                responderNonce, opaque, signature);
        return new SpdmAttestationReport(raw, request, response, signatureOffset);
    }

    private static String hex(int v) {
        return String.format("0x%02x", v);
    }

    public SpdmMeasurementRequest request() {
        return request;
    }

    public SpdmMeasurementResponse response() {
        return response;
    }

    /** Convenience: the response's opaque data. */
    public OpaqueData opaqueData() {
        return response.opaqueData();
    }

    /** The bytes the device signed: request and response up to the signature (a copy). */
    public byte[] signedBytes() {
        return Arrays.copyOfRange(raw, 0, signatureOffset);
    }

    /** The raw {@code r || s} signature (a copy). */
    public byte[] signature() {
        return response.signature();
    }

    /** The whole report (a copy). */
    public byte[] bytes() {
        return raw.clone();
    }

    /** Offset of the signature in the report. */
    public int signatureOffset() {
        return signatureOffset;
    }
}

package org.openanolis.attestation.parsers.spdm;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * SPDM 1.1 MEASUREMENTS response (DSP0274 1.1 §10.11, table "Successful MEASUREMENTS response
 * message format"): {@code SPDMVersion(0) RequestResponseCode(1)=0x60 Param1(2) Param2(3)
 * NumberOfBlocks(4) MeasurementRecordLength(5..7, u24 LE) MeasurementRecord(8..) Nonce(32)
 * OpaqueLength(u16 LE) OpaqueData Signature}.
 */
public record SpdmMeasurementResponse(int version, int param1, int param2, List<MeasurementBlock> blocks,
                                      byte[] responderNonce, OpaqueData opaqueData, byte[] signature) {
    /** RequestResponseCode of MEASUREMENTS. */
    public static final int MEASUREMENTS = 0x60;

    public SpdmMeasurementResponse {
        blocks = List.copyOf(blocks);
        responderNonce = responderNonce.clone();
        signature = signature.clone();
    }

    /** A copy of the responder nonce (not checked by anyone; kept for completeness). */
    @Override
    public byte[] responderNonce() {
        return responderNonce.clone();
    }

    /** A copy of the raw {@code r || s} signature. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The block with SPDM index {@code index}. */
    public Optional<MeasurementBlock> block(int index) {
        for (MeasurementBlock b : blocks) {
            if (b.index() == index) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpdmMeasurementResponse r && r.version == version && r.blocks.equals(blocks)
                && Arrays.equals(r.signature, signature) && Arrays.equals(r.responderNonce, responderNonce)
                && r.param1 == param1 && r.param2 == param2;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }
}

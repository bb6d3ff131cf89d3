package org.openanolis.attestation.parsers.spdm;

import java.util.Arrays;
import org.openanolis.attestation.certs.Hex;

/**
 * SPDM 1.1 GET_MEASUREMENTS request (DSP0274 1.1 §10.11, table "GET_MEASUREMENTS request message
 * format"), 37 bytes with a signature requested: {@code SPDMVersion(0) RequestResponseCode(1)
 * Param1(2) Param2(3) Nonce(4..35) SlotIDParam(36)}.
 */
public record SpdmMeasurementRequest(int version, int param1, int param2, byte[] nonce, int slotId) {
    /** Length of the request when a signature is requested. */
    public static final int LENGTH = 37;
    /** RequestResponseCode of GET_MEASUREMENTS. */
    public static final int GET_MEASUREMENTS = 0xE0;
    /** Length of the requester nonce. */
    public static final int NONCE_LENGTH = 32;

    public SpdmMeasurementRequest {
        nonce = nonce.clone();
    }

    /** A copy of the requester nonce. */
    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The requester nonce as lower-case hex. */
    public String nonceHex() {
        return Hex.encode(nonce);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpdmMeasurementRequest r && r.version == version && r.param1 == param1
                && r.param2 == param2 && r.slotId == slotId && Arrays.equals(r.nonce, nonce);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nonce) * 31 + version;
    }
}

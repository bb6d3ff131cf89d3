package org.openanolis.attestation.parsers.spdm;

import java.util.Arrays;
import org.openanolis.attestation.certs.Hex;

/**
 * One NVIDIA opaque-data TLV ({@code type u16 LE | length u16 LE | value}) from the SPDM
 * MEASUREMENTS response ({@code gpu-verification.md} §1.3).
 */
public record OpaqueField(int type, byte[] value) {
    public OpaqueField {
        value = value.clone();
    }

    /** A copy of the value bytes. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpaqueField f && f.type == type && Arrays.equals(f.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "OpaqueField[" + type + "=" + Hex.encode(value) + "]";
    }
}

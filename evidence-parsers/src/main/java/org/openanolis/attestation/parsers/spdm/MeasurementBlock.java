package org.openanolis.attestation.parsers.spdm;

import java.util.Arrays;
import org.openanolis.attestation.certs.Hex;

/**
 * One SPDM measurement block (DSP0274 1.1 §10.11.1, table "Measurement block format"):
 * {@code Index u8 | MeasurementSpecification u8 | MeasurementSize u16 LE | Measurement}, where the
 * DMTF measurement (§10.11.1.1) is {@code DMTFSpecMeasurementValueType u8 | ValueSize u16 LE | Value}.
 *
 * @param index      SPDM measurement index (1..254); NVIDIA RIM index = {@code index - 1}
 * @param valueType  DMTFSpecMeasurementValueType (informational; NVIDIA reports 0x01)
 * @param value      the measurement value (SHA-384 digest on NVIDIA devices), copied
 */
public record MeasurementBlock(int index, int valueType, byte[] value) {
    public MeasurementBlock {
        value = value.clone();
    }

    /** A copy of the measurement value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value length in bytes. */
    public int size() {
        return value.length;
    }

    /** Whether the value equals {@code other} (no copy made). */
    public boolean valueEquals(byte[] other) {
        return Arrays.equals(value, other);
    }

    /** The value as lower-case hex. */
    public String hex() {
        return Hex.encode(value);
    }

    /** The index NVIDIA RIMs use for this block ({@code index - 1}). */
    public int rimIndex() {
        return index - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeasurementBlock b && b.index == index && b.valueType == valueType
                && Arrays.equals(b.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * index + valueType) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "MeasurementBlock[" + index + "=" + hex() + "]";
    }
}

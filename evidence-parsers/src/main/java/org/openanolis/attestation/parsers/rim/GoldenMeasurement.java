package org.openanolis.attestation.parsers.rim;

import java.util.List;

/**
 * One {@code <Resource type="Measurement">} of a RIM payload ({@code gpu-verification.md} §7.6):
 * the RIM index (SPDM block index - 1), whether it is active, its accepted alternative values
 * ({@code Hash0 .. Hash<k-1>}, lower-case hex) and the digest size in bytes.
 */
public record GoldenMeasurement(int index, boolean active, List<String> alternatives, int size, String name) {
    public GoldenMeasurement {
        alternatives = List.copyOf(alternatives);
    }
}

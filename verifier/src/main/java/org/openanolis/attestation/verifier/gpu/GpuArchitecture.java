package org.openanolis.attestation.verifier.gpu;

import java.util.Locale;
import java.util.Optional;

/**
 * The NVIDIA device architectures this verifier supports ({@code gpu-verification.md} §5): the
 * architecture selects the FWID encoding in the leaf certificate and the RIM ids, and fixes the
 * evidence kind ({@code nvgpu} or {@code nvswitch}).
 */
public enum GpuArchitecture {
    /** H100 / H200 (GH100), FWID in TCG DICE TcbInfo extension 2.23.133.5.4.1, last 48 bytes. */
    HOPPER("nvgpu", "2.23.133.5.4.1"),
    /** B100 / B200 (GB1xx/GB2xx), FWID in DiceTcbInfo 2.23.133.5.4.1.1, {@code fwids[0].digest}. */
    BLACKWELL("nvgpu", "2.23.133.5.4.1.1"),
    /** NVSwitch LS10, FWID as Hopper (when present). */
    LS10("nvswitch", "2.23.133.5.4.1");

    private final String tee;
    private final String fwidOid;

    GpuArchitecture(String tee, String fwidOid) {
        this.tee = tee;
        this.fwidOid = fwidOid;
    }

    /** {@code nvgpu} or {@code nvswitch}. */
    public String tee() {
        return tee;
    }

    /** OID of the leaf-certificate extension that carries the FWID. */
    public String fwidOid() {
        return fwidOid;
    }

    /** The architecture of a device identity certificate's CN ({@code hwmodel}), e.g. "GH100 A01 GSP BROM". */
    public static Optional<GpuArchitecture> fromHwModel(String hwmodel) {
        String m = hwmodel.toUpperCase(Locale.ROOT);
        if (m.startsWith("GH100")) {
            return Optional.of(HOPPER);
        }
        if (m.startsWith("GB1") || m.startsWith("GB2")) {
            return Optional.of(BLACKWELL);
        }
        if (m.startsWith("LS_10") || m.startsWith("LS10")) {
            return Optional.of(LS10);
        }
        return Optional.empty();
    }

    /** Parses "HOPPER", "BLACKWELL" or "LS10" (case-insensitive). */
    public static Optional<GpuArchitecture> parse(String name) {
        for (GpuArchitecture a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}

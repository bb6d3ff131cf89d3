package org.openanolis.attestation.simulator.gpu;

/**
 * NVIDIA device families the simulator can imitate, with the certificate names and FWID
 * extension OID the real devices use ({@code gpu-verification.md} §3).
 */
public enum SimulatedArch {
    HOPPER("GH100", "GH100 A01 GSP", "2.23.133.5.4.1", false, 64),
    BLACKWELL("GB100", "GB100 A01 GSP", "2.23.133.5.4.1.1", false, 64),
    LS10("LS_10", "LS_10 A01 FSP", "2.23.133.5.4.1", true, 31);

    private final String chip;
    private final String devicePrefix;
    private final String fwidOid;
    private final boolean isSwitch;
    private final int blocks;

    SimulatedArch(String chip, String devicePrefix, String fwidOid, boolean isSwitch, int blocks) {
        this.chip = chip;
        this.devicePrefix = devicePrefix;
        this.fwidOid = fwidOid;
        this.isSwitch = isSwitch;
        this.blocks = blocks;
    }

    /** Chip name used in CA names ("GH100", "GB100", "LS_10"). */
    public String chip() {
        return chip;
    }

    /** Prefix of the BROM and FMC certificate CNs. */
    public String devicePrefix() {
        return devicePrefix;
    }

    public String fwidOid() {
        return fwidOid;
    }

    public boolean isSwitch() {
        return isSwitch;
    }

    /** The {@code tee} value of bundles: nvgpu or nvswitch. */
    public String tee() {
        return isSwitch ? "nvswitch" : "nvgpu";
    }

    /** Number of SPDM measurement blocks the real device reports. */
    public int blocks() {
        return blocks;
    }
}

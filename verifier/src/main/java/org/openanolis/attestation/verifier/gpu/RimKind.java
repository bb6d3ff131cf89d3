package org.openanolis.attestation.verifier.gpu;

/**
 * The reference integrity manifests a device needs: a GPU needs its driver and VBIOS RIMs, an
 * NVSwitch its BIOS RIM ({@code gpu-verification.md} §6).
 */
public enum RimKind {
    DRIVER("driver_rim", "driver", "GPU"),
    VBIOS("vbios_rim", "vbios", "GPU"),
    SWITCH_BIOS("bios_rim", "bios", "SWITCH");

    private final String collateralKey;
    private final String claimName;
    private final String edition;

    RimKind(String collateralKey, String claimName, String edition) {
        this.collateralKey = collateralKey;
        this.claimName = claimName;
        this.edition = edition;
    }

    /** The bundle collateral key ({@code driver_rim}, {@code vbios_rim}, {@code bios_rim}). */
    public String collateralKey() {
        return collateralKey;
    }

    /** The name used in claims ({@code driver}, {@code vbios}, {@code bios}). */
    public String claimName() {
        return claimName;
    }

    /** The {@code Meta/@edition} a RIM of this kind carries. */
    public String edition() {
        return edition;
    }
}

package org.openanolis.attestation.verifier.gpu;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * RIM documents supplied up front, one per kind (a bundle's {@code driver_rim}, {@code vbios_rim},
 * {@code bios_rim}). The NVIDIA RIM id is not written inside a RIM, so the id asked for is only
 * recorded in the claims; the version and edition checks bind the document to the report.
 */
public final class StaticRimSource implements RimSource {
    private final Map<RimKind, byte[]> documents;

    public StaticRimSource(Map<RimKind, byte[]> documents) {
        Map<RimKind, byte[]> copy = new EnumMap<>(RimKind.class);
        documents.forEach((k, v) -> copy.put(k, v.clone()));
        this.documents = copy;
    }

    /**
     * The RIM documents among a device's recorded collateral (bundle-format keys: {@code driver_rim},
     * {@code vbios_rim}, {@code bios_rim}; other keys are ignored), as a verification log holds them.
     */
    public static StaticRimSource fromCollateral(Map<String, byte[]> collateral) {
        Map<RimKind, byte[]> documents = new EnumMap<>(RimKind.class);
        for (RimKind k : RimKind.values()) {
            byte[] b = collateral.get(k.collateralKey());
            if (b != null) {
                documents.put(k, b);
            }
        }
        return new StaticRimSource(documents);
    }

    @Override
    public Optional<byte[]> fetch(RimKind kind, String rimId) {
        byte[] d = documents.get(kind);
        return d == null ? Optional.empty() : Optional.of(d.clone());
    }
}

package org.openanolis.attestation.verifier.log;

import java.util.Objects;

/**
 * A piece of collateral that an appraisal actually used, referenced by the SHA-256 of its bytes;
 * the bytes are stored once per digest beside the log.
 *
 * @param submodule the EAR submodule whose verification used it
 * @param kind the bundle-format collateral key ({@code tcb_info}, {@code vek}, {@code driver_rim},
 *     ...); an OCSP response is {@code ocsp/<certificate serial hex>}
 * @param sha256 the digest of the collateral bytes
 */
public record CollateralReference(String submodule, String kind, Sha256Digest sha256) {
    public CollateralReference {
        LogNames.requireName(submodule, "collateral.submodule");
        LogNames.requireName(kind, "collateral.kind");
        Objects.requireNonNull(sha256, "collateral.sha256");
    }
}

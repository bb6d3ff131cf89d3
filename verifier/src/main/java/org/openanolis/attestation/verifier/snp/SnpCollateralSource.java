package org.openanolis.attestation.verifier.snp;

import org.openanolis.attestation.errors.VerificationException;

/**
 * Where the VEK, intermediate and CRL for a report come from: an attestation bundle
 * ({@link BundleSnpCollateralSource}) or, in the service, the extended report's certificate table
 * or a cached AMD KDS client. Implementations do no trust decisions; the verifier checks
 * everything they return.
 */
public interface SnpCollateralSource {
    /**
     * The collateral for {@code request}.
     *
     * @throws VerificationException COLLATERAL_MISSING when no VEK is available, COLLATERAL_INVALID
     *     when what is available cannot be decoded
     */
    SnpCollateral collateralFor(SnpCollateralRequest request) throws VerificationException;
}

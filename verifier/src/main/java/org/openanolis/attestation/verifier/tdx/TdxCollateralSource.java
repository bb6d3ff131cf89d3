package org.openanolis.attestation.verifier.tdx;

import org.openanolis.attestation.errors.VerificationException;

/**
 * Where {@link TdxQuoteVerifier} gets Intel collateral for a quote. The offline CLI uses a bundle
 * ({@link BundleTdxCollateralSource}); a service plugs in a PCS or PCCS fetcher with its own cache.
 * Sources should return the same {@link TdxCollateral} object for unchanged collateral, so that
 * its content digests (the verifier's cache keys) are computed once.
 */
public interface TdxCollateralSource {
    /**
     * The collateral for {@code request}.
     *
     * @throws VerificationException {@code COLLATERAL_MISSING} when it cannot be had
     */
    TdxCollateral collateralFor(TdxCollateralRequest request) throws VerificationException;
}

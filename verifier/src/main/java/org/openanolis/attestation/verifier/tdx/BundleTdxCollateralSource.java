package org.openanolis.attestation.verifier.tdx;

import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * Collateral read from an attestation bundle ({@code bundle-format.md}, tdx/sgx keys). The bundle
 * holds collateral for one quote, so every request gets the same object; a missing key is
 * reported by the verifier as {@code COLLATERAL_MISSING}.
 */
public final class BundleTdxCollateralSource implements TdxCollateralSource {
    private final TdxCollateral collateral;

    private BundleTdxCollateralSource(TdxCollateral collateral) {
        this.collateral = collateral;
    }

    /** Reads every tdx/sgx collateral key the bundle names. */
    public static BundleTdxCollateralSource of(AttestationBundle bundle) throws BundleException {
        TdxCollateral.Builder b = TdxCollateral.builder();
        bundle.collateral(TdxCollateral.TCB_INFO).ifPresent(b::tcbInfo);
        bundle.collateral(TdxCollateral.TCB_INFO_ISSUER_CHAIN).ifPresent(b::tcbInfoIssuerChain);
        bundle.collateral(TdxCollateral.QE_IDENTITY).ifPresent(b::qeIdentity);
        bundle.collateral(TdxCollateral.QE_IDENTITY_ISSUER_CHAIN).ifPresent(b::qeIdentityIssuerChain);
        bundle.collateral(TdxCollateral.PCK_CRL).ifPresent(b::pckCrl);
        bundle.collateral(TdxCollateral.PCK_CRL_ISSUER_CHAIN).ifPresent(b::pckCrlIssuerChain);
        bundle.collateral(TdxCollateral.ROOT_CA_CRL).ifPresent(b::rootCaCrl);
        bundle.collateral(TdxCollateral.PCK_CHAIN).ifPresent(b::pckChain);
        return new BundleTdxCollateralSource(b.build());
    }

    /** The collateral as read. */
    public TdxCollateral collateral() {
        return collateral;
    }

    @Override
    public TdxCollateral collateralFor(TdxCollateralRequest request) throws VerificationException {
        if (collateral == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, "collateral", "bundle has no collateral");
        }
        return collateral;
    }
}

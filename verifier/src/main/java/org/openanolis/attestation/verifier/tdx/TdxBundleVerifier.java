package org.openanolis.attestation.verifier.tdx;

import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.TeeVerifier;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * Verifies a {@code tdx} or {@code sgx} attestation bundle: evidence key {@code quote}, collateral
 * as in {@code bundle-format.md}. The bundle's {@code tee} must match the quote's TEE type.
 * Verification proper is {@link TdxQuoteVerifier}.
 */
public final class TdxBundleVerifier implements TeeVerifier {
    private final TdxQuoteVerifier verifier;

    public TdxBundleVerifier() {
        this(new TdxQuoteVerifier());
    }

    public TdxBundleVerifier(TdxQuoteVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public VerifiedEvidence verify(AttestationBundle bundle, VerificationContext context)
            throws VerificationException, BundleException {
        byte[] quote = bundle.evidence("quote")
                .orElseThrow(() -> new BundleException("bundle has no evidence.quote"));
        TeeType tee = "sgx".equals(bundle.tee()) ? TeeType.SGX : TeeType.TDX;
        TdxCollateral collateral = BundleTdxCollateralSource.of(bundle).collateral();
        return verifier.verify(quote, tee, collateral, context);
    }
}

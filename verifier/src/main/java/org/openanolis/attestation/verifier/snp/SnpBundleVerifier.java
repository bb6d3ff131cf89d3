package org.openanolis.attestation.verifier.snp;

import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.TeeVerifier;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * The {@code snp} engine for attestation bundles: the {@code report} evidence verified by
 * {@link SnpReportVerifier} with collateral from {@link BundleSnpCollateralSource}.
 */
public final class SnpBundleVerifier implements TeeVerifier {
    private final SnpReportVerifier verifier;

    public SnpBundleVerifier() {
        this(new SnpReportVerifier());
    }

    /** Uses {@code verifier} (and so its caches). */
    public SnpBundleVerifier(SnpReportVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public VerifiedEvidence verify(AttestationBundle bundle, VerificationContext context)
            throws VerificationException, BundleException {
        byte[] report = bundle.evidence("report")
                .orElseThrow(() -> new BundleException("snp bundle has no evidence.report"));
        return verifier.verify(report, new BundleSnpCollateralSource(bundle), context);
    }
}

package org.openanolis.attestation.verifier;

import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * Verifies the evidence of one TEE kind in an attestation bundle. Implementations stop at the
 * first failed check and throw it with its reason code; they read the time only from the
 * context's clock.
 */
public interface TeeVerifier {
    /**
     * @throws VerificationException the evidence failed a check (a {@code fail} verdict)
     * @throws BundleException the bundle is unusable (a usage error, not a verdict)
     */
    VerifiedEvidence verify(AttestationBundle bundle, VerificationContext context)
            throws VerificationException, BundleException;
}

package org.openanolis.attestation.verifier.snp;

import org.openanolis.attestation.verifier.TeeVerifier;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/** Placeholder until the Snp engine lands: refuses every bundle as a usage error. */
public final class SnpBundleVerifier implements TeeVerifier {
    @Override
    public VerifiedEvidence verify(AttestationBundle bundle, VerificationContext context) throws BundleException {
        throw new BundleException("snp verification is not implemented yet");
    }
}

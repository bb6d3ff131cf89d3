package org.openanolis.attestation.verifier.gpu;

import org.openanolis.attestation.verifier.TeeVerifier;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/** Placeholder until the Gpu engine lands: refuses every bundle as a usage error. */
public final class GpuBundleVerifier implements TeeVerifier {
    @Override
    public VerifiedEvidence verify(AttestationBundle bundle, VerificationContext context) throws BundleException {
        throw new BundleException("gpu verification is not implemented yet");
    }
}

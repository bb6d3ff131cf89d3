package org.openanolis.attestation.verifier.gpu;

import java.security.cert.X509Certificate;
import org.openanolis.attestation.verifier.IdentityDigests;

/**
 * SHA-256 fingerprints of certificates, memoised by object identity: cache keys include the root
 * (and the CAs of a path) so that a verifier shared across trust-anchor sets never mixes their
 * results, and hashing the certificate on every call would cost more than the cache lookup saves.
 * Weakly held, without a size cap: the OCSP checker asks about every CA of every cached device
 * chain (each host's chain is its own set of objects), more than the 64 entries this memo used to
 * keep, so it was cleared and refilled (and its global lock taken) all the time.
 */
final class RootFingerprints {
    private RootFingerprints() {}

    static String of(X509Certificate root) {
        return IdentityDigests.fingerprint(root);
    }
}

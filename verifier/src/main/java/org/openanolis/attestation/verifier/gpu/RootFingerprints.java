package org.openanolis.attestation.verifier.gpu;

import java.security.cert.X509Certificate;
import java.util.Map;
import org.openanolis.attestation.certs.Certificates;

/**
 * SHA-256 fingerprints of the pinned roots, memoised by object identity: cache keys include the
 * root so that a verifier shared across trust-anchor sets never mixes their results, and hashing
 * the root on every call would cost more than the cache lookup saves.
 */
final class RootFingerprints {
    private static final int MAX = 64;
    private static final Map<X509Certificate, String> BY_IDENTITY =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    private RootFingerprints() {}

    static String of(X509Certificate root) {
        String fp = BY_IDENTITY.get(root);
        if (fp == null) {
            fp = Certificates.fingerprint(root);
            if (BY_IDENTITY.size() >= MAX) {
                BY_IDENTITY.clear();
            }
            BY_IDENTITY.put(root, fp);
        }
        return fp;
    }
}

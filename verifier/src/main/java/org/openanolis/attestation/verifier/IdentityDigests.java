package org.openanolis.attestation.verifier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.cert.X509Certificate;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Digests;

/**
 * SHA-256 of arrays and certificate fingerprints remembered by object identity, weakly held: a
 * collateral item (an OCSP answer, a RIM, a CA certificate of a cached chain) is hashed once
 * while the cache that hands it out keeps it, instead of on every request that uses it. Caffeine's
 * weak keys compare by identity and take no global lock (the request workers all look digests up
 * here).
 *
 * <p>Only for arrays that nobody writes after they were first hashed: the sources' caches hand out
 * such arrays (and copies to everyone else). The returned digest arrays are shared too: callers
 * must not write them.
 */
public final class IdentityDigests {
    private static final Cache<byte[], byte[]> SHA256 = Caffeine.newBuilder().weakKeys().build();
    private static final Cache<X509Certificate, String> FINGERPRINTS = Caffeine.newBuilder().weakKeys().build();

    private IdentityDigests() {}

    /** SHA-256 of {@code bytes}, computed once per array object. */
    public static byte[] sha256(byte[] bytes) {
        return SHA256.get(bytes, Digests::sha256);
    }

    /** {@link Certificates#fingerprint} of {@code cert} (hex SHA-256 of its DER), computed once per object. */
    public static String fingerprint(X509Certificate cert) {
        return FINGERPRINTS.get(cert, Certificates::fingerprint);
    }
}

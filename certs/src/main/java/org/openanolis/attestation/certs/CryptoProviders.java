package org.openanolis.attestation.certs;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one place that sets up Bouncy Castle. BC is used for ECDSA (5-9x the JDK 17 provider,
 * {@code perf-limits.md}); SHA-2 stays on the JDK provider.
 */
public final class CryptoProviders {
    private static final Provider BC;

    static {
        Provider existing = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (existing == null) {
            existing = new BouncyCastleProvider();
            Security.addProvider(existing);
        }
        BC = existing;
    }

    private CryptoProviders() {}

    /** The Bouncy Castle provider, registered once. */
    public static Provider bouncyCastle() {
        return BC;
    }
}

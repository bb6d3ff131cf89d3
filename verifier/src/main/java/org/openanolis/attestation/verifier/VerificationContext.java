package org.openanolis.attestation.verifier;

import java.time.Clock;
import java.util.Objects;
import org.openanolis.attestation.certs.TrustAnchors;

/**
 * What every verification step is given instead of reading globals: the clock every instant is
 * judged against and the pinned vendor roots.
 */
public record VerificationContext(Clock clock, TrustAnchors trustAnchors) {
    public VerificationContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(trustAnchors, "trustAnchors");
    }
}

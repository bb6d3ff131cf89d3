package org.openanolis.attestation.verifier.token;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Scheduled rotation of the token-signing keys ({@code token_key_rotation_seconds}): when the
 * current key is at least one interval old, {@link SigningKeys#rotate()} makes a new one current;
 * the retired key stays published until every token it signed has expired. The service calls
 * {@link #rotateIfDue()} periodically (every tenth of the interval, at most every minute); the
 * decision reads only the injected clock and the key's creation instant, so it is tested on a
 * pinned clock.
 */
public final class TokenKeyRotation {
    private final SigningKeys keys;
    private final Clock clock;
    private final Duration interval;

    public TokenKeyRotation(SigningKeys keys, Clock clock, Duration interval) {
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the rotation interval must be positive");
        }
        this.interval = interval;
    }

    /** Whether the current key is due for rotation at the clock's instant. */
    public boolean due() {
        return !clock.instant().isBefore(keys.current().createdAt().plus(interval));
    }

    /** Rotates when due; the new key if it did. */
    public synchronized Optional<SigningKeys.SigningKey> rotateIfDue() throws IOException, GeneralSecurityException {
        return due() ? Optional.of(keys.rotate()) : Optional.empty();
    }

    /** How often the service checks: a tenth of the interval, between 1 s and 60 s. */
    public Duration checkPeriod() {
        long ms = interval.toMillis() / 10;
        return Duration.ofMillis(Math.max(1000, Math.min(60_000, ms)));
    }
}

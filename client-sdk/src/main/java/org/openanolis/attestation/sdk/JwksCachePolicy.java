package org.openanolis.attestation.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TokenVerifier} that found the JWKS through discovery keeps it: cached for
 * {@code timeToLive}, refreshed ahead of expiry by {@code refreshAhead} (by the first request
 * inside that window, so there is no background thread), fetched again at most once per
 * {@code minRefreshInterval} when a token names an unknown {@code kid} (so bogus key ids cannot
 * make the gateway hammer the service), and, when the service is unreachable, the last good copy
 * used for up to {@code outageTolerance}. A stale JWKS never makes an expired token valid:
 * the service keeps retired keys published until their last token has expired.
 *
 * @param timeToLive         how long a fetched JWKS is fresh
 * @param refreshAhead       how long before expiry a refresh starts
 * @param minRefreshInterval the fewest time between two fetches on unknown {@code kid}s
 * @param outageTolerance    how long the last good copy serves while the service is down
 */
public record JwksCachePolicy(Duration timeToLive, Duration refreshAhead, Duration minRefreshInterval,
                              Duration outageTolerance) {
    /** Validates the durations. */
    public JwksCachePolicy {
        Objects.requireNonNull(timeToLive);
        Objects.requireNonNull(refreshAhead);
        Objects.requireNonNull(minRefreshInterval);
        Objects.requireNonNull(outageTolerance);
        if (timeToLive.toMillis() <= 0 || refreshAhead.isNegative() || refreshAhead.compareTo(timeToLive) >= 0
                || minRefreshInterval.isNegative() || outageTolerance.isNegative()) {
            throw new IllegalArgumentException("need timeToLive > refreshAhead >= 0 and non-negative intervals");
        }
    }

    /** Five minutes fresh, refreshed 30 s ahead, at most one fetch per 30 s, one hour of outage. */
    public static JwksCachePolicy standard() {
        return new JwksCachePolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofHours(1));
    }
}

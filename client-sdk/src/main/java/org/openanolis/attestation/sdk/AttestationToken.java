package org.openanolis.attestation.sdk;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code POST /v1/attest} returned: the EAR token to present to relying parties, and the
 * service's summary of it. The summary is for logging only; relying parties trust nothing here
 * until {@link TokenVerifier} has verified {@link #token()}.
 *
 * @param token     the compact JWS
 * @param jti       the token id
 * @param expiresAt when the token stops being acceptable
 * @param logIndex  its verification-log index, or -1 when the service keeps no log
 * @param statuses  {@code ear.status} per device ({@code cpu}, {@code gpu0}…), as the service said
 */
public record AttestationToken(String token, String jti, Instant expiresAt, long logIndex,
                               Map<String, String> statuses) {
    /** Validates and copies. */
    public AttestationToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        statuses = Map.copyOf(statuses);
    }

    /** The token only: the object may end up in logs, and a bearer token must not. */
    @Override
    public String toString() {
        return "AttestationToken[jti=" + jti + ", expiresAt=" + expiresAt + ", logIndex=" + logIndex
                + ", statuses=" + statuses + "]";
    }
}

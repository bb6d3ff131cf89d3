package org.openanolis.attestation.policies.admin;

import org.openanolis.attestation.policies.PolicyException;

/**
 * Turns the {@code Authorization} header of an admin request into a principal. Two
 * implementations: {@link JwtBearerAuthenticator} (JWTs from an OIDC issuer, keys from its JWKS)
 * and {@link StaticTokenAuthenticator} (tokens from configuration, for the embedded default).
 */
public interface BearerTokenAuthenticator {
    /**
     * @param authorizationHeader the header value, {@code Bearer <token>}; may be null
     * @throws PolicyException {@code UNAUTHENTICATED} when absent, malformed, unknown, expired or badly signed
     */
    AdminPrincipal authenticate(String authorizationHeader) throws PolicyException;

    /** The token of a {@code Bearer} header value. */
    static String bearerToken(String authorizationHeader) throws PolicyException {
        if (authorizationHeader == null) {
            throw new PolicyException(PolicyException.Code.UNAUTHENTICATED, "authorization", "no bearer token");
        }
        String h = authorizationHeader.strip();
        if (h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new PolicyException(PolicyException.Code.UNAUTHENTICATED, "authorization", "not a bearer token");
        }
        String token = h.substring(7).strip();
        if (token.isEmpty()) {
            throw new PolicyException(PolicyException.Code.UNAUTHENTICATED, "authorization", "empty bearer token");
        }
        return token;
    }
}

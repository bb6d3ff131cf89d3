package org.openanolis.attestation.sdk;

/**
 * The closed set of reasons {@link TokenVerifier} refuses a token. Tests and gateways switch on
 * these, never on message text; the model gateway returns the name as {@code code}.
 */
public enum TokenFailure {
    /** Not a compact JWS, too large, a required claim absent or of the wrong type, a critical header. */
    MALFORMED,
    /** The header names an algorithm other than the pinned ES256. */
    ALGORITHM_NOT_ALLOWED,
    /** {@code typ} is not {@code JWT} or {@code eat_profile} is not the EAR profile. */
    TYPE_MISMATCH,
    /** No key of the issuer's JWKS has the header's {@code kid} (also after a rate-limited refresh). */
    UNKNOWN_KEY,
    /** The JWKS could not be obtained and no cached copy is usable. */
    JWKS_UNAVAILABLE,
    /** The signature does not verify: tampered token or wrong key. */
    SIGNATURE_INVALID,
    /** {@code iss} is not the configured issuer. */
    ISSUER_MISMATCH,
    /** {@code aud} does not contain the configured audience. */
    AUDIENCE_MISMATCH,
    /** {@code exp} has passed (beyond the allowed skew). */
    EXPIRED,
    /** {@code nbf} or {@code iat} lies in the future (beyond the allowed skew). */
    NOT_YET_VALID,
    /** {@code eat_nonce} differs from the nonce the caller expected. */
    NONCE_MISMATCH,
    /** The token's {@code jti} or {@code eat_nonce} has already been accepted once. */
    REPLAYED,
    /** A device's {@code ear.status} is worse than the accepted tier, or the CPU submodule is absent. */
    STATUS_NOT_ACCEPTED,
    /** A device's {@code ear.appraisal-policy-id} is not the required policy. */
    POLICY_MISMATCH,
    /** {@code cnf.jwk} is absent, not a public key, or of an unsupported type. */
    CONFIRMATION_KEY_INVALID
}

package org.openanolis.attestation.errors;

/**
 * The closed set of primary reasons a verification can fail with
 * ({@code shared/design/bundle-format.md}, "Reason codes"). The CLI's {@code reason}, the API's
 * error {@code code} and the verification log all use these names verbatim.
 */
public enum ReasonCode {
    /** Evidence cannot be parsed: wrong size or version, truncated, reserved bytes not zero, unknown algorithm. */
    MALFORMED_EVIDENCE,
    /** The evidence (or QE report) signature does not verify with the key that should have made it. */
    SIGNATURE_INVALID,
    /** A chain does not build to the pinned vendor root, a certificate signature fails, or wrong product. */
    CERT_CHAIN_INVALID,
    /** A certificate in a chain is revoked by a CRL or OCSP response. */
    CERT_REVOKED,
    /** A certificate, CRL, TCB info, QE identity, RIM or OCSP response is outside its validity. */
    EXPIRED,
    /** Collateral is malformed, badly signed, of the wrong type or version, or for another platform. */
    COLLATERAL_INVALID,
    /** A needed piece of collateral is absent and cannot be fetched. */
    COLLATERAL_MISSING,
    /** No TCB level in the collateral matches the platform. */
    TCB_NOT_SUPPORTED,
    /** The matching TCB level, QE level or module level is {@code Revoked}. */
    TCB_REVOKED,
    /** Two authentic pieces do not belong together (keys, TCB, chip id, FWID, nonce). */
    BINDING_MISMATCH,
    /** A runtime measurement differs from the signed reference. */
    MEASUREMENT_MISMATCH,
    /** Verification passed but the appraisal policy rejected the result. */
    POLICY_DENIED
}

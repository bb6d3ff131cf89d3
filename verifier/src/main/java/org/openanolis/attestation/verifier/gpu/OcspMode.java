package org.openanolis.attestation.verifier.gpu;

/**
 * How revocation of the device and RIM chains is checked ({@code gpu-verification.md} §4). The
 * mode is recorded in the claims of every chain.
 * <ul>
 *   <li>{@link #REQUIRED}: every non-root certificate (device chain from index 1, RIM chains from
 *       the signer) needs a valid, fresh OCSP answer: none is {@code COLLATERAL_MISSING}, a bad
 *       one {@code COLLATERAL_INVALID}, a stale one {@code EXPIRED}.</li>
 *   <li>{@link #BEST_EFFORT}: asked for; an unreachable responder or an unusable answer is
 *       recorded as {@code unavailable} and verification goes on. A valid {@code revoked} answer
 *       still fails with {@code CERT_REVOKED}.</li>
 *   <li>{@link #OFF}: not asked; every chain is recorded as {@code not_checked}.</li>
 * </ul>
 */
public enum OcspMode {
    REQUIRED("required"), BEST_EFFORT("best-effort"), OFF("off");

    private final String claim;

    OcspMode(String claim) {
        this.claim = claim;
    }

    /** The value recorded in the claims. */
    public String claim() {
        return claim;
    }
}

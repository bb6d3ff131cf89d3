package org.openanolis.attestation.policies;

import java.util.Locale;
import java.util.Optional;

/**
 * The EAR trust tiers ({@code ear.status}), ordered from least to most severe. AR4SI assigns every
 * trustworthiness claim value to a tier: -1..1 none, 2..31 affirming, 32..95 warning, 96..127
 * contraindicated (negative values mirror the positive ones, draft-ietf-rats-ar4si section 2.3.1).
 */
public enum EarStatus {
    NONE, AFFIRMING, WARNING, CONTRAINDICATED;

    /** The lower-case name used in EAR tokens and policy documents. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named {@code value} ({@code affirming}, ...), if any. */
    public static Optional<EarStatus> fromValue(String value) {
        for (EarStatus s : values()) {
            if (s.value().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The tier of an AR4SI trustworthiness claim value. */
    public static EarStatus tierOf(int claim) {
        if (claim < -128 || claim > 127) {
            throw new IllegalArgumentException("trustworthiness claim out of range: " + claim);
        }
        int magnitude = claim < 0 ? -claim - 1 : claim;
        if (claim >= -1 && claim <= 1) {
            return NONE;
        }
        if (magnitude <= 31) {
            return AFFIRMING;
        }
        if (magnitude <= 95) {
            return WARNING;
        }
        return CONTRAINDICATED;
    }

    /** The more severe of this and {@code other}. */
    public EarStatus worst(EarStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}

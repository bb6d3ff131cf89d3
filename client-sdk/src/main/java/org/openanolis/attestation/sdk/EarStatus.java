package org.openanolis.attestation.sdk;

/**
 * The EAR trust tiers ({@code ear.status}) from best to worst. A relying party names the worst
 * tier it accepts; {@link #CONTRAINDICATED} and {@link #NONE} are never acceptable.
 */
public enum EarStatus {
    /** Every appraised claim is as expected. */
    AFFIRMING("affirming"),
    /** Acceptable with reservations (for example an out-of-date TCB). */
    WARNING("warning"),
    /** Known bad: never release secrets. */
    CONTRAINDICATED("contraindicated"),
    /** Not appraised. */
    NONE("none");

    private final String wire;

    EarStatus(String wire) {
        this.wire = wire;
    }

    /** The value as it appears in tokens. */
    public String wireName() {
        return wire;
    }

    /** Parses a token value; null when unknown. */
    public static EarStatus fromWire(String s) {
        for (EarStatus e : values()) {
            if (e.wire.equals(s)) {
                return e;
            }
        }
        return null;
    }

    /** True when this status is no worse than {@code worstAccepted}. */
    public boolean atLeast(EarStatus worstAccepted) {
        return ordinal() <= worstAccepted.ordinal();
    }
}

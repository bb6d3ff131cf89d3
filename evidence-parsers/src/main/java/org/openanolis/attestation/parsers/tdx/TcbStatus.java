package org.openanolis.attestation.parsers.tdx;

/**
 * Intel's TCB status vocabulary: the statuses a TCB level, a TDX module level or a QE level can
 * carry, plus the two TD 1.5 relaunch results that only verification produces
 * ({@code tdx-verification.md} 2.3 and 4). {@link #jsonName()} is Intel's spelling.
 */
public enum TcbStatus {
    UP_TO_DATE("UpToDate"),
    SW_HARDENING_NEEDED("SWHardeningNeeded"),
    CONFIGURATION_NEEDED("ConfigurationNeeded"),
    CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
    OUT_OF_DATE("OutOfDate"),
    OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
    REVOKED("Revoked"),
    /** Result only: TD 1.5 relaunch would bring the TD up to date. */
    TD_RELAUNCH_ADVISED("TDRelaunchAdvised"),
    /** Result only: relaunch advised, and configuration is needed too. */
    TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED("TDRelaunchAdvisedConfigurationNeeded");

    private final String jsonName;

    TcbStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    /** Intel's spelling, e.g. {@code UpToDate}. */
    public String jsonName() {
        return jsonName;
    }

    /** True for the two statuses that need platform configuration. */
    public boolean configurationNeeded() {
        return this == CONFIGURATION_NEEDED || this == CONFIGURATION_AND_SW_HARDENING_NEEDED
                || this == OUT_OF_DATE_CONFIGURATION_NEEDED || this == TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED;
    }

    /** The status a TCB level may carry with Intel's spelling {@code name}, or null (relaunch statuses excluded). */
    public static TcbStatus levelStatus(String name) {
        for (TcbStatus s : values()) {
            if (s.ordinal() <= REVOKED.ordinal() && s.jsonName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}

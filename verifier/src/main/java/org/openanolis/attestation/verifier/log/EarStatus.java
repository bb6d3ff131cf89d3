package org.openanolis.attestation.verifier.log;

import java.util.Locale;

/** The EAR (IETF RATS "EAT Attestation Results") status tier of an appraisal. */
public enum EarStatus {
    AFFIRMING,
    WARNING,
    CONTRAINDICATED,
    NONE;

    /** The lower-case name used in EAR tokens and in log entries. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; anything else is a format error. */
    public static EarStatus fromWireName(String name, String field) throws LogFormatException {
        for (EarStatus s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new LogFormatException(field, "unknown EAR status " + name);
    }
}

package org.openanolis.attestation.parsers.snp;

/**
 * A firmware version of the report: CURRENT_{BUILD,MINOR,MAJOR} at 0x1E8..0x1EA or
 * COMMITTED_{BUILD,MINOR,MAJOR} at 0x1EC..0x1EE, each one byte.
 */
public record SnpFirmwareVersion(int major, int minor, int build) {
    public SnpFirmwareVersion {
        if (major < 0 || major > 0xff || minor < 0 || minor > 0xff || build < 0 || build > 0xff) {
            throw new IllegalArgumentException("firmware version bytes out of range");
        }
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + build;
    }
}

package org.openanolis.attestation.parsers.snp;

/**
 * The CPUID identification of report version 3 and later (offsets 0x188..0x18A): the combined
 * family (extended family + base family, e.g. 0x19 or 0x1A), the combined model
 * ({@code extended model << 4 | model}) and the stepping.
 */
public record SnpCpuid(int family, int model, int stepping) {
    public SnpCpuid {
        if (family < 0 || family > 0xff || model < 0 || model > 0xff || stepping < 0 || stepping > 0xff) {
            throw new IllegalArgumentException("CPUID bytes out of range");
        }
    }

    /** True when all three bytes are zero (no identification filled in). */
    public boolean isZero() {
        return family == 0 && model == 0 && stepping == 0;
    }
}

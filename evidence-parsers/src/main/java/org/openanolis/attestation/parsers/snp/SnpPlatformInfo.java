package org.openanolis.attestation.parsers.snp;

/**
 * PLATFORM_INFO (report offset 0x40, SEV-SNP ABI "PLATFORM_INFO" field). Parsed leniently:
 * bits this code does not name (bit 6, set on every real Turin report, and bits 8 and above) are
 * kept in {@link #unknownBits()} for policy to decide on, never rejected
 * ({@code snp-verification.md} section 2).
 *
 * @param raw the 64-bit field as read
 */
public record SnpPlatformInfo(long raw) {
    /** The bits with a documented meaning: 0..5 and 7. */
    public static final long KNOWN_BITS = 0b1011_1111L;

    private boolean bit(int n) {
        return (raw >>> n & 1) != 0;
    }

    /** Bit 0: SMT is enabled on the platform. */
    public boolean smtEnabled() {
        return bit(0);
    }

    /** Bit 1: transparent SME is enabled. */
    public boolean tsmeEnabled() {
        return bit(1);
    }

    /** Bit 2: ECC memory is in use. */
    public boolean eccEnabled() {
        return bit(2);
    }

    /** Bit 3: RAPL is disabled. */
    public boolean raplDisabled() {
        return bit(3);
    }

    /** Bit 4: ciphertext hiding for DRAM is enabled. */
    public boolean ciphertextHidingEnabled() {
        return bit(4);
    }

    /** Bit 5: the alias check (BadRAM mitigation) completed. */
    public boolean aliasCheckComplete() {
        return bit(5);
    }

    /** Bit 7: SEV-TIO is enabled. */
    public boolean tioEnabled() {
        return bit(7);
    }

    /** The set bits outside {@link #KNOWN_BITS}. */
    public long unknownBits() {
        return raw & ~KNOWN_BITS;
    }
}

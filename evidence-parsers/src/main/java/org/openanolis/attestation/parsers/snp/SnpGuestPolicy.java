package org.openanolis.attestation.parsers.snp;

import org.openanolis.attestation.errors.VerificationException;

/**
 * The guest POLICY field (report offset 0x08, SEV-SNP ABI "GUEST_POLICY" structure). The parser
 * accepts only values with bit 17 set (reserved, must be one) and bits 63:26 clear.
 *
 * @param raw the 64-bit field as read
 */
public record SnpGuestPolicy(long raw) {
    /** Bits 63:26 must be zero. */
    public static final long MUST_BE_ZERO = ~((1L << 26) - 1);
    /** Bit 17 is reserved and must be one. */
    public static final long RESERVED_ONE = 1L << 17;

    /**
     * @throws VerificationException MALFORMED_EVIDENCE when bit 17 is clear or a bit of 63:26 is set
     */
    public static SnpGuestPolicy parse(long raw, int offset) throws VerificationException {
        if ((raw & RESERVED_ONE) == 0) {
            throw VerificationException.malformed("report.policy.reserved_bit_17", offset, "policy bit 17 must be 1");
        }
        if ((raw & MUST_BE_ZERO) != 0) {
            throw VerificationException.malformed("report.policy.reserved_63_26", offset, "policy bits 63:26 must be 0");
        }
        return new SnpGuestPolicy(raw);
    }

    private boolean bit(int n) {
        return (raw >>> n & 1) != 0;
    }

    /** Bits 7:0: minimum ABI minor version the guest requires. */
    public int abiMinor() {
        return (int) (raw & 0xff);
    }

    /** Bits 15:8: minimum ABI major version. */
    public int abiMajor() {
        return (int) (raw >>> 8 & 0xff);
    }

    /** Bit 16: SMT is allowed. */
    public boolean smt() {
        return bit(16);
    }

    /** Bit 18: association with a migration agent is allowed. */
    public boolean migrateMa() {
        return bit(18);
    }

    /** Bit 19: debugging is allowed (the hypervisor can read and write guest memory). */
    public boolean debug() {
        return bit(19);
    }

    /** Bit 20: the guest may run on a single socket only. */
    public boolean singleSocket() {
        return bit(20);
    }

    /** Bit 21: CXL may be populated with guest memory. */
    public boolean cxlAllow() {
        return bit(21);
    }

    /** Bit 22: AES-256-XTS memory encryption required. */
    public boolean memAes256Xts() {
        return bit(22);
    }

    /** Bit 23: running-average power limit must be disabled. */
    public boolean raplDis() {
        return bit(23);
    }

    /** Bit 24: ciphertext hiding for DRAM required. */
    public boolean ciphertextHiding() {
        return bit(24);
    }

    /** Bit 25: page swapping disabled. */
    public boolean pageSwapDisable() {
        return bit(25);
    }
}

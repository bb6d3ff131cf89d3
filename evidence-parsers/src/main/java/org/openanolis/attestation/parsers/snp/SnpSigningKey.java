package org.openanolis.attestation.parsers.snp;

/**
 * The key that signed an SEV-SNP attestation report: SIGNER_INFO bits 4:2 (SEV-SNP ABI
 * specification, Table "ATTESTATION_REPORT Structure", offset 0x48). 0 is the chip-unique VCEK,
 * 1 the cloud-provider VLEK; 7 (no signature) and 2..6 are rejected by the parser.
 */
public enum SnpSigningKey {
    /** Versioned Chip Endorsement Key, certificate CN {@code SEV-VCEK}, issued by the ASK. */
    VCEK("SEV-VCEK", "vcek"),
    /** Versioned Loaded Endorsement Key, certificate CN {@code SEV-VLEK}, issued by the ASVK. */
    VLEK("SEV-VLEK", "vlek");

    private final String commonName;
    private final String claim;

    SnpSigningKey(String commonName, String claim) {
        this.commonName = commonName;
        this.claim = claim;
    }

    /** The subject CN AMD's KDS gives certificates of this kind. */
    public String commonName() {
        return commonName;
    }

    /** The {@code signer} claim value: {@code vcek} or {@code vlek}. */
    public String claim() {
        return claim;
    }
}

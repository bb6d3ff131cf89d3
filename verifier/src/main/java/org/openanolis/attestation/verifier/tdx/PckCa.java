package org.openanolis.attestation.verifier.tdx;

/**
 * Which Intel PCK CA issued a PCK certificate; it selects the PCK CRL
 * ({@code /sgx/certification/v4/pckcrl?ca=platform|processor}).
 */
public enum PckCa {
    /** "Intel SGX PCK Platform CA" (multi-package platforms, every TDX host). */
    PLATFORM("platform", "Intel SGX PCK Platform CA"),
    /** "Intel SGX PCK Processor CA" (single-package platforms). */
    PROCESSOR("processor", "Intel SGX PCK Processor CA");

    private final String pcsName;
    private final String commonName;

    PckCa(String pcsName, String commonName) {
        this.pcsName = pcsName;
        this.commonName = commonName;
    }

    /** The PCS {@code ca} query value. */
    public String pcsName() {
        return pcsName;
    }

    /** The CA's subject common name. */
    public String commonName() {
        return commonName;
    }

    /** The CA whose common name is {@code cn}, or null. */
    public static PckCa fromCommonName(String cn) {
        for (PckCa ca : values()) {
            if (ca.commonName.equals(cn)) {
                return ca;
            }
        }
        return null;
    }
}

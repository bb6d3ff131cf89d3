package org.openanolis.attestation.verifier.tdx;

/**
 * The QE's TCB status from its QE identity levels (QVL {@code EnclaveReportVerifier}): the first
 * level with {@code isvsvn <= QE.ISVSVN} gives UpToDate, Revoked, or, for any other status,
 * OutOfDate; no such level is NotSupported.
 */
public enum QeTcbStatus {
    UP_TO_DATE("UpToDate"),
    OUT_OF_DATE("OutOfDate"),
    REVOKED("Revoked"),
    NOT_SUPPORTED("NotSupported");

    private final String jsonName;

    QeTcbStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }
}

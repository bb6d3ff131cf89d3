package org.openanolis.attestation.parsers.tdx;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.openanolis.attestation.certs.Hex;

/**
 * A parsed enclave identity ({@code TD_QE} for TDX, {@code QE} for SGX), version 2 (Intel PCS API
 * v4 "Enclave Identity"; QVL {@code EnclaveIdentityV2.cpp}). Hex fields are lower-case;
 * {@link #tcbLevels()} is sorted by ISVSVN descending.
 */
public record QeIdentity(String id, int version, Instant issueDate, Instant nextUpdate, long tcbEvaluationDataNumber,
                         String miscSelectHex, String miscSelectMaskHex, String attributesHex,
                         String attributesMaskHex, String mrSignerHex, int isvProdId, List<IsvTcbLevel> tcbLevels) {
    public static final String ID_TD_QE = "TD_QE";
    public static final String ID_QE = "QE";

    public QeIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issueDate, "issueDate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        tcbLevels = List.copyOf(tcbLevels);
    }

    public byte[] miscSelect() {
        return Hex.decode(miscSelectHex);
    }

    public byte[] miscSelectMask() {
        return Hex.decode(miscSelectMaskHex);
    }

    public byte[] attributes() {
        return Hex.decode(attributesHex);
    }

    public byte[] attributesMask() {
        return Hex.decode(attributesMaskHex);
    }

    public byte[] mrSigner() {
        return Hex.decode(mrSignerHex);
    }
}

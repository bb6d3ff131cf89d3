package org.openanolis.attestation.simulator.tdx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes Intel-format enclave identity JSON ({@code enclaveIdentity} object, version 2), compact,
 * with the real TD_QE values as defaults (mrsigner DC9E2A7C..., isvprodid 2, attributes
 * 11000000... under mask FBFFFFFF...).
 */
public final class QeIdentityDocument {
    /** The MRSIGNER of Intel's TD QE and QE. */
    public static final String INTEL_QE_MRSIGNER = "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5";

    private String id;
    private int version = 2;
    private Instant issueDate;
    private Instant nextUpdate;
    private String miscSelect = "00000000";
    private String miscSelectMask = "FFFFFFFF";
    private String attributes = "11000000000000000000000000000000";
    private String attributesMask = "FBFFFFFFFFFFFFFF0000000000000000";
    private String mrSigner = INTEL_QE_MRSIGNER;
    private int isvProdId;
    private final List<TcbInfoDocument.IsvLevel> levels = new ArrayList<>();

    /** {@code TD_QE} (isvprodid 2) for TDX, {@code QE} (isvprodid 1) for SGX. */
    public QeIdentityDocument(boolean tdx, Instant issue, Instant next) {
        this.id = tdx ? "TD_QE" : "QE";
        this.isvProdId = tdx ? 2 : 1;
        this.issueDate = issue;
        this.nextUpdate = next;
    }

    /** Overrides the id ("TD_QE" or "QE"). */
    public QeIdentityDocument id(String v) { id = v; return this; }

    /** Overrides the version (2). */
    public QeIdentityDocument version(int v) { version = v; return this; }

    /** issueDate and nextUpdate. */
    public QeIdentityDocument window(Instant issue, Instant next) { issueDate = issue; nextUpdate = next; return this; }

    /** Expected MISCSELECT and its mask, 8 hex characters each. */
    public QeIdentityDocument miscSelect(String hex, String maskHex) { miscSelect = hex; miscSelectMask = maskHex; return this; }

    /** Expected ATTRIBUTES and its mask, 32 hex characters each. */
    public QeIdentityDocument attributes(String hex, String maskHex) { attributes = hex; attributesMask = maskHex; return this; }

    /** Expected MRSIGNER, 64 hex characters. */
    public QeIdentityDocument mrSigner(String hex) { mrSigner = hex; return this; }

    /** Expected ISVPRODID. */
    public QeIdentityDocument isvProdId(int v) { isvProdId = v; return this; }

    /** Adds a level (JSON order is the order of calls; Intel lists them by ISVSVN descending). */
    public QeIdentityDocument level(TcbInfoDocument.IsvLevel l) {
        levels.add(l);
        return this;
    }

    /** The expected ISVPRODID. */
    public int isvProdId() {
        return isvProdId;
    }

    /** The compact {@code enclaveIdentity} object. */
    public String json() {
        StringBuilder b = new StringBuilder();
        b.append("{\"id\":\"").append(id).append("\",\"version\":").append(version)
                .append(",\"issueDate\":\"").append(issueDate).append("\",\"nextUpdate\":\"").append(nextUpdate)
                .append("\",\"tcbEvaluationDataNumber\":17,\"miscselect\":\"").append(miscSelect)
                .append("\",\"miscselectMask\":\"").append(miscSelectMask).append("\",\"attributes\":\"").append(attributes)
                .append("\",\"attributesMask\":\"").append(attributesMask).append("\",\"mrsigner\":\"").append(mrSigner)
                .append("\",\"isvprodid\":").append(isvProdId).append(",\"tcbLevels\":");
        TcbInfoDocument.isvLevels(b, levels);
        return b.append("}").toString();
    }
}

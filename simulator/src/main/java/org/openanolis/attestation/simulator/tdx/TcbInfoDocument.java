package org.openanolis.attestation.simulator.tdx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes Intel-format TCB info JSON ({@code tcbInfo} object, PCS API v4, version 3) exactly as
 * Intel does: compact, members in Intel's order. The bytes returned by {@link #json()} are what a
 * signature must cover.
 */
public final class TcbInfoDocument {
    /** A platform TCB level; {@code tdxComponents} is null for SGX. */
    public record Level(int[] sgxComponents, int pceSvn, int[] tdxComponents, Instant tcbDate, String status,
                        List<String> advisoryIds) {
        public Level {
            sgxComponents = sgxComponents.clone();
            tdxComponents = tdxComponents == null ? null : tdxComponents.clone();
            advisoryIds = List.copyOf(advisoryIds);
        }
    }

    /** A QE or TDX module level keyed by ISVSVN. */
    public record IsvLevel(int isvSvn, Instant tcbDate, String status, List<String> advisoryIds) {
        public IsvLevel {
            advisoryIds = List.copyOf(advisoryIds);
        }
    }

    /** A {@code tdxModuleIdentities} entry. */
    public record ModuleIdentity(String id, String mrSignerHex, String attributesHex, String attributesMaskHex,
                                 List<IsvLevel> levels) {
        public ModuleIdentity {
            levels = List.copyOf(levels);
        }
    }

    private String id = "TDX";
    private int version = 3;
    private Instant issueDate;
    private Instant nextUpdate;
    private String fmspcHex;
    private String pceIdHex = "0000";
    private int tcbType = 0;
    private long evaluationDataNumber = 17;
    private String moduleMrSignerHex = "00".repeat(48);
    private String moduleAttributesHex = "0000000000000000";
    private String moduleAttributesMaskHex = "FFFFFFFFFFFFFFFF";
    private List<ModuleIdentity> moduleIdentities = null;
    private final List<Level> levels = new ArrayList<>();

    /** A TDX ({@code tdx == true}) or SGX TCB info for {@code fmspcHex}, valid from {@code issue} to {@code next}. */
    public TcbInfoDocument(boolean tdx, String fmspcHex, Instant issue, Instant next) {
        this.id = tdx ? "TDX" : "SGX";
        this.fmspcHex = Objects.requireNonNull(fmspcHex);
        this.issueDate = issue;
        this.nextUpdate = next;
    }

    /** Overrides the id ("TDX" or "SGX"). */
    public TcbInfoDocument id(String v) { id = v; return this; }

    /** Overrides the version (3). */
    public TcbInfoDocument version(int v) { version = v; return this; }

    /** The PCE ID, 4 hex characters ("0000"). */
    public TcbInfoDocument pceId(String hex) { pceIdHex = hex; return this; }

    /** The FMSPC, 12 hex characters. */
    public TcbInfoDocument fmspc(String hex) { fmspcHex = hex; return this; }

    /** Overrides tcbType (0). */
    public TcbInfoDocument tcbType(int v) { tcbType = v; return this; }

    /** issueDate and nextUpdate. */
    public TcbInfoDocument window(Instant issue, Instant next) { issueDate = issue; nextUpdate = next; return this; }

    /** The base {@code tdxModule} (expected MRSIGNERSEAM and SEAM attributes when TEE_TCB_SVN[1] is 0). */
    public TcbInfoDocument tdxModule(String mrSignerHex, String attributesHex, String maskHex) {
        moduleMrSignerHex = mrSignerHex;
        moduleAttributesHex = attributesHex;
        moduleAttributesMaskHex = maskHex;
        return this;
    }

    /** Adds a {@code tdxModuleIdentities} entry (creating the array). */
    public TcbInfoDocument moduleIdentity(ModuleIdentity m) {
        if (moduleIdentities == null) {
            moduleIdentities = new ArrayList<>();
        }
        moduleIdentities.add(m);
        return this;
    }

    /** Adds a platform level (JSON order is the order of calls). */
    public TcbInfoDocument level(Level l) {
        levels.add(l);
        return this;
    }

    /** The compact {@code tcbInfo} object. */
    public String json() {
        StringBuilder b = new StringBuilder();
        b.append("{\"id\":\"").append(id).append("\",\"version\":").append(version)
                .append(",\"issueDate\":\"").append(issueDate).append("\",\"nextUpdate\":\"").append(nextUpdate)
                .append("\",\"fmspc\":\"").append(fmspcHex).append("\",\"pceId\":\"").append(pceIdHex)
                .append("\",\"tcbType\":").append(tcbType).append(",\"tcbEvaluationDataNumber\":").append(evaluationDataNumber);
        if ("TDX".equals(id)) {
            b.append(",\"tdxModule\":{\"mrsigner\":\"").append(moduleMrSignerHex).append("\",\"attributes\":\"")
                    .append(moduleAttributesHex).append("\",\"attributesMask\":\"").append(moduleAttributesMaskHex).append("\"}");
            if (moduleIdentities != null) {
                b.append(",\"tdxModuleIdentities\":[");
                for (int i = 0; i < moduleIdentities.size(); i++) {
                    ModuleIdentity m = moduleIdentities.get(i);
                    b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(m.id()).append("\",\"mrsigner\":\"")
                            .append(m.mrSignerHex()).append("\",\"attributes\":\"").append(m.attributesHex())
                            .append("\",\"attributesMask\":\"").append(m.attributesMaskHex()).append("\",\"tcbLevels\":");
                    isvLevels(b, m.levels());
                    b.append("}");
                }
                b.append("]");
            }
        }
        b.append(",\"tcbLevels\":[");
        for (int i = 0; i < levels.size(); i++) {
            Level l = levels.get(i);
            b.append(i == 0 ? "" : ",").append("{\"tcb\":{\"sgxtcbcomponents\":");
            components(b, l.sgxComponents());
            b.append(",\"pcesvn\":").append(l.pceSvn());
            if (l.tdxComponents() != null) {
                b.append(",\"tdxtcbcomponents\":");
                components(b, l.tdxComponents());
            }
            b.append("},\"tcbDate\":\"").append(l.tcbDate()).append("\",\"tcbStatus\":\"").append(l.status()).append("\"");
            advisories(b, l.advisoryIds());
            b.append("}");
        }
        return b.append("]}").toString();
    }

    static void isvLevels(StringBuilder b, List<IsvLevel> levels) {
        b.append("[");
        for (int i = 0; i < levels.size(); i++) {
            IsvLevel l = levels.get(i);
            b.append(i == 0 ? "" : ",").append("{\"tcb\":{\"isvsvn\":").append(l.isvSvn()).append("},\"tcbDate\":\"")
                    .append(l.tcbDate()).append("\",\"tcbStatus\":\"").append(l.status()).append("\"");
            advisories(b, l.advisoryIds());
            b.append("}");
        }
        b.append("]");
    }

    private static void components(StringBuilder b, int[] comps) {
        b.append("[");
        for (int i = 0; i < comps.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"svn\":").append(comps[i]).append("}");
        }
        b.append("]");
    }

    private static void advisories(StringBuilder b, List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        b.append(",\"advisoryIDs\":[");
        for (int i = 0; i < ids.size(); i++) {
            b.append(i == 0 ? "" : ",").append("\"").append(ids.get(i)).append("\"");
        }
        b.append("]");
    }
}

package org.openanolis.attestation.parsers.tdx;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed TCB info, version 3, id {@code TDX} or {@code SGX} (Intel PCS API v4; QVL
 * {@code TcbInfo.cpp}). {@link #tcbLevels()} is in QVL's matching order (descending), not JSON
 * order. FMSPC and PCE ID are lower-case hex.
 */
public record TcbInfo(String id, int version, Instant issueDate, Instant nextUpdate, String fmspcHex,
                      String pceIdHex, int tcbType, long tcbEvaluationDataNumber, TdxModuleIdentity tdxModule,
                      List<TdxModuleIdentity> tdxModuleIdentities, List<TcbLevel> tcbLevels) {
    public static final String ID_TDX = "TDX";
    public static final String ID_SGX = "SGX";

    public TcbInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issueDate, "issueDate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        Objects.requireNonNull(fmspcHex, "fmspcHex");
        Objects.requireNonNull(pceIdHex, "pceIdHex");
        tdxModuleIdentities = tdxModuleIdentities == null ? null : List.copyOf(tdxModuleIdentities);
        tcbLevels = List.copyOf(tcbLevels);
    }

    /** The TDX module identity with {@code id} (case-insensitive), if the TCB info lists it. */
    public Optional<TdxModuleIdentity> moduleIdentity(String moduleId) {
        if (tdxModuleIdentities == null) {
            return Optional.empty();
        }
        return tdxModuleIdentities.stream().filter(m -> m.id().equalsIgnoreCase(moduleId)).findFirst();
    }
}

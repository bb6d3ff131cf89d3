package org.openanolis.attestation.parsers.tdx;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A TCB level keyed by one ISVSVN: the levels of a QE identity and of a TDX module identity
 * ({@code tcbLevels[{tcb:{isvsvn}, tcbDate, tcbStatus, advisoryIDs?}]}).
 */
public record IsvTcbLevel(int isvSvn, Instant tcbDate, TcbStatus status, List<String> advisoryIds) {
    public IsvTcbLevel {
        Objects.requireNonNull(tcbDate, "tcbDate");
        Objects.requireNonNull(status, "status");
        advisoryIds = List.copyOf(advisoryIds);
    }
}

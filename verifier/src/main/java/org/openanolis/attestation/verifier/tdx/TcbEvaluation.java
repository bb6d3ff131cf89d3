package org.openanolis.attestation.verifier.tdx;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.openanolis.attestation.parsers.tdx.TcbStatus;

/**
 * The outcome of TCB level matching and status convergence for one quote.
 *
 * @param status         the converged TCB status (never {@code Revoked}: that is a failure)
 * @param platformStatus the status of the matched platform level (TDX level for TDX, SGX level for SGX)
 * @param moduleStatus   the TDX module status (UpToDate when TEE_TCB_SVN[1] is 0); null for SGX
 * @param qeStatus       the QE's status from the QE identity
 * @param tcbDate        the matched platform level's {@code tcbDate}
 * @param advisoryIds    platform, module and QE level advisories, de-duplicated, in that order
 */
public record TcbEvaluation(TcbStatus status, TcbStatus platformStatus, TcbStatus moduleStatus,
                            QeTcbStatus qeStatus, Instant tcbDate, List<String> advisoryIds) {
    public TcbEvaluation {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(platformStatus, "platformStatus");
        Objects.requireNonNull(qeStatus, "qeStatus");
        Objects.requireNonNull(tcbDate, "tcbDate");
        advisoryIds = List.copyOf(advisoryIds);
    }
}

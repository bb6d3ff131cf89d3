package org.openanolis.attestation.verifier.tdx;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.BodyType;
import org.openanolis.attestation.parsers.tdx.IsvTcbLevel;
import org.openanolis.attestation.parsers.tdx.PckCertificateExtensions;
import org.openanolis.attestation.parsers.tdx.QeIdentity;
import org.openanolis.attestation.parsers.tdx.TcbInfo;
import org.openanolis.attestation.parsers.tdx.TcbLevel;
import org.openanolis.attestation.parsers.tdx.TcbStatus;
import org.openanolis.attestation.parsers.tdx.TdReport;
import org.openanolis.attestation.parsers.tdx.TdxModuleIdentity;

/**
 * Intel QVL's TCB appraisal ({@code tdx-verification.md} section 4, steps 11 and 13):
 * QE level from the QE identity, platform level matching ({@code TcbLevelCheck.cpp}) with the TDX
 * module rule (TEE_TCB_SVN[1] &gt; 0 skips bytes 0..1 and takes the module status from
 * {@code tdxModuleIdentities}), the TD 1.5 relaunch check ({@code TDRelaunchCheck.cpp}) and the
 * merge tables {@code convergeTcbStatusWithTdxModuleStatus} / {@code convergeTcbStatusWithQeTcbStatus}.
 * Inputs are verified collateral and authenticated quote fields only.
 */
public final class TcbEvaluator {
    private TcbEvaluator() {}

    /** The QE identity level that applies to a QE with {@code isvSvn}, if any (levels sorted descending). */
    static Optional<IsvTcbLevel> qeLevel(QeIdentity identity, int isvSvn) {
        for (IsvTcbLevel l : identity.tcbLevels()) {
            if (l.isvSvn() <= isvSvn) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    static QeTcbStatus qeStatus(Optional<IsvTcbLevel> level) {
        if (level.isEmpty()) {
            return QeTcbStatus.NOT_SUPPORTED;
        }
        return switch (level.get().status()) {
            case UP_TO_DATE -> QeTcbStatus.UP_TO_DATE;
            case REVOKED -> QeTcbStatus.REVOKED;
            default -> QeTcbStatus.OUT_OF_DATE;
        };
    }

    /** {@code "TDX_" + hex2(major)}, upper case, e.g. {@code TDX_01}, {@code TDX_0A}. */
    static String moduleId(int major) {
        return String.format(Locale.ROOT, "TDX_%02X", major);
    }

    /**
     * Evaluates an SGX quote ({@code td == null}) or a TDX quote.
     *
     * @throws VerificationException {@code TCB_NOT_SUPPORTED} when no level matches (platform, module
     *         or QE), {@code TCB_REVOKED} when the converged status is {@code Revoked}
     */
    public static TcbEvaluation evaluate(TcbInfo tcbInfo, PckCertificateExtensions pck, TdReport td, BodyType bodyType,
                                         QeIdentity qeIdentity, int qeIsvSvn) throws VerificationException {
        Optional<IsvTcbLevel> qeLevel = qeLevel(qeIdentity, qeIsvSvn);
        QeTcbStatus qeStatus = qeStatus(qeLevel);

        TcbLevel sgxLevel = null;
        TcbLevel tdxLevel = null;
        int start = td != null && td.teeTcbSvn(1) > 0 ? 2 : 0;
        for (TcbLevel level : tcbInfo.tcbLevels()) {
            if (!sgxHigherOrEqual(pck, level)) {
                continue;
            }
            if (td == null) {
                sgxLevel = level;
                break;
            }
            if (sgxLevel == null) {
                sgxLevel = level;
            }
            if (tdxHigherOrEqual(td, level, start)) {
                tdxLevel = level;
                break;
            }
        }
        if (sgxLevel == null) {
            throw VerificationException.mismatch(ReasonCode.TCB_NOT_SUPPORTED, "tcb_info.tcbLevels",
                    "a level at or below the PCK certificate's SGX TCB", "none");
        }
        if (td != null && tdxLevel == null) {
            throw VerificationException.mismatch(ReasonCode.TCB_NOT_SUPPORTED, "tcb_info.tcbLevels",
                    "a level at or below TEE_TCB_SVN", "none");
        }

        Set<String> advisories = new LinkedHashSet<>();
        TcbStatus status;
        TcbStatus platformStatus;
        TcbStatus moduleStatus = null;
        TcbLevel platform;
        if (td == null) {
            platform = sgxLevel;
            platformStatus = sgxLevel.status();
            status = platformStatus;
            advisories.addAll(sgxLevel.advisoryIds());
        } else {
            platform = tdxLevel;
            platformStatus = tdxLevel.status();
            advisories.addAll(tdxLevel.advisoryIds());
            moduleStatus = TcbStatus.UP_TO_DATE;
            if (td.teeTcbSvn(1) > 0) {
                IsvTcbLevel moduleLevel = moduleLevel(tcbInfo, td.teeTcbSvn(1), td.teeTcbSvn(0));
                moduleStatus = moduleLevel.status();
                advisories.addAll(moduleLevel.advisoryIds());
            }
            status = convergeWithModule(platformStatus, moduleStatus);
            if (bodyType == BodyType.TD_REPORT_15 && relaunchAdvised(tcbInfo, td, sgxLevel.status(), status,
                    moduleStatus, qeStatus)) {
                status = sgxLevel.status().configurationNeeded() || status.configurationNeeded()
                        ? TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED : TcbStatus.TD_RELAUNCH_ADVISED;
            }
        }
        qeLevel.ifPresent(l -> advisories.addAll(l.advisoryIds()));
        status = convergeWithQe(status, qeStatus);
        if (status == TcbStatus.REVOKED) {
            throw VerificationException.mismatch(ReasonCode.TCB_REVOKED, "tcb_status", "not Revoked",
                    "Revoked (platform " + platformStatus.jsonName()
                            + (moduleStatus == null ? "" : ", module " + moduleStatus.jsonName())
                            + ", QE " + qeStatus.jsonName() + ")");
        }
        return new TcbEvaluation(status, platformStatus, moduleStatus, qeStatus, platform.tcbDate(),
                new ArrayList<>(advisories));
    }

    private static boolean sgxHigherOrEqual(PckCertificateExtensions pck, TcbLevel level) {
        for (int i = 0; i < 16; i++) {
            if (pck.sgxTcbComponent(i) < level.sgxComponent(i)) {
                return false;
            }
        }
        return pck.pceSvn() >= level.pceSvn();
    }

    /** QVL {@code isTdxTcbHigherOrEqual}: bytes {@code start..15} of TEE_TCB_SVN against the level. */
    private static boolean tdxHigherOrEqual(TdReport td, TcbLevel level, int start) {
        for (int i = start; i < 16; i++) {
            if (td.teeTcbSvn(i) < level.tdxComponent(i)) {
                return false;
            }
        }
        return true;
    }

    /** QVL {@code checkTdxModuleTcbStatus}: the first level (JSON order) of {@code TDX_xx} with {@code isvsvn <= minor}. */
    private static IsvTcbLevel moduleLevel(TcbInfo tcbInfo, int major, int minor) throws VerificationException {
        String id = moduleId(major);
        TdxModuleIdentity identity = tcbInfo.moduleIdentity(id).orElseThrow(() -> VerificationException.mismatch(
                ReasonCode.BINDING_MISMATCH, "tcb_info.tdxModuleIdentities", id, "absent"));
        for (IsvTcbLevel l : identity.tcbLevels()) {
            if (minor >= l.isvSvn()) {
                return l;
            }
        }
        throw VerificationException.mismatch(ReasonCode.TCB_NOT_SUPPORTED, "tcb_info.tdxModuleIdentities." + id,
                "a module level at or below isvsvn " + minor, "none");
    }

    /** QVL {@code convergeTcbStatusWithTdxModuleStatus}. */
    static TcbStatus convergeWithModule(TcbStatus tcb, TcbStatus module) {
        if (module == TcbStatus.OUT_OF_DATE) {
            return switch (tcb) {
                case UP_TO_DATE, SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE;
                case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
                default -> tcb;
            };
        }
        if (module == TcbStatus.REVOKED) {
            return TcbStatus.REVOKED;
        }
        return tcb;
    }

    /** QVL {@code convergeTcbStatusWithQeTcbStatus}. */
    static TcbStatus convergeWithQe(TcbStatus tcb, QeTcbStatus qe) throws VerificationException {
        return switch (qe) {
            case OUT_OF_DATE -> switch (tcb) {
                case UP_TO_DATE, SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE;
                case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
                default -> tcb;
            };
            case REVOKED -> TcbStatus.REVOKED;
            case NOT_SUPPORTED -> throw VerificationException.mismatch(ReasonCode.TCB_NOT_SUPPORTED,
                    "qe_identity.tcbLevels", "a level at or below the QE's ISVSVN", "none");
            case UP_TO_DATE -> tcb;
        };
    }

    /** QVL {@code checkForRelaunch} (TD report 1.5 only). */
    private static boolean relaunchAdvised(TcbInfo tcbInfo, TdReport td, TcbStatus sgxStatus, TcbStatus tdxStatus,
                                           TcbStatus moduleStatus, QeTcbStatus qeStatus) throws VerificationException {
        if (qeStatus != QeTcbStatus.UP_TO_DATE) {
            return false;
        }
        boolean sgxOk = sgxStatus == TcbStatus.UP_TO_DATE || sgxStatus == TcbStatus.SW_HARDENING_NEEDED
                || sgxStatus == TcbStatus.CONFIGURATION_NEEDED || sgxStatus == TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED;
        boolean tdxOutOfDate = tdxStatus == TcbStatus.OUT_OF_DATE || tdxStatus == TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
        if (!sgxOk || !tdxOutOfDate || moduleStatus != TcbStatus.OUT_OF_DATE) {
            return false;
        }
        byte[] svn2 = td.teeTcbSvn2();
        TcbLevel latest = tcbInfo.tcbLevels().get(0);
        int minor = svn2[0] & 0xff;
        int major = svn2[1] & 0xff;
        int microcode = svn2[2] & 0xff;
        if (microcode < latest.tdxComponent(2)) {
            return false;
        }
        if (major == 0) {
            return minor >= latest.tdxComponent(0);
        }
        // QVL returns STATUS_TDX_MODULE_MISMATCH here: the module a relaunch would load is unknown.
        String id = moduleId(major);
        TdxModuleIdentity identity = tcbInfo.moduleIdentity(id).orElseThrow(() -> VerificationException.mismatch(
                ReasonCode.BINDING_MISMATCH, "tcb_info.tdxModuleIdentities", id + " (TEE_TCB_SVN2)", "absent"));
        return minor >= identity.tcbLevels().get(0).isvSvn();
    }
}

package org.openanolis.attestation.verifier.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TcbStatus;

/** Intel QVL's status merge tables ({@code tdx-verification.md} 4 and 4.1), cell by cell. */
class TcbEvaluatorTest {
    @Test
    void convergeWithQeFollowsQvlNotDcapQvl() throws Exception {
        assertEquals(TcbStatus.OUT_OF_DATE, TcbEvaluator.convergeWithQe(TcbStatus.UP_TO_DATE, QeTcbStatus.OUT_OF_DATE));
        assertEquals(TcbStatus.OUT_OF_DATE, TcbEvaluator.convergeWithQe(TcbStatus.SW_HARDENING_NEEDED, QeTcbStatus.OUT_OF_DATE));
        assertEquals(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
                TcbEvaluator.convergeWithQe(TcbStatus.CONFIGURATION_NEEDED, QeTcbStatus.OUT_OF_DATE));
        assertEquals(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
                TcbEvaluator.convergeWithQe(TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED, QeTcbStatus.OUT_OF_DATE));
        assertEquals(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
                TcbEvaluator.convergeWithQe(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED, QeTcbStatus.OUT_OF_DATE));
        for (TcbStatus s : TcbStatus.values()) {
            assertEquals(TcbStatus.REVOKED, TcbEvaluator.convergeWithQe(s, QeTcbStatus.REVOKED));
            assertEquals(s, TcbEvaluator.convergeWithQe(s, QeTcbStatus.UP_TO_DATE));
            VerificationException e = assertThrows(VerificationException.class,
                    () -> TcbEvaluator.convergeWithQe(s, QeTcbStatus.NOT_SUPPORTED));
            assertEquals(ReasonCode.TCB_NOT_SUPPORTED, e.code());
        }
    }

    @Test
    void convergeWithModule() {
        assertEquals(TcbStatus.OUT_OF_DATE, TcbEvaluator.convergeWithModule(TcbStatus.UP_TO_DATE, TcbStatus.OUT_OF_DATE));
        assertEquals(TcbStatus.OUT_OF_DATE, TcbEvaluator.convergeWithModule(TcbStatus.SW_HARDENING_NEEDED, TcbStatus.OUT_OF_DATE));
        assertEquals(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
                TcbEvaluator.convergeWithModule(TcbStatus.CONFIGURATION_NEEDED, TcbStatus.OUT_OF_DATE));
        assertEquals(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
                TcbEvaluator.convergeWithModule(TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED, TcbStatus.OUT_OF_DATE));
        for (TcbStatus s : TcbStatus.values()) {
            assertEquals(TcbStatus.REVOKED, TcbEvaluator.convergeWithModule(s, TcbStatus.REVOKED));
            assertEquals(s, TcbEvaluator.convergeWithModule(s, TcbStatus.UP_TO_DATE));
        }
    }

    @Test
    void moduleIdsAreUpperCaseHex() {
        assertEquals("TDX_01", TcbEvaluator.moduleId(1));
        assertEquals("TDX_0A", TcbEvaluator.moduleId(10));
        assertEquals("TDX_FF", TcbEvaluator.moduleId(255));
    }
}

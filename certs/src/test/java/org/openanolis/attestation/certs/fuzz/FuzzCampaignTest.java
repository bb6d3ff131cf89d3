package org.openanolis.attestation.certs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** The loop itself: it must catch an undocumented exception, a wrong reason code and a hang. */
class FuzzCampaignTest {
    private static final byte[] SEED = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static FuzzCampaign campaign() {
        return FuzzCampaign.named("self-test").seeds(List.of(SEED))
                .documented(t -> t instanceof VerificationException e && e.code() == ReasonCode.MALFORMED_EVIDENCE);
    }

    @Test
    void documentedOutcomesPass() {
        assertTrue(campaign().run(b -> {
            if (b.length != SEED.length) {
                throw VerificationException.malformed("input", 0, "length");
            }
        }) > 1);
    }

    @Test
    void anUndocumentedExceptionFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> campaign().run(b -> {
            if (b.length < SEED.length) {
                throw new ArrayIndexOutOfBoundsException(b.length);
            }
        }));
        assertEquals(ArrayIndexOutOfBoundsException.class, e.getCause().getClass());
    }

    @Test
    void aWrongReasonCodeFails() {
        assertThrows(AssertionError.class, () -> campaign().run(b -> {
            if (b.length != SEED.length) {
                throw new VerificationException(ReasonCode.SIGNATURE_INVALID, "input", "wrong code");
            }
        }));
    }

    @Test
    void anInputPastTheTimeLimitFails() {
        String old = System.setProperty("fuzz.inputTimeoutMillis", "200");
        try {
            assertThrows(AssertionError.class, () -> campaign().run(b -> {
                if (b.length != SEED.length) {
                    Thread.sleep(10_000);
                }
            }));
        } finally {
            if (old == null) {
                System.clearProperty("fuzz.inputTimeoutMillis");
            } else {
                System.setProperty("fuzz.inputTimeoutMillis", old);
            }
        }
    }
}

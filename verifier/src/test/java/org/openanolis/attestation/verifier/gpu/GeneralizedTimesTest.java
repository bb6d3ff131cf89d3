package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.junit.jupiter.api.Test;

/** {@link GeneralizedTimes} gives exactly what Bouncy Castle's {@code getDate()} gives, for every form. */
class GeneralizedTimesTest {
    private static ASN1GeneralizedTime decoded(String text) throws Exception {
        byte[] c = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] der = new byte[c.length + 2];
        der[0] = 0x18;
        der[1] = (byte) c.length;
        System.arraycopy(c, 0, der, 2, c.length);
        return (ASN1GeneralizedTime) ASN1Primitive.fromByteArray(der);
    }

    @Test
    void sameInstantAsBouncyCastle() throws Exception {
        int compared = 0;
        for (String s : new String[] {"20260601120000Z", "20000229235959Z", "19700101000000Z", "20261301000000Z",
                "20260230000000Z", "20260601246000Z", "20260601120000.5Z", "20260601120000.125Z",
                "20260601120000+0130", "20260601120000-0800"}) {
            ASN1GeneralizedTime t;
            try {
                t = decoded(s);
            } catch (IllegalArgumentException | java.io.IOException refused) {
                continue; // Bouncy Castle does not even decode it: such a response never gets here
            }
            assertEquals(t.getDate().toInstant(), GeneralizedTimes.instant(t), s);
            compared++;
        }
        assertTrue(compared >= 6, "compared " + compared);
        assertEquals(Instant.parse("2026-06-01T12:00:00Z"), GeneralizedTimes.instant(decoded("20260601120000Z")));
    }
}

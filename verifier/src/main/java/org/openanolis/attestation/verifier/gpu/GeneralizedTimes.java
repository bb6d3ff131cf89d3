package org.openanolis.attestation.verifier.gpu;

import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.ASN1GeneralizedTime;

/**
 * The instant of an ASN.1 GeneralizedTime in an OCSP response. The DER form RFC 5280 and RFC 6960
 * responders use, {@code YYYYMMDDHHMMSSZ}, is read directly; every other form (fractions, offsets,
 * out-of-range fields) goes to Bouncy Castle's {@link ASN1GeneralizedTime#getDate()} as before,
 * so the result is always the same. {@code getDate()} builds a {@code SimpleDateFormat} on every
 * call, and a new GPU's OCSP answer has three of these times read.
 */
final class GeneralizedTimes {
    private GeneralizedTimes() {}

    static Instant instant(ASN1GeneralizedTime t) throws ParseException, java.io.IOException {
        byte[] enc = t.getEncoded(); // tag 0x18, length, the characters as received
        if (enc.length == 17 && enc[0] == 0x18 && enc[1] == 15 && enc[16] == 'Z' && digits(enc, 2, 14)) {
            byte[] c = java.util.Arrays.copyOfRange(enc, 2, 17);
            try {
                return LocalDateTime.of(num(c, 0, 4), num(c, 4, 2), num(c, 6, 2), num(c, 8, 2), num(c, 10, 2),
                        num(c, 12, 2)).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                // out-of-range field: Bouncy Castle's (lenient) reading decides, as before
            }
        }
        return t.getDate().toInstant();
    }

    private static boolean digits(byte[] c, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (c[i] < '0' || c[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private static int num(byte[] c, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            v = v * 10 + (c[i] - '0');
        }
        return v;
    }
}

package org.openanolis.attestation.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Certificates#pemBlocks}: whitespace inside a block is dropped, anything else is kept. */
class PemBlocksTest {
    private static final byte[] BODY = new byte[200];

    static {
        for (int i = 0; i < BODY.length; i++) {
            BODY[i] = (byte) (i * 7);
        }
    }

    private static List<byte[]> blocks(String text) {
        return Certificates.pemBlocks(text.getBytes(StandardCharsets.ISO_8859_1), "CERTIFICATE");
    }

    @Test
    void everyRegexWhitespaceCharacterIsDropped() {
        String b64 = Base64.getEncoder().encodeToString(BODY);
        StringBuilder spaced = new StringBuilder();
        String ws = " \t\n\u000B\f\r";
        for (int i = 0; i < b64.length(); i++) {
            spaced.append(b64.charAt(i));
            if (i % 5 == 4) {
                spaced.append(ws.charAt(i % ws.length()));
            }
        }
        List<byte[]> out = blocks("junk\n-----BEGIN CERTIFICATE-----\r\n" + spaced
                + "\r\n-----END CERTIFICATE-----\n\0-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n");
        assertEquals(2, out.size());
        assertArrayEquals(BODY, out.get(0));
        assertArrayEquals(BODY, out.get(1));
    }

    @Test
    void otherCharactersInsideABlockMakeItUndecodable() {
        String b64 = Base64.getEncoder().encodeToString(BODY);
        // A no-break space is not \s: the block stays undecodable (empty), as with the regex.
        List<byte[]> out = blocks("-----BEGIN CERTIFICATE-----\n" + b64.substring(0, 8) + "\u00a0" + b64.substring(8)
                + "\n-----END CERTIFICATE-----\n");
        assertEquals(1, out.size());
        assertEquals(0, out.get(0).length);
    }
}

package org.openanolis.attestation.certs;

import java.util.HexFormat;

/** Lower-case hex, the one encoding of bytes in claims, logs and CLI output. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {}

    public static String encode(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static String encode(byte[] bytes, int from, int to) {
        return HEX.formatHex(bytes, from, to);
    }

    /** Decodes hex text; whitespace is ignored (the {@code .hex} files of bundles wrap lines). */
    public static byte[] decode(CharSequence text) {
        StringBuilder compact = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                compact.append(c);
            }
        }
        return HEX.parseHex(compact);
    }
}

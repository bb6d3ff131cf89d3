package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Hex;

/**
 * The direct encoder of {@link DeterministicCbor#encode} against the reference encoding through
 * cbor-java's item model ({@link DeterministicCbor#encodeWithCborJava}): the bytes hashed into
 * the log must not change with the encoder.
 */
class DeterministicCborEncoderTest {

    @Property(tries = 300)
    void sameBytesAsTheCborJavaEncodingOnRandomValues(@ForAll long seed) {
        Object value = randomValue(new Random(seed), 0);
        assertArrayEquals(DeterministicCbor.encodeWithCborJava(value), DeterministicCbor.encode(value),
                () -> "value " + value);
    }

    @Test
    void sameBytesAtEveryIntegerHeadBoundary() {
        long[] edges = {0, 1, 23, 24, 255, 256, 65535, 65536, 0xFFFFFFFFL, 0x100000000L, Long.MAX_VALUE,
            -1, -24, -25, -256, -257, -65536, -65537, -0x100000000L, -0x100000001L, Long.MIN_VALUE};
        for (long v : edges) {
            assertArrayEquals(DeterministicCbor.encodeWithCborJava(v), DeterministicCbor.encode(v), "integer " + v);
            assertArrayEquals(DeterministicCbor.encodeWithCborJava(new byte[(int) Math.min(Math.abs(v % 70000), 70000)]),
                    DeterministicCbor.encode(new byte[(int) Math.min(Math.abs(v % 70000), 70000)]));
        }
        // The extremes of the 64-bit signed range (major types 0 and 1, 8-byte argument).
        assertEquals("3b7fffffffffffffff", Hex.encode(DeterministicCbor.encode(Long.MIN_VALUE)));
        assertEquals("1b7fffffffffffffff", Hex.encode(DeterministicCbor.encode(Long.MAX_VALUE)));
    }

    @Test
    void aRealEntryEncodesAsBefore() throws Exception {
        LogEntry entry = LogEntries.sample(7);
        byte[] fast = entry.encode();
        // LogEntry.encode goes through the fast encoder; re-encode the decoded value with cbor-java.
        Object value = DeterministicCbor.decode(fast, "entry");
        assertArrayEquals(DeterministicCbor.encodeWithCborJava(value), fast);
    }

    @Test
    void valuesOutsideTheModelAreRefusedWithTheirPath() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outer", List.of(1L, Map.of("f", 1.5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeterministicCbor.encode(m));
        assertTrue(e.getMessage().contains("$.outer[1].f"), e.getMessage());
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, "x");
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> DeterministicCbor.encode(badKey));
        assertTrue(k.getMessage().contains("map keys must be strings"), k.getMessage());
    }

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 6 : 8);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return r.nextBoolean();
            case 2: {
                long[] scale = {10, 30, 300, 70000, 1L << 33, Long.MAX_VALUE};
                long v = r.nextLong() % scale[r.nextInt(scale.length)];
                return r.nextBoolean() ? (Object) v : (Object) (int) v;
            }
            case 3: {
                byte[] b = new byte[r.nextInt(4) == 0 ? r.nextInt(70000) : r.nextInt(40)];
                r.nextBytes(b);
                return b;
            }
            case 4:
            case 5:
                return randomString(r);
            case 6: {
                List<Object> list = new ArrayList<>();
                int n = r.nextInt(r.nextInt(10) == 0 ? 30 : 5);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(r, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                int n = r.nextInt(r.nextInt(10) == 0 ? 40 : 6);
                for (int i = 0; i < n; i++) {
                    map.put(randomString(r), randomValue(r, depth + 1));
                }
                return map;
            }
        }
    }

    private static String randomString(Random r) {
        int n = r.nextInt(r.nextInt(8) == 0 ? 300 : 12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(10);
            if (pick < 6) {
                sb.append((char) ('a' + r.nextInt(26)));
            } else if (pick < 8) {
                sb.append((char) (0x80 + r.nextInt(0x700))); // two-byte UTF-8
            } else if (pick < 9) {
                sb.append((char) (0x800 + r.nextInt(0x7000))); // three-byte UTF-8
            } else {
                sb.appendCodePoint(0x10000 + r.nextInt(0x1000)); // four-byte UTF-8 (a surrogate pair)
            }
        }
        return sb.toString();
    }
}

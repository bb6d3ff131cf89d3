package org.openanolis.attestation.verifier.log;

import co.nstant.in.cbor.CborDecoder;
import co.nstant.in.cbor.CborEncoder;
import co.nstant.in.cbor.CborException;
import co.nstant.in.cbor.model.Array;
import co.nstant.in.cbor.model.ByteString;
import co.nstant.in.cbor.model.DataItem;
import co.nstant.in.cbor.model.NegativeInteger;
import co.nstant.in.cbor.model.SimpleValue;
import co.nstant.in.cbor.model.SimpleValueType;
import co.nstant.in.cbor.model.UnicodeString;
import co.nstant.in.cbor.model.UnsignedInteger;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CBOR with the core deterministic encoding of RFC 8949 section 4.2.1, on cbor-java: integers in
 * their shortest form, definite lengths only, map keys sorted by the bytewise lexicographic order
 * of their deterministic encodings, no floating point, no tags.
 *
 * <p>The value model is JSON-like: {@code String}, {@code Long} (an {@code Integer} is widened),
 * {@code Boolean}, {@code null}, {@code byte[]} (a byte string), {@code List} and
 * {@code Map<String, ?>}. Decoding returns immutable maps (in encoded order) and lists, and
 * rejects any input that is not exactly the deterministic encoding of its own value: the bytes
 * hashed into the log have one and only one spelling.
 */
public final class DeterministicCbor {
    private DeterministicCbor() {}

    /**
     * The deterministic encoding of {@code value}, written directly into one array (no item tree,
     * no path strings): the log encodes every appraisal with it, on the request path. The output
     * is byte for byte that of {@link #encodeWithCborJava} (tested on random values).
     */
    public static byte[] encode(Object value) {
        Writer w = new Writer(sizeHint(value, 0) + 64);
        try {
            w.write(value);
        } catch (IllegalArgumentException | ClassCastException e) {
            // Outside the value model: let the reference encoder name the offending path.
            encodeWithCborJava(value);
            throw e;
        }
        return w.toByteArray();
    }

    /** The reference encoding through cbor-java's item model (slower; names the path of a bad value). */
    static byte[] encodeWithCborJava(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            new CborEncoder(out).nonCanonical().encode(toItem(value, "$"));
        } catch (CborException e) {
            throw new IllegalStateException("cbor-java failed to encode a validated value", e);
        }
        return out.toByteArray();
    }

    /** An upper-bound guess of the encoded size, dominated by byte and text strings, so the buffer rarely grows. */
    private static int sizeHint(Object value, int depth) {
        if (value instanceof byte[] b) {
            return b.length + 9;
        }
        if (value instanceof String s) {
            return s.length() * 3 + 9;
        }
        if (depth > 64) {
            return 16;
        }
        if (value instanceof List<?> list) {
            int n = 9;
            for (Object o : list) {
                n += sizeHint(o, depth + 1);
            }
            return n;
        }
        if (value instanceof Map<?, ?> map) {
            int n = 9;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                n += sizeHint(e.getKey(), depth + 1) + sizeHint(e.getValue(), depth + 1);
            }
            return n;
        }
        return 9;
    }

    /** RFC 8949 major types, shifted into the initial byte. */
    private static final int UNSIGNED = 0;
    private static final int NEGATIVE = 1 << 5;
    private static final int BYTES = 2 << 5;
    private static final int TEXT = 3 << 5;
    private static final int ARRAY = 4 << 5;
    private static final int MAP = 5 << 5;

    /** A growable byte array with the CBOR heads in shortest form. */
    private static final class Writer {
        private byte[] buf;
        private int len;

        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        byte[] toByteArray() {
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        /** The head of major type {@code major} with argument {@code v}, read as unsigned 64 bits. */
        private void head(int major, long v) {
            ensure(9);
            if (Long.compareUnsigned(v, 24) < 0) {
                buf[len++] = (byte) (major | (int) v);
            } else if (Long.compareUnsigned(v, 0xFFL) <= 0) {
                buf[len++] = (byte) (major | 24);
                buf[len++] = (byte) v;
            } else if (Long.compareUnsigned(v, 0xFFFFL) <= 0) {
                buf[len++] = (byte) (major | 25);
                buf[len++] = (byte) (v >>> 8);
                buf[len++] = (byte) v;
            } else if (Long.compareUnsigned(v, 0xFFFFFFFFL) <= 0) {
                buf[len++] = (byte) (major | 26);
                for (int shift = 24; shift >= 0; shift -= 8) {
                    buf[len++] = (byte) (v >>> shift);
                }
            } else {
                buf[len++] = (byte) (major | 27);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    buf[len++] = (byte) (v >>> shift);
                }
            }
        }

        private void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        void write(Object value) {
            if (value == null) {
                ensure(1);
                buf[len++] = (byte) 0xf6;
            } else if (value instanceof String s) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                head(TEXT, utf8.length);
                raw(utf8);
            } else if (value instanceof Long || value instanceof Integer) {
                long v = ((Number) value).longValue();
                if (v >= 0) {
                    head(UNSIGNED, v);
                } else {
                    head(NEGATIVE, -1 - v);
                }
            } else if (value instanceof Boolean b) {
                ensure(1);
                buf[len++] = (byte) (b ? 0xf5 : 0xf4);
            } else if (value instanceof byte[] b) {
                head(BYTES, b.length);
                raw(b);
            } else if (value instanceof List<?> list) {
                head(ARRAY, list.size());
                for (Object o : list) {
                    write(o);
                }
            } else if (value instanceof Map<?, ?> map) {
                writeMap(map);
            } else {
                throw new IllegalArgumentException(value.getClass().getSimpleName()
                        + " is outside the log's CBOR value model (no floating point)");
            }
        }

        private void writeMap(Map<?, ?> map) {
            int n = map.size();
            byte[][] keys = new byte[n][];
            Object[] values = new Object[n];
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (i == n) {
                    throw new IllegalArgumentException("map changed while encoding");
                }
                keys[i] = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
                values[i] = e.getValue();
                i++;
            }
            if (i != n) {
                throw new IllegalArgumentException("map changed while encoding");
            }
            // Insertion sort of the (few) keys, shorter UTF-8 first, then bytewise: the order of
            // their deterministic encodings (see compareEncodedTextKeys).
            for (int a = 1; a < n; a++) {
                byte[] k = keys[a];
                Object v = values[a];
                int b = a - 1;
                while (b >= 0 && compareKeyBytes(keys[b], k) > 0) {
                    keys[b + 1] = keys[b];
                    values[b + 1] = values[b];
                    b--;
                }
                keys[b + 1] = k;
                values[b + 1] = v;
            }
            head(MAP, n);
            for (int k = 0; k < n; k++) {
                head(TEXT, keys[k].length);
                raw(keys[k]);
                write(values[k]);
            }
        }
    }

    private static int compareKeyBytes(byte[] x, byte[] y) {
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return Arrays.compareUnsigned(x, y);
    }

    /**
     * Decodes one deterministic CBOR item that must fill {@code bytes} exactly.
     *
     * @throws LogFormatException if the bytes are not CBOR, hold more than one item, use a type
     *     outside the value model, or are not in deterministic encoding
     */
    public static Object decode(byte[] bytes, String field) throws LogFormatException {
        List<DataItem> items;
        try {
            CborDecoder decoder = new CborDecoder(new java.io.ByteArrayInputStream(bytes));
            decoder.setRejectDuplicateKeys(true);
            decoder.setAutoDecodeRationalNumbers(false);
            decoder.setAutoDecodeLanguageTaggedStrings(false);
            decoder.setMaxPreallocationSize(1 << 16);
            items = decoder.decode();
        } catch (CborException | RuntimeException e) {
            throw new LogFormatException(field, "not CBOR", e);
        }
        if (items.size() != 1) {
            throw new LogFormatException(field, "expected one CBOR item, found " + items.size());
        }
        Object value = fromItem(items.get(0), field);
        if (!Arrays.equals(encode(value), bytes)) {
            throw new LogFormatException(field, "not in RFC 8949 core deterministic encoding");
        }
        return value;
    }

    private static DataItem toItem(Object value, String path) {
        if (value == null) {
            return SimpleValue.NULL;
        }
        if (value instanceof String s) {
            return new UnicodeString(s);
        }
        if (value instanceof Long || value instanceof Integer) {
            long v = ((Number) value).longValue();
            return v >= 0 ? new UnsignedInteger(v) : new NegativeInteger(v);
        }
        if (value instanceof Boolean b) {
            return b ? SimpleValue.TRUE : SimpleValue.FALSE;
        }
        if (value instanceof byte[] b) {
            // cbor-java only reads the array while encoding; no copy needed.
            return new ByteString(b);
        }
        if (value instanceof List<?> list) {
            Array array = new Array(list.size());
            for (int i = 0; i < list.size(); i++) {
                array.add(toItem(list.get(i), path + "[" + i + "]"));
            }
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            List<Object[]> sorted = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException(path + ": map keys must be strings");
                }
                sorted.add(new Object[] {key.getBytes(StandardCharsets.UTF_8), key, e.getValue()});
            }
            // RFC 8949 section 4.2.1: keys sorted by the bytewise lexicographic order of their
            // deterministic encodings. Every key is a text string with a shortest-form head
            // (major type 3, then the length), and such heads order by length, so the order of
            // the encodings is: shorter UTF-8 first, then bytewise on the UTF-8 bytes.
            sorted.sort(DeterministicCbor::compareEncodedTextKeys);
            co.nstant.in.cbor.model.Map cborMap = new co.nstant.in.cbor.model.Map(sorted.size());
            for (Object[] e : sorted) {
                cborMap.put(new UnicodeString((String) e[1]), toItem(e[2], path + "." + e[1]));
            }
            return cborMap;
        }
        throw new IllegalArgumentException(path + ": " + value.getClass().getSimpleName()
                + " is outside the log's CBOR value model (no floating point)");
    }

    private static int compareEncodedTextKeys(Object[] a, Object[] b) {
        byte[] x = (byte[]) a[0];
        byte[] y = (byte[]) b[0];
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return Arrays.compareUnsigned(x, y);
    }

    private static Object fromItem(DataItem item, String path) throws LogFormatException {
        if (item.hasTag()) {
            throw new LogFormatException(path, "CBOR tags are not allowed");
        }
        switch (item.getMajorType()) {
            case UNSIGNED_INTEGER:
            case NEGATIVE_INTEGER: {
                BigInteger v = ((co.nstant.in.cbor.model.Number) item).getValue();
                if (v.bitLength() > 63) {
                    throw new LogFormatException(path, "integer outside the 64-bit signed range");
                }
                return v.longValue();
            }
            case BYTE_STRING:
                return ((ByteString) item).getBytes().clone();
            case UNICODE_STRING:
                return ((UnicodeString) item).getString();
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                List<DataItem> children = ((Array) item).getDataItems();
                for (int i = 0; i < children.size(); i++) {
                    list.add(fromItem(children.get(i), path + "[" + i + "]"));
                }
                return Collections.unmodifiableList(list);
            }
            case MAP: {
                co.nstant.in.cbor.model.Map m = (co.nstant.in.cbor.model.Map) item;
                Map<String, Object> map = new LinkedHashMap<>();
                for (DataItem key : m.getKeys()) {
                    if (!(key instanceof UnicodeString k) || k.hasTag()) {
                        throw new LogFormatException(path, "map keys must be text strings");
                    }
                    map.put(k.getString(), fromItem(m.get(key), path + "." + k.getString()));
                }
                return Collections.unmodifiableMap(map);
            }
            case SPECIAL: {
                if (item instanceof SimpleValue sv) {
                    if (sv.getSimpleValueType() == SimpleValueType.NULL) {
                        return null;
                    }
                    if (sv.getSimpleValueType() == SimpleValueType.TRUE) {
                        return Boolean.TRUE;
                    }
                    if (sv.getSimpleValueType() == SimpleValueType.FALSE) {
                        return Boolean.FALSE;
                    }
                }
                throw new LogFormatException(path, "only null, true and false are allowed among CBOR simple values");
            }
            default:
                throw new LogFormatException(path, "CBOR major type " + item.getMajorType() + " is not allowed");
        }
    }
}

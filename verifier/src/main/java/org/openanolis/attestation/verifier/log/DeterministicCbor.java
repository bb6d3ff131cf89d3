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

    /** The deterministic encoding of {@code value}. */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            new CborEncoder(out).nonCanonical().encode(toItem(value, "$"));
        } catch (CborException e) {
            throw new IllegalStateException("cbor-java failed to encode a validated value", e);
        }
        return out.toByteArray();
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

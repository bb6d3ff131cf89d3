package org.openanolis.attestation.parsers;

import java.util.Arrays;
import org.openanolis.attestation.errors.VerificationException;

/**
 * A bounds-checked little-endian cursor over evidence bytes. Every read names the field it reads,
 * so a truncated or oversized input ends in {@code MALFORMED_EVIDENCE} with the field and the
 * offset, never in an unchecked exception.
 */
public final class ByteReader {
    private final byte[] data;
    private final int end;
    private int pos;

    /** Reads {@code data[from, to)}; the array is not copied, and never handed out. */
    public ByteReader(byte[] data, int from, int to) {
        if (from < 0 || to > data.length || from > to) {
            throw new IllegalArgumentException("bad range " + from + ".." + to + " of " + data.length);
        }
        this.data = data;
        this.pos = from;
        this.end = to;
    }

    public ByteReader(byte[] data) {
        this(data, 0, data.length);
    }

    /** Current absolute offset. */
    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    private void need(int n, String field) throws VerificationException {
        if (n < 0 || n > end - pos) {
            throw VerificationException.malformed(field, pos,
                    "truncated: need " + n + " bytes, " + (end - pos) + " left");
        }
    }

    public int u8(String field) throws VerificationException {
        need(1, field);
        return data[pos++] & 0xff;
    }

    public int u16(String field) throws VerificationException {
        need(2, field);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    /** An unsigned 32-bit little-endian value. */
    public long u32(String field) throws VerificationException {
        need(4, field);
        long v = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8
                | (data[pos + 2] & 0xffL) << 16 | (data[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    /** A 64-bit little-endian value (callers treat it as unsigned where the spec says so). */
    public long u64(String field) throws VerificationException {
        need(8, field);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (data[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    /** A copy of the next {@code n} bytes. */
    public byte[] bytes(int n, String field) throws VerificationException {
        need(n, field);
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    /** Skips {@code n} bytes that must all be zero. */
    public void zeros(int n, String field) throws VerificationException {
        need(n, field);
        for (int i = 0; i < n; i++) {
            if (data[pos + i] != 0) {
                throw VerificationException.malformed(field, pos + i, "reserved byte not zero");
            }
        }
        pos += n;
    }

    public void skip(int n, String field) throws VerificationException {
        need(n, field);
        pos += n;
    }

    /** A sub-reader over the next {@code n} bytes, advancing this one past them. */
    public ByteReader slice(int n, String field) throws VerificationException {
        need(n, field);
        ByteReader r = new ByteReader(data, pos, pos + n);
        pos += n;
        return r;
    }
}

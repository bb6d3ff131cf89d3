package org.openanolis.attestation.simulator.gpu;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.openanolis.attestation.certs.CryptoProviders;

/**
 * Builds an SPDM 1.1 GET_MEASUREMENTS request || MEASUREMENTS response the way NVIDIA devices
 * return it ({@code gpu-verification.md} §1), signed with ECDSA P-384 over the request and the
 * response up to the signature, the signature as raw {@code r || s}.
 */
public final class SpdmReportBuilder {
    private byte[] nonce = new byte[32];
    private final Map<Integer, byte[]> blocks = new TreeMap<>();
    private final List<int[]> opaqueOrder = new ArrayList<>();
    private final List<byte[]> opaqueValues = new ArrayList<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The 32-byte requester nonce. */
    public SpdmReportBuilder nonce(byte[] nonce) {
        if (nonce.length != 32) {
            throw new IllegalArgumentException("nonce must be 32 bytes");
        }
        this.nonce = nonce.clone();
        return this;
    }

    /** Measurement block with SPDM index {@code spdmIndex} (RIM index + 1). */
    public SpdmReportBuilder block(int spdmIndex, byte[] value) {
        blocks.put(spdmIndex, value.clone());
        return this;
    }

    /** One opaque-data TLV, appended in call order. */
    public SpdmReportBuilder opaque(int type, byte[] value) {
        opaqueOrder.add(new int[] {type});
        opaqueValues.add(value.clone());
        return this;
    }

    /** Replaces the value of every opaque TLV of {@code type} (or appends one). */
    public SpdmReportBuilder replaceOpaque(int type, byte[] value) {
        boolean found = false;
        for (int i = 0; i < opaqueOrder.size(); i++) {
            if (opaqueOrder.get(i)[0] == type) {
                opaqueValues.set(i, value.clone());
                found = true;
            }
        }
        return found ? this : opaque(type, value);
    }

    /** Removes a measurement block. */
    public SpdmReportBuilder removeBlock(int spdmIndex) {
        blocks.remove(spdmIndex);
        return this;
    }

    /** The 37-byte request. */
    public byte[] request() {
        byte[] r = new byte[37];
        r[0] = 0x11;
        r[1] = (byte) 0xE0;
        r[2] = 0x01;
        r[3] = (byte) 0xFF;
        System.arraycopy(nonce, 0, r, 4, 32);
        r[36] = 0;
        return r;
    }

    /** The bytes that are signed: request and response up to the signature. */
    public byte[] unsignedReport() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(request());
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        for (Map.Entry<Integer, byte[]> b : blocks.entrySet()) {
            byte[] v = b.getValue();
            record.write(b.getKey());
            record.write(0x01); // DMTF measurement specification
            le16(record, v.length + 3);
            record.write(0x01); // DMTFSpecMeasurementValueType: immutable ROM / firmware digest
            le16(record, v.length);
            record.writeBytes(v);
        }
        byte[] rec = record.toByteArray();
        out.write(0x11);
        out.write(0x60);
        out.write(0);
        out.write(0);
        out.write(blocks.size());
        out.write(rec.length & 0xff);
        out.write(rec.length >>> 8 & 0xff);
        out.write(rec.length >>> 16 & 0xff);
        out.writeBytes(rec);
        byte[] responderNonce = new byte[32];
        RANDOM.nextBytes(responderNonce);
        out.writeBytes(responderNonce);
        ByteArrayOutputStream opaque = new ByteArrayOutputStream();
        for (int i = 0; i < opaqueOrder.size(); i++) {
            le16(opaque, opaqueOrder.get(i)[0]);
            le16(opaque, opaqueValues.get(i).length);
            opaque.writeBytes(opaqueValues.get(i));
        }
        byte[] op = opaque.toByteArray();
        le16(out, op.length);
        out.writeBytes(op);
        return out.toByteArray();
    }

    /** The signed report: {@link #unsignedReport()} followed by the raw 96-byte signature. */
    public byte[] sign(PrivateKey attestationKey) {
        byte[] body = unsignedReport();
        byte[] sig = rawP384Signature(attestationKey, body);
        byte[] out = Arrays.copyOf(body, body.length + sig.length);
        System.arraycopy(sig, 0, out, body.length, sig.length);
        return out;
    }

    /** ECDSA-SHA384 over {@code data} as raw 96-byte {@code r || s}. */
    public static byte[] rawP384Signature(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA384withECDSA", CryptoProviders.bouncyCastle());
            s.initSign(key);
            s.update(data);
            ASN1Sequence seq = ASN1Sequence.getInstance(s.sign());
            byte[] out = new byte[96];
            fixed(ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(), out, 0);
            fixed(ASN1Integer.getInstance(seq.getObjectAt(1)).getValue(), out, 48);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fixed(BigInteger v, byte[] out, int off) {
        byte[] b = v.toByteArray();
        int start = Math.max(0, b.length - 48);
        System.arraycopy(b, start, out, off + 48 - (b.length - start), b.length - start);
    }

    private static void le16(ByteArrayOutputStream o, int v) {
        o.write(v & 0xff);
        o.write(v >>> 8 & 0xff);
    }
}

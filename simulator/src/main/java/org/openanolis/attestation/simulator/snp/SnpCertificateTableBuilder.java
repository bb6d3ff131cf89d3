package org.openanolis.attestation.simulator.snp;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the certificate table of an extended report (GHCB SNP_GET_EXT_REPORT): 24-byte entries
 * (GUID in RFC 4122 byte order, offset u32 LE, length u32 LE), an all-zero terminator,
 * then the certificates; offsets relative to the table start. Written independently of the
 * verifier's parser so that each checks the other.
 */
public final class SnpCertificateTableBuilder {
    public static final UUID VCEK = UUID.fromString("63da758d-e664-4564-adc5-f4b93be8accd");
    public static final UUID VLEK = UUID.fromString("a8074bc2-a25a-483e-aae6-39c045a0b8a1");
    public static final UUID ASK = UUID.fromString("4ab7b379-bbac-4fe4-a02f-05aef327c782");
    public static final UUID ARK = UUID.fromString("c0b406a4-a803-4952-9743-3fb6014cd0ae");

    private final Map<UUID, byte[]> entries = new LinkedHashMap<>();

    /** Adds (or replaces) an entry with raw bytes. */
    public SnpCertificateTableBuilder entry(UUID guid, byte[] bytes) {
        entries.put(guid, bytes.clone());
        return this;
    }

    /** Adds (or replaces) an entry with a certificate's DER. */
    public SnpCertificateTableBuilder entry(UUID guid, X509Certificate cert) {
        try {
            return entry(guid, cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The table bytes. */
    public byte[] build() {
        int header = (entries.size() + 1) * 24;
        int total = header + entries.values().stream().mapToInt(b -> b.length).sum();
        byte[] out = new byte[total];
        int at = 0;
        int data = header;
        for (Map.Entry<UUID, byte[]> e : entries.entrySet()) {
            writeGuid(out, at, e.getKey());
            writeU32(out, at + 16, data);
            writeU32(out, at + 20, e.getValue().length);
            System.arraycopy(e.getValue(), 0, out, data, e.getValue().length);
            data += e.getValue().length;
            at += 24;
        }
        return out;
    }

    private static void writeU32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** The 16 GUID bytes in RFC 4122 (string) order, as libuuid's {@code uuid_parse} gives them. */
    private static void writeGuid(byte[] out, int off, UUID id) {
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            out[off + i] = (byte) (hi >>> (56 - 8 * i));
            out[off + 8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
    }
}

package org.openanolis.attestation.parsers.snp;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The certificate table an SNP guest receives with an extended report (GHCB specification,
 * SNP_GET_EXT_REPORT; go-sev-guest {@code abi.CertTable}; {@code snp-verification.md} section 11):
 * entries of 24 bytes (GUID, offset u32 LE, length u32 LE) ended by an all-zero entry, offsets
 * relative to the table start. The entries are host-supplied and untrusted; a bad table is
 * {@link ReasonCode#COLLATERAL_INVALID}.
 */
public final class SnpCertificateTable {
    /** VCEK {@code 63da758d-e664-4564-adc5-f4b93be8accd}. */
    public static final UUID VCEK = UUID.fromString("63da758d-e664-4564-adc5-f4b93be8accd");
    /** VLEK {@code a8074bc2-a25a-483e-aae6-39c045a0b8a1}. */
    public static final UUID VLEK = UUID.fromString("a8074bc2-a25a-483e-aae6-39c045a0b8a1");
    /** ASK or ASVK {@code 4ab7b379-bbac-4fe4-a02f-05aef327c782}. */
    public static final UUID ASK = UUID.fromString("4ab7b379-bbac-4fe4-a02f-05aef327c782");
    /** ARK {@code c0b406a4-a803-4952-9743-3fb6014cd0ae}. */
    public static final UUID ARK = UUID.fromString("c0b406a4-a803-4952-9743-3fb6014cd0ae");

    private static final int ENTRY = 24;
    private static final String FIELD = "cert_table";

    private final Map<UUID, byte[]> entries;

    private SnpCertificateTable(Map<UUID, byte[]> entries) {
        this.entries = entries;
    }

    /**
     * Parses a table. GUIDs are 16 bytes in RFC 4122 (string) order, as AMD's sev-tool (libuuid
     * {@code uuid_t}) and go-sev-guest ({@code uuid.Parse}) store them.
     *
     * An empty input is an empty table.
     *
     * @throws VerificationException COLLATERAL_INVALID for a missing terminator, an entry outside
     *     the buffer, an empty entry or a repeated GUID
     */
    public static SnpCertificateTable parse(byte[] table) throws VerificationException {
        Map<UUID, byte[]> out = new LinkedHashMap<>();
        if (table.length == 0) {
            return new SnpCertificateTable(Map.of()); // no data pages: allowed (go-sev-guest does too)
        }
        for (int pos = 0; ; pos += ENTRY) {
            if (pos + ENTRY > table.length) {
                throw invalid("no all-zero terminating entry before offset " + pos);
            }
            if (allZero(table, pos, pos + ENTRY)) {
                break;
            }
            UUID guid = guid(table, pos);
            long offset = u32(table, pos + 16);
            long length = u32(table, pos + 20);
            if (length == 0 || offset + length > table.length || offset < pos + ENTRY) {
                throw invalid("entry " + guid + " at " + offset + "+" + length + " is outside the table data");
            }
            if (out.put(guid, Arrays.copyOfRange(table, (int) offset, (int) (offset + length))) != null) {
                throw invalid("entry " + guid + " appears twice");
            }
        }
        return new SnpCertificateTable(Collections.unmodifiableMap(out));
    }

    /** The bytes of the entry with {@code guid}, a copy. */
    public Optional<byte[]> entry(UUID guid) {
        return Optional.ofNullable(entries.get(guid)).map(byte[]::clone);
    }

    /** The GUIDs present, in table order. */
    public java.util.Set<UUID> guids() {
        return entries.keySet();
    }

    private static VerificationException invalid(String message) {
        return new VerificationException(ReasonCode.COLLATERAL_INVALID, FIELD, FIELD + ": " + message);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
    }

    /** GUID bytes in RFC 4122 order, as libuuid's {@code uuid_parse} and go-sev-guest write them. */
    private static UUID guid(byte[] b, int off) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[off + i] & 0xffL);
            lo = lo << 8 | (b[off + 8 + i] & 0xffL);
        }
        return new UUID(hi, lo);
    }

    @Override
    public String toString() {
        return "SnpCertificateTable" + guids().toString().toLowerCase(Locale.ROOT);
    }
}

package org.openanolis.attestation.verifier.log;

import java.util.Map;
import java.util.Objects;

/**
 * The record kinds of the verification log and the one decoder that tells them apart. Every
 * stored record is a deterministic-CBOR map; a map with the top-level key
 * {@value ReleaseReceiptRecord#KIND_KEY} is a {@link ReleaseReceiptRecord}, any other is a
 * {@link LogEntry} (an attestation), whose exact key set never contains that key. Both are Merkle
 * leaves the same way (RFC 9162 leaf hash of the stored bytes).
 */
public final class LogRecords {
    private LogRecords() {}

    /** A decoded log record. */
    public sealed interface Record permits Attestation, Receipt {
        /** The deterministic CBOR of the record (the stored bytes). */
        byte[] encode();
    }

    /** An attestation entry (an appraisal, passed or failed). */
    public record Attestation(LogEntry entry) implements Record {
        public Attestation {
            Objects.requireNonNull(entry);
        }

        @Override
        public byte[] encode() {
            return entry.encode();
        }
    }

    /** A release receipt. */
    public record Receipt(ReleaseReceiptRecord receipt) implements Record {
        public Receipt {
            Objects.requireNonNull(receipt);
        }

        @Override
        public byte[] encode() {
            return receipt.encode();
        }
    }

    /**
     * Decodes a stored record of either kind.
     *
     * @throws LogFormatException if the bytes are not the deterministic encoding of a valid record
     */
    public static Record decode(byte[] bytes) throws LogFormatException {
        if (startsWithVersionKey(bytes)) {
            // Fast path: an attestation entry's first key (the shortest) is "v"; a receipt has none.
            return new Attestation(LogEntry.decode(bytes));
        }
        Object value = DeterministicCbor.decode(bytes, "record");
        if (value instanceof Map<?, ?> m && m.containsKey(ReleaseReceiptRecord.KIND_KEY)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            return new Receipt(ReleaseReceiptRecord.fromMap(map));
        }
        return new Attestation(LogEntry.decode(bytes));
    }

    /** A map head (major type 5, up to 2^16 - 1 pairs) followed by the text key "v". */
    private static boolean startsWithVersionKey(byte[] b) {
        if (b.length < 3 || (b[0] & 0xe0) != 0xa0) {
            return false;
        }
        int info = b[0] & 0x1f;
        int at = info < 24 ? 1 : info == 24 ? 2 : info == 25 ? 3 : -1;
        return at > 0 && b.length > at + 1 && b[at] == 0x61 && b[at + 1] == 'v';
    }
}

package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The auditor-role reads the HTTP service exposes, without HTTP: parameters are validated and
 * bounded here (a large log cannot be dumped by one request), results are JSON-friendly maps
 * (hashes in lower-case hex, entries in base64). An {@link IllegalArgumentException} is a bad
 * request (400); an empty {@link Optional} is not found (404).
 */
public final class LogReadApi {
    /** Entries per page when the request names no limit. */
    public static final int DEFAULT_PAGE = 100;
    /** Most entries one page may hold. */
    public static final int MAX_PAGE = 1000;

    private final JdbcLogStore store;

    public LogReadApi(JdbcLogStore store) {
        this.store = store;
    }

    /** {@code GET /v1/log/checkpoint}: the latest signed checkpoint note (text/plain). */
    public Optional<String> latestCheckpoint() throws LogStorageException {
        return store.latestCheckpointNote();
    }

    /**
     * {@code GET /v1/log/entries?start=&limit=}: up to {@code limit} (default {@value #DEFAULT_PAGE},
     * at most {@value #MAX_PAGE}) committed entries from {@code start}, and where the next page starts.
     */
    public Map<String, Object> entries(long start, Integer limit) throws LogStorageException {
        int pageSize = limit == null ? DEFAULT_PAGE : limit;
        if (start < 0) {
            throw new IllegalArgumentException("start must not be negative");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE);
        }
        long size = store.treeSize();
        long end = Math.min(size, start + pageSize);
        List<Object> list = new ArrayList<>();
        if (start < end) {
            SortedMap<Long, byte[]> entries = store.entries(start, end);
            for (Map.Entry<Long, byte[]> e : entries.entrySet()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("index", e.getKey());
                item.put("entry", Base64.getEncoder().encodeToString(e.getValue()));
                list.add(item);
            }
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("tree_size", size);
        page.put("entries", list);
        page.put("next_start", end < size ? end : null);
        return page;
    }

    /** {@code GET /v1/log/proofs/inclusion?index=&tree_size=}. */
    public Map<String, Object> inclusionProof(long index, long treeSize) throws LogStorageException {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("index must be in [0, tree_size)");
        }
        requireCommitted(treeSize);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leaf_index", index);
        m.put("tree_size", treeSize);
        m.put("hashes", hex(store.inclusionProof(index, treeSize)));
        return m;
    }

    /** {@code GET /v1/log/proofs/consistency?first=&second=}. */
    public Map<String, Object> consistencyProof(long first, long second) throws LogStorageException {
        if (first < 0 || first > second) {
            throw new IllegalArgumentException("first must be in [0, second]");
        }
        requireCommitted(second);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("first", first);
        m.put("second", second);
        m.put("hashes", hex(first == 0 || first == second ? List.of() : store.consistencyProof(first, second)));
        return m;
    }

    /**
     * One attestation entry, decoded, or empty if the index is not committed; a release receipt
     * at that index is a {@link LogFormatException} (use {@link #record(long)} for either kind).
     */
    public Optional<LogEntry> entry(long index) throws LogStorageException, LogFormatException {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
        byte[] bytes = store.entries(index, index + 1).get(index);
        return bytes == null ? Optional.empty() : Optional.of(LogEntry.decode(bytes));
    }

    /** {@code GET /v1/log/entries/{index}}: one record of either kind, decoded, or empty if the index is not committed. */
    public Optional<LogRecords.Record> record(long index) throws LogStorageException, LogFormatException {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
        byte[] bytes = store.entries(index, index + 1).get(index);
        return bytes == null ? Optional.empty() : Optional.of(LogRecords.decode(bytes));
    }

    private void requireCommitted(long treeSize) throws LogStorageException {
        long size = store.treeSize();
        if (treeSize > size) {
            throw new IllegalArgumentException("tree_size " + treeSize + " is beyond the log's size " + size);
        }
    }

    private static List<String> hex(List<Sha256Digest> hashes) {
        List<String> out = new ArrayList<>(hashes.size());
        hashes.forEach(h -> out.add(h.hex()));
        return out;
    }
}

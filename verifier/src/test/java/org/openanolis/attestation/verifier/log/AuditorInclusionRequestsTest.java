package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor against a real SQLite log of 2,600 entries, counting the inclusion proofs it asks
 * for (one HTTP request each through {@link HttpLogSource}): a partial range of
 * 2,500 entries costs two per page of 1,000, and a damaged log still gives exactly the findings of
 * a check of every entry with its own proof, at a cost of O(pages + damaged entries x log n).
 */
class AuditorInclusionRequestsTest {
    private static final int SIZE = 2600;

    @TempDir
    Path tmp;
    private LogDatabase db;
    private JdbcLogStore store;
    private final AtomicInteger inclusionRequests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        db = LogDatabase.sqlite(tmp.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        store = JdbcLogStore.open(db, LogStoreContract.ORIGIN, 256);
        LogStoreContract.appendConcurrently(store, 0, SIZE);
        store.checkpoint(LogStoreContract.SIGNER, LogStoreContract.CLOCK);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    /** The store seen as the range {@code [from, to)} of the log, counting the inclusion proofs asked. */
    private LogSource range(LogSource inner, long from, long to) {
        return range(inner, from, to, false);
    }

    private LogSource range(LogSource inner, long from, long to, boolean whole) {
        return new LogSource() {
            @Override
            public Optional<String> latestCheckpointNote() throws LogStorageException {
                return inner.latestCheckpointNote();
            }

            @Override
            public long firstIndex() {
                return from;
            }

            @Override
            public long endIndex() {
                return to;
            }

            @Override
            public boolean wholeLog() {
                return whole;
            }

            @Override
            public SortedMap<Long, byte[]> entries(long a, long b) throws LogStorageException {
                return inner.entries(a, b);
            }

            @Override
            public Optional<byte[]> collateral(Sha256Digest digest) throws LogStorageException {
                return inner.collateral(digest);
            }

            @Override
            public List<Sha256Digest> inclusionProof(long index, long treeSize) throws LogStorageException {
                inclusionRequests.incrementAndGet();
                return inner.inclusionProof(index, treeSize);
            }

            @Override
            public List<Sha256Digest> consistencyProof(long size1, long size2) throws LogStorageException {
                return inner.consistencyProof(size1, size2);
            }
        };
    }

    private AuditReport audit(LogSource source) throws LogStorageException {
        inclusionRequests.set(0);
        return LogAuditor.builder().logKey(LogStoreContract.SIGNER.verifierKey()).origin(LogStoreContract.ORIGIN)
                .firstAudit().skipReplay().build().audit(source);
    }

    private static List<String> findings(AuditReport report) {
        return report.findings().stream().map(f -> f.kind() + "@" + f.index()).sorted().toList();
    }

    @Test
    void aPartialRangeCostsTwoRequestsPerPageAndDamageIsNamedExactly() throws Exception {
        LogSource whole = range(store, 0, SIZE, true);

        AuditReport clean = audit(whole);
        assertTrue(clean.clean(), () -> clean.findings().toString());
        assertEquals(SIZE, clean.entriesChecked());
        assertEquals(0, inclusionRequests.get(), "a sound whole log is checked by its recomputed tree head");

        // 2,500 entries in pages [50, 1050), [1050, 2050), [2050, 2550): the first and last proof of each.
        AuditReport partial = audit(range(store, 50, 2550));
        assertTrue(partial.clean(), () -> partial.findings().toString());
        assertEquals(2500, partial.entriesChecked());
        assertEquals(6, inclusionRequests.get());

        // An edited entry, a deleted one and two swapped ones, as an attacker with the database would.
        SortedMap<Long, byte[]> before = store.entries(0, SIZE);
        try (Connection conn = db.dataSource().getConnection()) {
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("DROP TRIGGER log_entry_no_update");
                st.executeUpdate("DROP TRIGGER log_entry_no_delete");
                assertEquals(1, st.executeUpdate("DELETE FROM log_entry WHERE idx = 777"));
            }
            byte[] edited = before.get(1234L).clone();
            String text = new String(edited, StandardCharsets.ISO_8859_1);
            int digit = text.indexOf("nonce-") + "nonce-".length();
            edited[digit] = (byte) (edited[digit] == '9' ? '8' : edited[digit] + 1); // still decodes
            try (PreparedStatement ps = conn.prepareStatement("UPDATE log_entry SET entry = ? WHERE idx = ?")) {
                for (Object[] change : new Object[][] {{edited, 1234L}, {before.get(2000L), 300L}, {before.get(300L), 2000L}}) {
                    ps.setBytes(1, (byte[]) change[0]);
                    ps.setLong(2, (Long) change[1]);
                    assertEquals(1, ps.executeUpdate());
                }
            }
        }
        List<String> expected = List.of("ENTRY_MISSING@777", "ENTRY_NOT_INCLUDED@1234", "ENTRY_REORDERED@2000",
                "ENTRY_REORDERED@300");

        AuditReport damagedRange = audit(range(store, 50, 2550));
        assertEquals(expected, findings(damagedRange));
        int rangeRequests = inclusionRequests.get();
        // One request per entry was 2,499 (all but the deleted one). Each damaged entry now costs about
        // 4 per halving of its page down to 8 entries, plus those 8, plus the deleted entry's split
        // of its page into two runs: well under 200 here.
        assertTrue(rangeRequests < 200, "inclusion proof requests for the damaged range: " + rangeRequests);

        // The whole log: its tree head no longer matches, so the same per-range check runs over it all.
        AuditReport damagedWhole = audit(whole);
        assertEquals(expected, findings(damagedWhole));
        assertEquals(SIZE - 4, damagedWhole.entriesChecked());
        int wholeRequests = inclusionRequests.get();
        assertTrue(wholeRequests < 200, "inclusion proof requests for the damaged log: " + wholeRequests);
        System.out.println("AuditorInclusionRequestsTest: damaged range " + rangeRequests
                + " inclusion proof requests, damaged whole log " + wholeRequests);
    }
}

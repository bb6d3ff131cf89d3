package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.verifier.log.AuditFinding.Kind;

/**
 * Behaviour every database store must have, run against real SQLite and real PostgreSQL: group
 * commit with dense indexes, proofs that verify, collateral stored once, append-only tables, and
 * tamper detection by the auditor (one changed byte, a deleted entry, two reordered entries, a
 * truncated log, a checkpoint forged with another key).
 */
abstract class LogStoreContract {
    static final String ORIGIN = "verifier.test/log";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final NoteSigner SIGNER = NoteSigner.fromSeed(ORIGIN, new byte[32]);

    private final List<JdbcLogStore> open = new ArrayList<>();

    /** A fresh, migrated database. */
    abstract LogDatabase newDatabase() throws Exception;

    /** Turns off the append-only triggers, as an attacker with database access would. */
    abstract void disableAppendOnlyTriggers(Connection conn) throws SQLException;

    /** How a second process reaches {@code db}: {@code {dialect, location}} for {@link AppendingProcess}. */
    abstract String[] processArgs(LogDatabase db);

    JdbcLogStore openStore(LogDatabase db) {
        JdbcLogStore store = JdbcLogStore.open(db, ORIGIN, 64);
        open.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        open.forEach(JdbcLogStore::close);
    }

    static LogAuditor auditor() {
        return LogAuditor.builder().logKey(SIGNER.verifierKey()).origin(ORIGIN).firstAudit().skipReplay().build();
    }

    /** Appends entries {@code from..to-1} concurrently from several threads, checks dense indexes. */
    static void appendConcurrently(JdbcLogStore store, int from, int to) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            List<CompletableFuture<CompletableFuture<Long>>> submitted = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int n = i;
                submitted.add(CompletableFuture.supplyAsync(() -> store.append(LogEntries.sample(n), LogEntries.blobsFor(n)), pool));
            }
            for (CompletableFuture<CompletableFuture<Long>> s : submitted) {
                futures.add(s.get(30, TimeUnit.SECONDS));
            }
            for (CompletableFuture<Long> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A log of {@code n} entries with a signed checkpoint at the end. */
    JdbcLogStore logWith(LogDatabase db, int n) throws Exception {
        JdbcLogStore store = openStore(db);
        appendConcurrently(store, 0, n);
        store.checkpoint(SIGNER, CLOCK);
        return store;
    }

    @Test
    void concurrentAppendsGetDenseIndexesAndVerifiableProofs() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = openStore(db);
        appendConcurrently(store, 0, 150);
        String first = store.checkpoint(SIGNER, CLOCK);
        appendConcurrently(store, 150, 301);
        String second = store.checkpoint(SIGNER, CLOCK);
        assertEquals(301, store.treeSize());

        SortedMap<Long, byte[]> entries = store.entries(0, 301);
        assertEquals(301, entries.size());
        assertEquals(0L, entries.firstKey());
        assertEquals(300L, entries.lastKey());
        InMemoryTree tree = new InMemoryTree();
        Set<String> jtis = new HashSet<>();
        for (byte[] e : entries.values()) {
            tree.appendEntry(e);
            jtis.add(LogEntry.decode(e).jti());
        }
        assertEquals(301, jtis.size(), "every appended entry is stored exactly once");
        Checkpoint cp1 = Checkpoint.open(first, SIGNER.verifierKey(), ORIGIN);
        Checkpoint cp2 = Checkpoint.open(second, SIGNER.verifierKey(), ORIGIN);
        assertEquals(150, cp1.size());
        assertEquals(MerkleTree.rootHash(tree, 150), cp1.rootHash());
        assertEquals(tree.root(), cp2.rootHash());
        assertEquals(tree.root(), store.rootHash(301));

        for (long idx : new long[] {0, 1, 77, 149, 150, 255, 256, 300}) {
            List<Sha256Digest> proof = store.inclusionProof(idx, 301);
            assertEquals(MerkleTree.inclusionProof(tree, idx, 301), proof);
            MerkleTree.verifyInclusion(idx, 301, MerkleTree.leafHash(entries.get(idx)), proof, cp2.rootHash());
        }
        List<Sha256Digest> consistency = store.consistencyProof(150, 301);
        MerkleTree.verifyConsistency(150, 301, consistency, cp1.rootHash(), cp2.rootHash());
        assertEquals(second, store.latestCheckpointNote().orElseThrow());
        assertEquals(42L, store.indexOfJti(LogEntry.decode(entries.get(42L)).jti()).orElseThrow());

        AuditReport report = LogAuditor.builder().logKey(SIGNER.verifierKey()).origin(ORIGIN)
                .trustedCheckpoint(cp1).skipReplay().build().audit(store);
        assertTrue(report.clean(), () -> report.findings().toString());
        assertEquals(301, report.entriesChecked());
    }

    @Test
    void severalWritersOnOneDatabaseShareOneLogOrder() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore replicaA = openStore(db);
        JdbcLogStore replicaB = openStore(db);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> run(() -> appendConcurrently(replicaA, 0, 120)));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> run(() -> appendConcurrently(replicaB, 120, 240)));
        a.get(60, TimeUnit.SECONDS);
        b.get(60, TimeUnit.SECONDS);
        assertEquals(240, replicaA.treeSize());
        replicaB.checkpoint(SIGNER, CLOCK);
        AuditReport report = auditor().audit(replicaA);
        assertTrue(report.clean(), () -> report.findings().toString());
        assertEquals(240, report.entriesChecked());
    }

    @Test
    void anotherProcessAppendsToTheSameLogOrder() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore here = openStore(db);
        String[] target = processArgs(db);
        Process other = AppendingProcess.start(target[0], target[1], 1000, 1150);
        appendConcurrently(here, 0, 150);
        assertEquals(0, AppendingProcess.await(other));
        assertEquals(300, here.treeSize());
        here.checkpoint(SIGNER, CLOCK);
        AuditReport report = auditor().audit(here);
        assertTrue(report.clean(), () -> report.findings().toString());
        Set<String> jtis = new HashSet<>();
        for (byte[] e : here.entries(0, 300).values()) {
            jtis.add(LogEntry.decode(e).jti());
        }
        assertTrue(jtis.contains("jti-1000") && jtis.contains("jti-0") && jtis.size() == 300);
    }

    @Test
    void collateralIsStoredOncePerDigest() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 50);
        try (Connection conn = db.dataSource().getConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM log_collateral")) {
            rs.next();
            Set<Sha256Digest> distinct = new HashSet<>();
            for (int n = 0; n < 50; n++) {
                LogEntries.blobsFor(n).forEach(b -> distinct.add(Sha256Digest.digest(b)));
            }
            assertEquals(distinct.size(), rs.getInt(1));
        }
        byte[] blob = LogEntries.collateralBlob(3, "tcb_info");
        assertArrayEquals(blob, store.collateral(Sha256Digest.digest(blob)).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> store.append(LogEntries.sample(1), List.of()));

        byte[] fresh = "fresh collateral".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Sha256Digest freshDigest = Sha256Digest.digest(fresh);
        LogEntry withFresh = LogEntry.builder()
                .addEvidence(new EvidenceItem("cpu", "snp", "report", new byte[] {1}))
                .addCollateral(new CollateralReference("cpu", "vek", freshDigest))
                .policy(new PolicyReference("p", 1, freshDigest)).verifierVersion("0.1.0").instant(CLOCK.instant())
                .outcome(new AppraisalOutcome(EarStatus.AFFIRMING, null, java.util.Map.of())).jti("fresh").nonce(new byte[1])
                .build();
        CompletableFuture<Long> wrong = store.append(withFresh, java.util.Map.of(freshDigest, "other".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> wrong.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof LogStorageException);
        assertEquals(50L, store.append(withFresh, java.util.Map.of(freshDigest, fresh)).get(30, TimeUnit.SECONDS));
        assertArrayEquals(fresh, store.collateral(freshDigest).orElseThrow());
    }

    @Test
    void tablesAreAppendOnly() throws Exception {
        LogDatabase db = newDatabase();
        logWith(db, 3);
        try (Connection conn = db.dataSource().getConnection(); Statement st = conn.createStatement()) {
            assertThrows(SQLException.class, () -> st.executeUpdate("UPDATE log_entry SET jti = 'x' WHERE idx = 1"));
            assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM log_entry WHERE idx = 2"));
            assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM log_tree_node WHERE level = 0"));
            assertThrows(SQLException.class, () -> st.executeUpdate("DELETE FROM log_checkpoint"));
        }
    }

    @Test
    void changedByteIsReported() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 40);
        byte[] entry = store.entries(17, 18).get(17L);
        entry[entry.length / 2] ^= 0x01;
        try (Connection conn = db.dataSource().getConnection()) {
            disableAppendOnlyTriggers(conn);
            try (PreparedStatement ps = conn.prepareStatement("UPDATE log_entry SET entry = ? WHERE idx = 17")) {
                ps.setBytes(1, entry);
                assertEquals(1, ps.executeUpdate());
            }
        }
        AuditReport report = auditor().audit(store);
        assertTrue(report.has(Kind.ENTRY_NOT_INCLUDED, 17), () -> report.findings().toString());
        assertEquals(1, report.findings().size(), () -> report.findings().toString());
        assertEquals(39, report.entriesChecked());
    }

    @Test
    void deletedEntryIsReported() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 40);
        try (Connection conn = db.dataSource().getConnection()) {
            disableAppendOnlyTriggers(conn);
            try (Statement st = conn.createStatement()) {
                assertEquals(1, st.executeUpdate("DELETE FROM log_entry WHERE idx = 5"));
            }
        }
        AuditReport report = auditor().audit(store);
        assertTrue(report.has(Kind.ENTRY_MISSING, 5), () -> report.findings().toString());
        assertEquals(1, report.findings().size(), () -> report.findings().toString());
    }

    @Test
    void reorderedEntriesAreReported() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 40);
        SortedMap<Long, byte[]> entries = store.entries(0, 40);
        try (Connection conn = db.dataSource().getConnection()) {
            disableAppendOnlyTriggers(conn);
            try (PreparedStatement ps = conn.prepareStatement("UPDATE log_entry SET entry = ? WHERE idx = ?")) {
                ps.setBytes(1, entries.get(30L));
                ps.setLong(2, 8);
                ps.executeUpdate();
                ps.setBytes(1, entries.get(8L));
                ps.setLong(2, 30);
                ps.executeUpdate();
            }
        }
        AuditReport report = auditor().audit(store);
        assertTrue(report.has(Kind.ENTRY_REORDERED, 8), () -> report.findings().toString());
        assertTrue(report.has(Kind.ENTRY_REORDERED, 30), () -> report.findings().toString());
        assertEquals(2, report.findings().size(), () -> report.findings().toString());
    }

    @Test
    void truncatedLogIsReported() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 40);
        try (Connection conn = db.dataSource().getConnection()) {
            disableAppendOnlyTriggers(conn);
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("DELETE FROM log_entry WHERE idx >= 30");
                st.executeUpdate("UPDATE log_state SET tree_size = 30");
            }
        }
        AuditReport report = auditor().audit(store);
        assertTrue(report.has(Kind.LOG_TRUNCATED, 30), () -> report.findings().toString());
        assertTrue(report.findings().size() <= 12, "one truncation finding, capped proof findings");
    }

    @Test
    void truncationThatAlsoDropsCheckpointsIsARollbackForAnAuditorWhoSawThem() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = openStore(db);
        appendConcurrently(store, 0, 20);
        store.checkpoint(SIGNER, CLOCK);
        appendConcurrently(store, 20, 40);
        Checkpoint seen = Checkpoint.open(store.checkpoint(SIGNER, CLOCK), SIGNER.verifierKey(), ORIGIN);
        try (Connection conn = db.dataSource().getConnection()) {
            disableAppendOnlyTriggers(conn);
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("DELETE FROM log_entry WHERE idx >= 20");
                st.executeUpdate("DELETE FROM log_checkpoint WHERE tree_size > 20");
                st.executeUpdate("UPDATE log_state SET tree_size = 20");
            }
        }
        assertTrue(auditor().audit(store).clean(), "without history the cut log looks whole");
        AuditReport report = LogAuditor.builder().logKey(SIGNER.verifierKey()).origin(ORIGIN)
                .trustedCheckpoint(seen).skipReplay().build().audit(store);
        assertTrue(report.has(Kind.LOG_ROLLED_BACK, -1), () -> report.findings().toString());
    }

    @Test
    void checkpointForgedWithAnotherKeyIsReported() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 10);
        NoteSigner forger = NoteSigner.generate(ORIGIN, new SecureRandom());
        String forged = new Checkpoint(ORIGIN, 10, store.rootHash(10)).sign(forger);
        try (Connection conn = db.dataSource().getConnection()) {
            disableAppendOnlyTriggers(conn);
            try (PreparedStatement ps = conn.prepareStatement("UPDATE log_checkpoint SET note = ? WHERE tree_size = 10")) {
                ps.setString(1, forged);
                assertEquals(1, ps.executeUpdate());
            }
        }
        AuditReport report = auditor().audit(store);
        assertTrue(report.has(Kind.CHECKPOINT_SIGNATURE_INVALID, -1), () -> report.findings().toString());
        assertTrue(report.checkpoint().isEmpty());
    }

    @Test
    void replayOfACleanLogHasNoDivergenceAndAFlippedOutcomeIsOne() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 300);
        ReplayEngine faithful = (entry, collateral) -> {
            for (CollateralReference ref : entry.collateral()) {
                assertEquals(ref.sha256(), Sha256Digest.digest(collateral.bytes(ref)));
            }
            return FakeAppraisal.appraise(entry);
        };
        AuditReport clean = LogAuditor.builder().logKey(SIGNER.verifierKey()).origin(ORIGIN).firstAudit()
                .replay(faithful).build().audit(store);
        assertTrue(clean.clean(), () -> clean.findings().toString());
        assertEquals(300, clean.entriesReplayed());

        ReplayEngine drifted = (entry, collateral) -> entry.jti().equals("jti-7")
                ? new AppraisalOutcome(EarStatus.CONTRAINDICATED, ReasonCode.TCB_REVOKED, java.util.Map.of())
                : FakeAppraisal.appraise(entry);
        AuditReport report = LogAuditor.builder().logKey(SIGNER.verifierKey()).origin(ORIGIN).firstAudit()
                .replay(drifted).build().audit(store);
        long index = store.indexOfJti("jti-7").orElseThrow();
        assertTrue(report.has(Kind.REPLAY_DIVERGENCE, index), () -> report.findings().toString());
        assertEquals(1, report.findings().size());
    }

    @Test
    void missingCollateralIsReported() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = logWith(db, 10);
        byte[] blob = LogEntries.collateralBlob(2, "tcb_info");
        try (Connection conn = db.dataSource().getConnection()) {
            disableAppendOnlyTriggers(conn);
            try (PreparedStatement ps = conn.prepareStatement("UPDATE log_collateral SET content = ? WHERE sha256 = ?")) {
                ps.setBytes(1, "tampered".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ps.setBytes(2, Sha256Digest.digest(blob).bytes());
                assertEquals(1, ps.executeUpdate());
            }
        }
        AuditReport report = auditor().audit(store);
        long index = store.indexOfJti("jti-2").orElseThrow();
        assertTrue(report.has(Kind.COLLATERAL_DIGEST_MISMATCH, index), () -> report.findings().toString());
    }

    /**
     * A log that holds format 1 entries (an older release), format 2 entries with policy and
     * reference-set documents, and plain format 2 entries audits clean; a stored policy document
     * changed or deleted is reported for every entry that used it; a repeated document is stored once.
     */
    @Test
    void mixedFormatsAndPolicyDocumentsAudit() throws Exception {
        LogDatabase db = newDatabase();
        JdbcLogStore store = openStore(db);
        for (int n = 0; n < 12; n++) {
            switch (n % 3) {
                case 0 -> store.append(LogEntry.decode(LogEntries.version1Bytes(n)), LogEntries.blobsFor(n)).get(10, TimeUnit.SECONDS);
                case 1 -> store.append(LogEntries.withDocuments(n), LogEntries.blobsWithDocuments(n)).get(10, TimeUnit.SECONDS);
                default -> store.append(LogEntries.sample(n), LogEntries.blobsFor(n)).get(10, TimeUnit.SECONDS);
            }
        }
        // A policy document missing from the blobs is refused before anything is queued.
        assertThrows(IllegalArgumentException.class, () -> store.append(LogEntries.withDocuments(1), LogEntries.blobsFor(1)));
        store.checkpoint(SIGNER, CLOCK);
        assertEquals(List.of(), auditor().audit(store).findings());
        assertEquals(12, auditor().audit(store).entriesChecked());
        try (Connection conn = db.dataSource().getConnection();
             PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM log_collateral WHERE sha256 = ?")) {
            ps.setBytes(1, Sha256Digest.digest(LogEntries.referenceSetDocument()).bytes());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1), "four entries, one stored copy");
            }
        }

        // Entries 1, 7 record policyDocument(1), entries 4, 10 policyDocument(0).
        byte[] doc = LogEntries.policyDocument(1);
        byte[] doctored = doc.clone();
        doctored[doctored.length - 2] ^= 0x01;
        try (Connection conn = db.dataSource().getConnection();
             PreparedStatement ps = conn.prepareStatement("UPDATE log_collateral SET content = ? WHERE sha256 = ?")) {
            ps.setBytes(1, doctored);
            ps.setBytes(2, Sha256Digest.digest(doc).bytes());
            assertEquals(1, ps.executeUpdate());
        }
        AuditReport changed = auditor().audit(store);
        assertEquals(List.of("COLLATERAL_DIGEST_MISMATCH@1", "COLLATERAL_DIGEST_MISMATCH@7"),
                changed.findings().stream().map(f -> f.kind() + "@" + f.index()).toList());
        assertTrue(changed.findings().get(0).detail().startsWith("policy "), changed.findings().toString());

        try (Connection conn = db.dataSource().getConnection();
             PreparedStatement ps = conn.prepareStatement("DELETE FROM log_collateral WHERE sha256 = ?")) {
            ps.setBytes(1, Sha256Digest.digest(LogEntries.referenceSetDocument()).bytes());
            assertEquals(1, ps.executeUpdate());
        }
        AuditReport deleted = auditor().audit(store);
        assertEquals(4, deleted.findings().stream().filter(f -> f.kind() == Kind.COLLATERAL_MISSING
                && f.detail().startsWith("reference_set/fleet_values ")).count(), deleted.findings().toString());
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void run(Body body) {
        try {
            body.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void checkpointerLeaseHasOneHolderAtATimeUntilItExpires() throws Exception {
        LogDatabase db = newDatabase();
        MovableClock clock = new MovableClock();
        LogLease a = new LogLease(db, "checkpointer", "replica-a", java.time.Duration.ofSeconds(30), clock);
        LogLease b = new LogLease(db, "checkpointer", "replica-b", java.time.Duration.ofSeconds(30), clock);
        assertTrue(a.tryAcquire());
        assertFalse(b.tryAcquire());
        clock.now = clock.now.plusSeconds(20);
        assertTrue(a.tryAcquire(), "the holder renews");
        clock.now = clock.now.plusSeconds(20);
        assertFalse(b.tryAcquire(), "renewed 20 s ago for 30 s");
        clock.now = clock.now.plusSeconds(11);
        assertTrue(b.tryAcquire(), "expired: another replica takes over");
        assertFalse(a.tryAcquire());
    }
}

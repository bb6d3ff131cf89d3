package org.openanolis.attestation.verifier.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The verification log in a SQL database (SQLite or PostgreSQL; tables from the V100 migration).
 *
 * <p><b>Appends are group-committed.</b> {@link #append} encodes the entry on the caller's thread and
 * queues it; one writer thread drains the queue into a single transaction that takes the
 * {@code log_state} lock, assigns dense indexes from the committed tree size, inserts entries,
 * collateral (once per digest) and the complete Merkle nodes the batch finishes, and commits.
 * Each caller's future completes with its index only after that commit, so a token is never
 * issued for an uncommitted entry. Because the index comes from the database under a lock,
 * several processes (verifier replicas) can append to one PostgreSQL log: each writer reloads
 * the tree's right edge when another process moved the size.
 *
 * <p><b>Reads</b> (the {@link LogSource} side) open their own connections. Proofs read O(log n)
 * stored nodes in one query; nothing is O(n) per proof.
 */
public final class JdbcLogStore implements LogSource, AutoCloseable {
    /** Largest number of entries committed in one transaction. */
    public static final int DEFAULT_MAX_BATCH = 2048;
    /** Largest range {@link #entries} returns in one call. */
    public static final int MAX_ENTRIES_PER_READ = 10_000;

    private final LogDatabase db;
    private final String origin;
    private final int maxBatch;
    private final BlockingQueue<PendingAppend> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    /** Collateral digests this process has committed; spares re-sending blobs. Writer thread only. */
    private final Map<Sha256Digest, Boolean> knownCollateral = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Sha256Digest, Boolean> eldest) {
            if (size() > 4096) {
                committedCollateral.remove(eldest.getKey());
                return true;
            }
            return false;
        }
    };
    /**
     * The same digests for the appending threads (written by the writer only), so that
     * {@link #append} does not copy blobs that are committed already. Collateral rows are never
     * deleted, so a digest seen here stays stored even if it leaves this set.
     */
    private final Map<Sha256Digest, Boolean> committedCollateral = new java.util.concurrent.ConcurrentHashMap<>();
    /** The right edge of the tree as this writer last committed it; reloaded when the size moved. */
    private CompactRange edge;
    /** Idle reader connections (opening one costs a TCP handshake on PostgreSQL). */
    private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idleReaders =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_IDLE_READERS = 4;
    /**
     * SQLite only: copies the WAL back into the database file on a thread of its own. SQLite's
     * automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, so the group
     * commit that triggered it (and every request queued behind it) waited for the copy and the
     * database file's fsync: at 1,500 entries/s that was several times a second. Commits are as
     * durable as before (each one still fsyncs the WAL); only the copy moved.
     */
    private final Thread checkpointer;
    /** Checkpointer period while entries are being committed. */
    private static final long CHECKPOINT_INTERVAL_MS = 200;
    /** Commits after which the writer checkpoints itself if the checkpointer has not (it keeps failing). */
    private static final long CHECKPOINT_FALLBACK_COMMITS = 5_000;
    /** Group commits so far, and as of the last completed background checkpoint. */
    private volatile long commits;
    private volatile long checkpointedCommits;

    private JdbcLogStore(LogDatabase db, String origin, int maxBatch) {
        this.db = db;
        this.origin = origin;
        this.maxBatch = maxBatch;
        this.writer = new Thread(this::runWriter, "verification-log-writer");
        this.writer.setDaemon(true);
        if (db.dialect() == SqlDialect.SQLITE) {
            this.checkpointer = new Thread(this::runCheckpointer, "log-checkpointer");
            this.checkpointer.setDaemon(true);
        } else {
            this.checkpointer = null;
        }
    }

    /**
     * Opens the log in an already migrated database and starts its writer thread.
     *
     * @param origin the checkpoint origin line, e.g. {@code verifier.example.com/log}
     */
    public static JdbcLogStore open(LogDatabase db, String origin) {
        return open(db, origin, DEFAULT_MAX_BATCH);
    }

    /** As {@link #open(LogDatabase, String)} with a batch size limit (tests, benchmarks). */
    public static JdbcLogStore open(LogDatabase db, String origin, int maxBatch) {
        Objects.requireNonNull(db, "db");
        if (origin == null || origin.isEmpty() || origin.contains("\n")) {
            throw new IllegalArgumentException("origin must be one non-empty line");
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive");
        }
        JdbcLogStore store = new JdbcLogStore(db, origin, maxBatch);
        store.writer.start();
        if (store.checkpointer != null) {
            store.checkpointer.start();
        }
        return store;
    }

    /** The checkpoint origin line of this log. */
    public String origin() {
        return origin;
    }

    /**
     * Queues {@code entry} for the next group commit.
     *
     * @param collateral the bytes of every blob the entry references ({@link LogEntry#blobs()}:
     *     collateral and recorded policy and reference-set documents, each stored once per
     *     digest); every reference must be covered and no extra blob given
     * @return a future completing with the entry's index after commit, or exceptionally with a
     *     {@link LogStorageException}
     */
    public CompletableFuture<Long> append(LogEntry entry, Collection<byte[]> collateral) {
        Map<Sha256Digest, byte[]> blobs = new HashMap<>();
        for (byte[] blob : collateral) {
            blobs.put(Sha256Digest.digest(blob), blob);
        }
        return append(entry, blobs);
    }

    /**
     * Queues {@code entry} for the next group commit, with its collateral keyed by digest (the
     * service's collateral cache has the digests already). Only blobs this store has not yet
     * committed are hashed, on the writer thread, and a blob that does not match its digest fails
     * this append alone.
     *
     * @param collateral digest → bytes for every blob the entry references ({@link LogEntry#blobs()}), and no other
     */
    public CompletableFuture<Long> append(LogEntry entry, Map<Sha256Digest, byte[]> collateral) {
        Set<Sha256Digest> referenced = new LinkedHashSet<>();
        for (CollateralReference ref : entry.blobs()) {
            referenced.add(ref.sha256());
        }
        if (!referenced.equals(collateral.keySet())) {
            throw new IllegalArgumentException("the blobs must be exactly those the entry references"
                    + " (its collateral and recorded policy and reference-set documents)");
        }
        // Blobs this store has already committed are not copied (nor stored again): null stands
        // for "committed before". The others are copied, as the caller may reuse its arrays.
        Map<Sha256Digest, byte[]> copies = new HashMap<>();
        collateral.forEach((d, b) -> copies.put(d, committedCollateral.containsKey(d) ? null : b.clone()));
        return enqueue(new PendingAppend(entry.encode(), entry.jti(), copies, new CompletableFuture<>()));
    }

    /**
     * Queues {@code p} without a lock (request workers call this concurrently). An append that
     * races with {@link #close} either reaches the writer before it stops, or is taken back here
     * and failed: none is left waiting.
     */
    private CompletableFuture<Long> enqueue(PendingAppend p) {
        if (closed) {
            p.future.completeExceptionally(new LogStorageException("the log store is closed"));
            return p.future;
        }
        queue.add(p);
        if (closed && queue.remove(p)) {
            p.future.completeExceptionally(new LogStorageException("the log store is closed"));
        }
        return p.future;
    }

    /** The {@code jti} column of a release receipt for token {@code tokenJti} (apart from its attestation entry's). */
    public static String receiptJtiKey(String tokenJti) {
        return "receipt:" + tokenJti;
    }

    /**
     * Queues a release receipt record for the next group commit, on the same path as entries
     * (same transaction, same dense indexes, same Merkle leaves). Its {@code jti} column is
     * {@link #receiptJtiKey(String)}, so {@link #indexOfJti} finds the attestation entry and the
     * receipt separately.
     *
     * @return a future completing with the record's index after commit, or exceptionally with a
     *     {@link LogStorageException}
     */
    public CompletableFuture<Long> appendReceipt(ReleaseReceiptRecord receipt) {
        PendingAppend p = new PendingAppend(receipt.encode(), receiptJtiKey(receipt.tokenJti()), Map.of(),
                new CompletableFuture<>());
        return enqueue(p);
    }

    private record PendingAppend(byte[] bytes, String jti, Map<Sha256Digest, byte[]> blobs,
                                 CompletableFuture<Long> future) {}

    private static final PendingAppend STOP = new PendingAppend(new byte[0], "", Map.of(), new CompletableFuture<>());

    private void runWriter() {
        Connection conn = null;
        List<PendingAppend> batch = new ArrayList<>(maxBatch);
        boolean stopping = false;
        while (!stopping) {
            try {
                PendingAppend first = queue.take();
                batch.clear();
                if (first == STOP) {
                    stopping = true;
                    queue.drainTo(batch);
                } else {
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                }
                batch.removeIf(p -> p == STOP || !collateralMatchesDigests(p));
                if (batch.isEmpty()) {
                    continue;
                }
                if (conn == null) {
                    conn = db.dataSource().getConnection();
                    autoCheckpoint = checkpointer == null; // PostgreSQL: nothing to do
                    if (checkpointer != null) {
                        setAutoCheckpoint(conn, false);
                    }
                    conn.setAutoCommit(false);
                }
                commit(conn, batch);
                commits++; // the writer thread is the only one that writes it
                if (!autoCheckpoint && commits - checkpointedCommits > CHECKPOINT_FALLBACK_COMMITS) {
                    // The checkpointer keeps failing: let SQLite checkpoint in the commits again.
                    autoCheckpoint = true;
                    setAutoCheckpoint(conn, true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
                failAll(batch, new LogStorageException("log writer interrupted"));
            } catch (SQLException | RuntimeException e) {
                edge = null;
                if (conn != null) {
                    try {
                        conn.rollback();
                    } catch (SQLException ignored) {
                        // The connection is replaced below.
                    }
                    closeQuietly(conn);
                    conn = null;
                }
                failAll(batch, new LogStorageException("group commit of " + batch.size() + " entries failed", e));
            }
        }
        closeQuietly(conn);
        List<PendingAppend> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.removeIf(p -> p == STOP);
        failAll(rest, new LogStorageException("the log store is closed"));
    }

    /** Runs passive WAL checkpoints while commits happen (SQLite); ends when the store closes. */
    private void runCheckpointer() {
        Connection conn = null;
        long seen = 0;
        while (!closed) {
            try {
                Thread.sleep(CHECKPOINT_INTERVAL_MS);
            } catch (InterruptedException e) {
                break;
            }
            long now = commits;
            if (now == seen) {
                continue;
            }
            try {
                if (conn == null) {
                    conn = db.dataSource().getConnection();
                }
                checkpoint(conn);
                seen = now;
                checkpointedCommits = now;
            } catch (SQLException e) {
                closeQuietly(conn); // retried next period; the writer falls back after many commits
                conn = null;
            }
        }
        closeQuietly(conn);
    }

    /** Writer thread only: whether SQLite checkpoints inside the writer's commits (not while the checkpointer works). */
    private boolean autoCheckpoint;

    private static void setAutoCheckpoint(Connection conn, boolean on) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(on ? "PRAGMA wal_autocheckpoint=1000" : "PRAGMA wal_autocheckpoint=0");
        }
    }

    /** A passive checkpoint: copies what it can without waiting for readers or the writer. */
    private static void checkpoint(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
    }

    /** Hashes the blobs not yet known to be stored; fails the append if one does not match. */
    private boolean collateralMatchesDigests(PendingAppend p) {
        if (p == STOP) {
            return true;
        }
        for (Map.Entry<Sha256Digest, byte[]> b : p.blobs.entrySet()) {
            if (b.getValue() != null && !knownCollateral.containsKey(b.getKey())
                    && !Sha256Digest.digest(b.getValue()).equals(b.getKey())) {
                p.future.completeExceptionally(new LogStorageException("collateral given for " + b.getKey()
                        + " does not hash to it"));
                return false;
            }
        }
        return true;
    }

    private void commit(Connection conn, List<PendingAppend> batch) throws SQLException {
        long size;
        try (Statement st = conn.createStatement()) {
            // The first statement writes: it takes SQLite's write lock or PostgreSQL's row lock.
            st.executeUpdate("UPDATE log_state SET tree_size = tree_size WHERE id = 1");
            try (ResultSet rs = st.executeQuery("SELECT tree_size FROM log_state WHERE id = 1")) {
                if (!rs.next()) {
                    throw new SQLException("log_state has no row: the V100 migration did not run");
                }
                size = rs.getLong(1);
            }
        }
        CompactRange range = (edge != null && edge.size() == size) ? edge.copy() : loadEdge(conn, size);
        List<CompactRange.Node> nodes = new ArrayList<>(batch.size() * 2 + 64);
        Map<Sha256Digest, byte[]> newBlobs = new LinkedHashMap<>();
        try (PreparedStatement ins = conn.prepareStatement("INSERT INTO log_entry (idx, jti, entry) VALUES (?, ?, ?)")) {
            long idx = size;
            for (PendingAppend p : batch) {
                ins.setLong(1, idx);
                ins.setString(2, p.jti);
                ins.setBytes(3, p.bytes);
                ins.addBatch();
                nodes.addAll(range.append(MerkleTree.leafHash(p.bytes)));
                for (Map.Entry<Sha256Digest, byte[]> b : p.blobs.entrySet()) {
                    // null: committed by this store before the append (see append)
                    if (b.getValue() != null && !knownCollateral.containsKey(b.getKey())) {
                        newBlobs.putIfAbsent(b.getKey(), b.getValue());
                    }
                }
                idx++;
            }
            ins.executeBatch();
        }
        if (!newBlobs.isEmpty()) {
            try (PreparedStatement ins = conn.prepareStatement(
                    "INSERT INTO log_collateral (sha256, content) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING")) {
                for (Map.Entry<Sha256Digest, byte[]> b : newBlobs.entrySet()) {
                    ins.setBytes(1, b.getKey().bytes());
                    ins.setBytes(2, b.getValue());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        }
        try (PreparedStatement ins = conn.prepareStatement("INSERT INTO log_tree_node (level, idx, hash) VALUES (?, ?, ?)")) {
            for (CompactRange.Node n : nodes) {
                ins.setInt(1, n.level());
                ins.setLong(2, n.index());
                ins.setBytes(3, n.hash().bytes());
                ins.addBatch();
            }
            ins.executeBatch();
        }
        try (PreparedStatement up = conn.prepareStatement("UPDATE log_state SET tree_size = ? WHERE id = 1")) {
            up.setLong(1, size + batch.size());
            up.executeUpdate();
        }
        conn.commit();
        edge = range;
        for (Sha256Digest d : newBlobs.keySet()) {
            knownCollateral.put(d, Boolean.TRUE);
            committedCollateral.put(d, Boolean.TRUE);
        }
        long idx = size;
        for (PendingAppend p : batch) {
            p.future.complete(idx++);
        }
    }

    private static CompactRange loadEdge(Connection conn, long size) throws SQLException {
        List<CompactRange.NodeId> ids = CompactRange.edgeNodes(size);
        Map<CompactRange.NodeId, Sha256Digest> found = readNodes(conn, ids);
        return CompactRange.load((level, index) -> requireNode(found, level, index), size);
    }

    private static Sha256Digest requireNode(Map<CompactRange.NodeId, Sha256Digest> nodes, int level, long index) {
        Sha256Digest d = nodes.get(new CompactRange.NodeId(level, index));
        if (d == null) {
            throw new IllegalStateException("tree node (" + level + ", " + index + ") is missing from log_tree_node");
        }
        return d;
    }

    private static Map<CompactRange.NodeId, Sha256Digest> readNodes(Connection conn, Collection<CompactRange.NodeId> ids)
            throws SQLException {
        Map<CompactRange.NodeId, Sha256Digest> out = new HashMap<>();
        List<CompactRange.NodeId> list = new ArrayList<>(new LinkedHashSet<>(ids));
        for (int from = 0; from < list.size(); from += 200) {
            List<CompactRange.NodeId> chunk = list.subList(from, Math.min(list.size(), from + 200));
            StringBuilder sql = new StringBuilder("SELECT level, idx, hash FROM log_tree_node WHERE (level, idx) IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
            }
            sql.append(')');
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                int k = 1;
                for (CompactRange.NodeId id : chunk) {
                    ps.setInt(k++, id.level());
                    ps.setLong(k++, id.index());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(new CompactRange.NodeId(rs.getInt(1), rs.getLong(2)), Sha256Digest.of(rs.getBytes(3)));
                    }
                }
            }
        }
        return out;
    }

    /** Runs a proof computation twice: once to learn which nodes it reads, then over those nodes read in one query. */
    private <T> T withNodes(Connection conn, java.util.function.Function<TreeNodes, T> computation) throws SQLException {
        Sha256Digest placeholder = MerkleTree.emptyRoot();
        List<CompactRange.NodeId> wanted = new ArrayList<>();
        computation.apply((level, index) -> {
            wanted.add(new CompactRange.NodeId(level, index));
            return placeholder;
        });
        Map<CompactRange.NodeId, Sha256Digest> nodes = readNodes(conn, wanted);
        return computation.apply((level, index) -> requireNode(nodes, level, index));
    }

    /** The committed tree size. */
    public long treeSize() throws LogStorageException {
        try (Reader reader = reader()) {
            Connection conn = reader.conn();
            return treeSize(conn);
        } catch (SQLException e) {
            throw new LogStorageException("reading the tree size failed", e);
        }
    }

    private static long treeSize(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT tree_size FROM log_state WHERE id = 1")) {
            if (!rs.next()) {
                throw new SQLException("log_state has no row");
            }
            return rs.getLong(1);
        }
    }

    /** The RFC 9162 tree head of the first {@code size} entries. */
    public Sha256Digest rootHash(long size) throws LogStorageException {
        try (Reader reader = reader()) {
            Connection conn = reader.conn();
            return withNodes(conn, nodes -> MerkleTree.rootHash(nodes, size));
        } catch (SQLException | IllegalStateException e) {
            throw new LogStorageException("computing the tree head of size " + size + " failed", e);
        }
    }

    /**
     * Signs a checkpoint of the current committed tree with {@code signer}, stores it, and returns
     * the signed note. Idempotent per size (Ed25519 signatures are deterministic).
     */
    public String checkpoint(NoteSigner signer, Clock clock) throws LogStorageException {
        try (Reader reader = reader()) {
            Connection conn = reader.conn();
            long size = treeSize(conn);
            Sha256Digest root = withNodes(conn, nodes -> MerkleTree.rootHash(nodes, size));
            String note = new Checkpoint(origin, size, root).sign(signer);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO log_checkpoint (tree_size, root_hash, note, "
                    + "created_at) VALUES (?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING")) {
                ps.setLong(1, size);
                ps.setBytes(2, root.bytes());
                ps.setString(3, note);
                ps.setString(4, clock.instant().toString());
                ps.executeUpdate();
            }
            return note;
        } catch (SQLException | IllegalStateException e) {
            throw new LogStorageException("signing a checkpoint failed", e);
        }
    }

    @Override
    public Optional<String> latestCheckpointNote() throws LogStorageException {
        try (Reader reader = reader();
             Statement st = reader.conn().createStatement();
             ResultSet rs = st.executeQuery("SELECT note FROM log_checkpoint ORDER BY tree_size DESC LIMIT 1")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new LogStorageException("reading the latest checkpoint failed", e);
        }
    }

    @Override
    public long firstIndex() {
        return 0;
    }

    @Override
    public boolean wholeLog() {
        return true;
    }

    @Override
    public long endIndex() throws LogStorageException {
        return treeSize();
    }

    @Override
    public SortedMap<Long, byte[]> entries(long from, long to) throws LogStorageException {
        if (from < 0 || to < from || to - from > MAX_ENTRIES_PER_READ) {
            throw new IllegalArgumentException("entry range [" + from + ", " + to + ") is invalid or longer than "
                    + MAX_ENTRIES_PER_READ);
        }
        SortedMap<Long, byte[]> out = new TreeMap<>();
        try (Reader reader = reader();
             PreparedStatement ps = reader.conn().prepareStatement(
                     "SELECT idx, entry FROM log_entry WHERE idx >= ? AND idx < ? ORDER BY idx")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getBytes(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new LogStorageException("reading entries [" + from + ", " + to + ") failed", e);
        }
    }

    /** The index of the entry recorded for token {@code jti}, if any. */
    public Optional<Long> indexOfJti(String jti) throws LogStorageException {
        try (Reader reader = reader();
             PreparedStatement ps = reader.conn().prepareStatement("SELECT idx FROM log_entry WHERE jti = ? ORDER BY idx LIMIT 1")) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LogStorageException("looking up jti failed", e);
        }
    }

    @Override
    public Optional<byte[]> collateral(Sha256Digest digest) throws LogStorageException {
        try (Reader reader = reader();
             PreparedStatement ps = reader.conn().prepareStatement("SELECT content FROM log_collateral WHERE sha256 = ?")) {
            ps.setBytes(1, digest.bytes());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LogStorageException("reading collateral " + digest + " failed", e);
        }
    }

    @Override
    public List<Sha256Digest> inclusionProof(long index, long treeSize) throws LogStorageException {
        try (Reader reader = reader()) {
            Connection conn = reader.conn();
            requireSize(conn, treeSize);
            return withNodes(conn, nodes -> MerkleTree.inclusionProof(nodes, index, treeSize));
        } catch (SQLException | IllegalStateException e) {
            throw new LogStorageException("inclusion proof of " + index + " in " + treeSize + " failed", e);
        }
    }

    @Override
    public List<Sha256Digest> consistencyProof(long size1, long size2) throws LogStorageException {
        try (Reader reader = reader()) {
            Connection conn = reader.conn();
            requireSize(conn, size2);
            return withNodes(conn, nodes -> MerkleTree.consistencyProof(nodes, size1, size2));
        } catch (SQLException | IllegalStateException e) {
            throw new LogStorageException("consistency proof " + size1 + " -> " + size2 + " failed", e);
        }
    }

    private static void requireSize(Connection conn, long size) throws SQLException, LogStorageException {
        long committed = treeSize(conn);
        if (size > committed) {
            throw new LogStorageException("tree size " + size + " is beyond the committed size " + committed);
        }
    }

    /** A pooled reader connection; returned to the pool on close if still valid. */
    private final class Reader implements AutoCloseable {
        private final Connection conn;

        Reader(Connection conn) {
            this.conn = conn;
        }

        Connection conn() {
            return conn;
        }

        @Override
        public void close() {
            boolean keep;
            try {
                keep = !closed && idleReaders.size() < MAX_IDLE_READERS && conn.isValid(2);
            } catch (SQLException e) {
                keep = false;
            }
            if (keep) {
                idleReaders.push(conn);
            } else {
                closeQuietly(conn);
            }
        }
    }

    private Reader reader() throws SQLException {
        Connection conn = idleReaders.poll();
        return new Reader(conn != null ? conn : db.dataSource().getConnection());
    }

    /** Stops accepting appends, commits what is queued, and stops the writer. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
        if (checkpointer != null) {
            checkpointer.interrupt();
            try {
                checkpointer.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Connection conn;
        while ((conn = idleReaders.poll()) != null) {
            closeQuietly(conn);
        }
    }

    private static void failAll(List<PendingAppend> batch, LogStorageException e) {
        for (PendingAppend p : batch) {
            p.future.completeExceptionally(e);
        }
    }

    private static void closeQuietly(Connection conn) {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // Nothing left to do with a connection that will not close.
            }
        }
    }

}

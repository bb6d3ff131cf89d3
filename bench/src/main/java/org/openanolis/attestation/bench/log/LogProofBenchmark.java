package org.openanolis.attestation.bench.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openanolis.attestation.verifier.log.CompactRange;
import org.openanolis.attestation.verifier.log.JdbcLogStore;
import org.openanolis.attestation.verifier.log.LogDatabase;
import org.openanolis.attestation.verifier.log.LogStorageException;
import org.openanolis.attestation.verifier.log.MerkleTree;
import org.openanolis.attestation.verifier.log.Sha256Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Proof serving from the SQLite store at log sizes in the millions: inclusion and consistency
 * proofs read O(log n) stored nodes in one query, so their cost barely moves with the size.
 * The setup writes the tree nodes of {@code leaves} synthetic leaves straight into
 * {@code log_tree_node} (the entries themselves are not needed to serve proofs).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar LogProofBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LogProofBenchmark {
    @Param({"1000000"})
    public long leaves;

    private Path dir;
    private JdbcLogStore store;
    private final Random random = new Random(3);

    @Setup
    public void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("log-proof-bench");
        LogDatabase db = LogDatabase.sqlite(dir.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        CompactRange range = CompactRange.empty();
        try (Connection conn = db.dataSource().getConnection()) {
            conn.setAutoCommit(false);
            try (PreparedStatement ins = conn.prepareStatement("INSERT INTO log_tree_node (level, idx, hash) VALUES (?, ?, ?)")) {
                ByteBuffer leaf = ByteBuffer.allocate(8);
                for (long i = 0; i < leaves; i++) {
                    leaf.clear();
                    leaf.putLong(i);
                    for (CompactRange.Node n : range.append(MerkleTree.leafHash(leaf.array()))) {
                        ins.setInt(1, n.level());
                        ins.setLong(2, n.index());
                        ins.setBytes(3, n.hash().bytes());
                        ins.addBatch();
                    }
                    if (i % 10_000 == 0) {
                        ins.executeBatch();
                    }
                }
                ins.executeBatch();
            }
            try (PreparedStatement up = conn.prepareStatement("UPDATE log_state SET tree_size = ? WHERE id = 1")) {
                up.setLong(1, leaves);
                up.executeUpdate();
            }
            conn.commit();
        }
        store = JdbcLogStore.open(db, "bench.example/log");
    }

    @TearDown
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public List<Sha256Digest> inclusionProof() throws LogStorageException {
        return store.inclusionProof(Math.floorMod(random.nextLong(), leaves), leaves);
    }

    @Benchmark
    public List<Sha256Digest> consistencyProof() throws LogStorageException {
        return store.consistencyProof(1 + Math.floorMod(random.nextLong(), leaves - 1), leaves);
    }

    @Benchmark
    public Sha256Digest treeHead() throws LogStorageException {
        return store.rootHash(leaves);
    }
}

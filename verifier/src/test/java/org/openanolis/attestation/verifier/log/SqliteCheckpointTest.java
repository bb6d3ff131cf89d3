package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SQLite the writer's commits no longer checkpoint the WAL themselves; a background thread
 * does. Without it the database file would keep its size until the store closes (the writer's
 * connection has {@code wal_autocheckpoint=0}); with it, the entries reach the database file
 * while the store is open, and nothing is lost.
 */
class SqliteCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void walIsCheckpointedInTheBackgroundWhileTheStoreIsOpen() throws Exception {
        Path file = dir.resolve("log.db");
        LogDatabase db = LogDatabase.sqlite(file, LogDatabase.SqliteDurability.FULL);
        db.migrate();
        long before = Files.size(file);
        try (JdbcLogStore store = JdbcLogStore.open(db, "test.example/log")) {
            List<CompletableFuture<Long>> appended = new ArrayList<>();
            // About 8 MB of entries: far beyond SQLite's 1,000-page automatic checkpoint.
            for (int i = 0; i < 400; i++) {
                LogEntry.Builder b = LogEntry.builder()
                        .addEvidence(new EvidenceItem("cpu", "tdx", "quote", new byte[20_000 + i]))
                        .policy(new PolicyReference("default", 1, Sha256Digest.digest(new byte[] {1})))
                        .verifierVersion("0.1.0").instant(Instant.parse("2026-01-01T00:00:00Z"))
                        .outcome(new AppraisalOutcome(EarStatus.AFFIRMING, null, Map.of()))
                        .jti("jti-" + i).nonce(new byte[65]);
                appended.add(store.append(b.build(), Map.of()));
            }
            for (int i = 0; i < appended.size(); i++) {
                assertEquals(i, appended.get(i).get());
            }
            // The checkpointer runs every 200 ms while commits happen; allow a slow, shared machine.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Files.size(file) < before + 4_000_000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.size(file) >= before + 4_000_000,
                    "database file still " + Files.size(file) + " bytes: the WAL was not checkpointed");
            assertEquals(400, store.treeSize());
        }
        // Reopened: every entry is there.
        try (JdbcLogStore again = JdbcLogStore.open(LogDatabase.sqlite(file, LogDatabase.SqliteDurability.FULL),
                "test.example/log")) {
            assertEquals(400, again.treeSize());
            assertEquals(20_399, LogEntry.decode(again.entries(399, 400).get(399L)).evidence().get(0).bytes().length);
        }
    }
}

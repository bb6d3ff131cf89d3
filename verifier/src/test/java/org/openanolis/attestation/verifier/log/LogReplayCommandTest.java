package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline replay command over an export, and periodic checkpoints. */
class LogReplayCommandTest {
    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {}

    private static Run run(Optional<ReplayEngine> engine, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LogReplayCommand.run(List.of(args), engine,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void replaysAnExportAndFailsOnDivergence() throws Exception {
        LogDatabase db = LogDatabase.sqlite(tmp.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        Path export = tmp.resolve("export");
        Path since = tmp.resolve("trusted.note");
        try (JdbcLogStore store = JdbcLogStore.open(db, LogStoreContract.ORIGIN)) {
            LogStoreContract.appendConcurrently(store, 0, 12);
            Files.writeString(since, store.checkpoint(LogStoreContract.SIGNER, LogStoreContract.CLOCK));
            LogStoreContract.appendConcurrently(store, 12, 25);
            store.checkpoint(LogStoreContract.SIGNER, LogStoreContract.CLOCK);
            LogExport.write(store, 0, 25, List.of(12L), false, export);
        }
        Path key = tmp.resolve("log.vkey");
        Files.writeString(key, LogStoreContract.SIGNER.verifierKey().toString() + "\n");

        ReplayEngine faithful = (entry, collateral) -> FakeAppraisal.appraise(entry);
        Run clean = run(Optional.of(faithful), "--export", export.toString(), "--log-key", key.toString(),
                "--origin", LogStoreContract.ORIGIN, "--since-checkpoint", since.toString(), "--json");
        assertEquals(0, clean.status(), clean.err());
        JsonNode json = new ObjectMapper().readTree(clean.out());
        assertTrue(json.get("clean").asBoolean());
        assertEquals(25, json.get("entries_replayed").asInt());

        ReplayEngine stricter = (entry, collateral) -> new AppraisalOutcome(EarStatus.CONTRAINDICATED,
                org.openanolis.attestation.errors.ReasonCode.POLICY_DENIED, entry.outcome().explanation());
        Run diverged = run(Optional.of(stricter), "--export", export.toString(), "--log-key", key.toString(),
                "--origin", LogStoreContract.ORIGIN, "--json");
        assertEquals(1, diverged.status());
        JsonNode findings = new ObjectMapper().readTree(diverged.out()).get("findings");
        assertEquals(20, findings.size(), "the 20 affirmed entries of 25 diverge");
        assertEquals("REPLAY_DIVERGENCE", findings.get(0).get("kind").asText());

        Run proofsOnly = run(Optional.empty(), "--export", export.toString(), "--log-key", key.toString(),
                "--origin", LogStoreContract.ORIGIN);
        assertEquals(0, proofsOnly.status(), proofsOnly.err());
        assertTrue(proofsOnly.out().contains("entries checked: 25"));

        assertEquals(2, run(Optional.empty(), "--export", export.toString()).status());
        assertEquals(2, run(Optional.empty(), "--export").status());
        assertEquals(2, run(Optional.empty(), "--bogus").status());
    }

    @Test
    void progressBarFillsUp() {
        assertEquals("[" + "#".repeat(20) + " ".repeat(20) + "] 50/100", LogReplayCommand.bar(50, 100));
    }

    @Test
    void periodicCheckpointerSignsWhenTheTreeGrows() throws Exception {
        LogDatabase db = LogDatabase.sqlite(tmp.resolve("periodic.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        try (JdbcLogStore store = JdbcLogStore.open(db, LogStoreContract.ORIGIN);
             PeriodicCheckpointer checkpointer = PeriodicCheckpointer.start(store, LogStoreContract.SIGNER,
                     LogStoreContract.CLOCK, Duration.ofMillis(20), e -> { })) {
            LogStoreContract.appendConcurrently(store, 0, 7);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long size = -1;
            while (size != 7 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                Optional<String> note = store.latestCheckpointNote();
                if (note.isPresent()) {
                    size = Checkpoint.open(note.get(), LogStoreContract.SIGNER.verifierKey(), LogStoreContract.ORIGIN).size();
                }
            }
            assertEquals(7, size);
            LogStoreContract.appendConcurrently(store, 7, 9);
            String now = checkpointer.checkpointNow();
            assertEquals(9, Checkpoint.open(now, LogStoreContract.SIGNER.verifierKey(), LogStoreContract.ORIGIN).size());
        }
    }
}

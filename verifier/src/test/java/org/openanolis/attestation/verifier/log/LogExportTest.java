package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.log.AuditFinding.Kind;

/** Export of a log range to a directory, its offline audit and replay, and tampering with the export. */
class LogExportTest {
    @TempDir
    Path tmp;
    private JdbcLogStore store;
    private LogDatabase db;
    private Checkpoint first;

    @BeforeEach
    void buildLog() throws Exception {
        db = LogDatabase.sqlite(tmp.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        store = JdbcLogStore.open(db, LogStoreContract.ORIGIN, 16);
        LogStoreContract.appendConcurrently(store, 0, 10);
        first = Checkpoint.open(store.checkpoint(LogStoreContract.SIGNER, LogStoreContract.CLOCK),
                LogStoreContract.SIGNER.verifierKey(), LogStoreContract.ORIGIN);
        LogStoreContract.appendConcurrently(store, 10, 30);
        store.checkpoint(LogStoreContract.SIGNER, LogStoreContract.CLOCK);
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        store.close();
    }

    private static LogAuditor.Builder auditor() {
        return LogAuditor.builder().logKey(LogStoreContract.SIGNER.verifierKey()).origin(LogStoreContract.ORIGIN);
    }

    @Test
    void exportedRangeAuditsAndReplaysOffline() throws Exception {
        Path dir = tmp.resolve("export");
        LogExport.Summary summary = LogExport.write(store, 5, 25, List.of(10L), true, dir);
        assertEquals(30, summary.checkpoint().size());
        store.close();
        ExportedLog exported = ExportedLog.open(dir);
        AuditReport report = auditor().trustedCheckpoint(first)
                .replay((entry, collateral) -> FakeAppraisal.appraise(entry)).build().audit(exported);
        assertTrue(report.clean(), () -> report.findings().toString());
        assertEquals(20, report.entriesChecked());
        assertEquals(20, report.entriesReplayed());
    }

    @Test
    void wholeLogExportUsesTheRecomputedTreeHead() throws Exception {
        Path dir = tmp.resolve("export");
        LogExport.write(store, 0, 30, List.of(), false, dir);
        AuditReport report = auditor().firstAudit().skipReplay().build().audit(ExportedLog.open(dir));
        assertTrue(report.clean(), () -> report.findings().toString());
        assertEquals(30, report.entriesChecked());
    }

    @Test
    void entryExportsAsAnAttestationBundle() throws Exception {
        Path dir = tmp.resolve("export");
        long idx = store.indexOfJti("jti-5").orElseThrow();
        LogExport.write(store, idx, idx + 1, List.of(), true, dir);
        LogEntry entry = LogEntry.decode(store.entries(idx, idx + 1).get(idx));
        AttestationBundle cpu = AttestationBundle.read(dir.resolve("bundles/" + idx + "/cpu"));
        AttestationBundle gpu = AttestationBundle.read(dir.resolve("bundles/" + idx + "/gpu0"));
        assertEquals("tdx", cpu.tee());
        assertEquals("nvgpu", gpu.tee());
        assertEquals(entry.instant(), cpu.verifyAt().orElseThrow());
        assertEquals(entry.instant(), gpu.verifyAt().orElseThrow());
        for (EvidenceItem item : entry.evidence()) {
            AttestationBundle b = item.submodule().equals("cpu") ? cpu : gpu;
            assertArrayEquals(item.bytes(), b.evidence(item.kind()).orElseThrow(), item.kind());
        }
        for (CollateralReference ref : entry.collateral()) {
            AttestationBundle b = ref.submodule().equals("cpu") ? cpu : gpu;
            assertEquals(ref.sha256(), Sha256Digest.digest(b.collateral(ref.kind()).orElseThrow()));
        }
    }

    @Test
    void tamperedExportsAreReported() throws Exception {
        Path clean = tmp.resolve("export");
        LogExport.write(store, 5, 25, List.of(10L), false, clean);
        LogAuditor auditor = auditor().trustedCheckpoint(first).skipReplay().build();

        Path edited = copy(clean, "edited");
        byte[] e7 = Files.readAllBytes(edited.resolve("entries/7.cbor"));
        e7[e7.length - 3] ^= 0x20;
        Files.write(edited.resolve("entries/7.cbor"), e7);
        assertTrue(auditor.audit(ExportedLog.open(edited)).has(Kind.ENTRY_NOT_INCLUDED, 7));

        Path deleted = copy(clean, "deleted");
        Files.delete(deleted.resolve("entries/9.cbor"));
        assertTrue(auditor.audit(ExportedLog.open(deleted)).has(Kind.ENTRY_MISSING, 9));

        Path reordered = copy(clean, "reordered");
        Files.move(reordered.resolve("entries/11.cbor"), reordered.resolve("swap"));
        Files.move(reordered.resolve("entries/12.cbor"), reordered.resolve("entries/11.cbor"));
        Files.move(reordered.resolve("swap"), reordered.resolve("entries/12.cbor"));
        AuditReport r = auditor.audit(ExportedLog.open(reordered));
        assertTrue(r.has(Kind.ENTRY_REORDERED, 11) && r.has(Kind.ENTRY_REORDERED, 12), () -> r.findings().toString());

        Path collateral = copy(clean, "collateral");
        try (Stream<Path> files = Files.list(collateral.resolve("collateral"))) {
            Path blob = files.findFirst().orElseThrow();
            Files.write(blob, "changed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertTrue(auditor.audit(ExportedLog.open(collateral)).findings().stream()
                .anyMatch(f -> f.kind() == Kind.COLLATERAL_DIGEST_MISMATCH));

        Path forged = copy(clean, "forged");
        Checkpoint cp = Checkpoint.parse(SignedNote.parse(Files.readString(forged.resolve("checkpoint"))).text());
        Files.writeString(forged.resolve("checkpoint"),
                cp.sign(NoteSigner.generate(LogStoreContract.ORIGIN, new SecureRandom())));
        assertTrue(auditor.audit(ExportedLog.open(forged)).has(Kind.CHECKPOINT_SIGNATURE_INVALID, -1));

        Path forkedHistory = copy(clean, "fork");
        Checkpoint otherPast = new Checkpoint(LogStoreContract.ORIGIN, 10, Sha256Digest.digest(new byte[] {9}));
        AuditReport fork = auditor().trustedCheckpoint(otherPast).skipReplay().build().audit(ExportedLog.open(forkedHistory));
        assertTrue(fork.has(Kind.CONSISTENCY_FAILED, -1), () -> fork.findings().toString());
    }

    /** The store, counting the inclusion proofs asked of it (one HTTP request each for the service). */
    private static final class CountingSource implements LogSource {
        private final LogSource inner;
        int inclusionProofs;

        CountingSource(LogSource inner) {
            this.inner = inner;
        }

        @Override
        public java.util.Optional<String> latestCheckpointNote() throws LogStorageException {
            return inner.latestCheckpointNote();
        }

        @Override
        public long firstIndex() throws LogStorageException {
            return inner.firstIndex();
        }

        @Override
        public long endIndex() throws LogStorageException {
            return inner.endIndex();
        }

        @Override
        public boolean wholeLog() {
            return inner.wholeLog();
        }

        @Override
        public java.util.SortedMap<Long, byte[]> entries(long from, long to) throws LogStorageException {
            return inner.entries(from, to);
        }

        @Override
        public java.util.Optional<byte[]> collateral(Sha256Digest digest) throws LogStorageException {
            return inner.collateral(digest);
        }

        @Override
        public List<Sha256Digest> inclusionProof(long index, long treeSize) throws LogStorageException {
            inclusionProofs++;
            return inner.inclusionProof(index, treeSize);
        }

        @Override
        public List<Sha256Digest> consistencyProof(long size1, long size2) throws LogStorageException {
            return inner.consistencyProof(size1, size2);
        }
    }

    @Test
    void exportAsksForTwoInclusionProofsPerPageAndTheLogsOwnForADamagedEntry() throws Exception {
        CountingSource counted = new CountingSource(store);
        Path dir = tmp.resolve("export");
        LogExport.write(counted, 5, 25, List.of(10L), false, dir);
        assertEquals(2, counted.inclusionProofs, "the first and last entry of the page");
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("export.json").toFile());
        for (long idx = 5; idx < 25; idx++) {
            List<String> expected = store.inclusionProof(idx, 30).stream().map(Sha256Digest::hex).toList();
            List<String> written = new java.util.ArrayList<>();
            manifest.get("inclusion_proofs").get(Long.toString(idx)).forEach(h -> written.add(h.asText()));
            assertEquals(expected, written, "entry " + idx);
        }

        // Entry 7 edited in the database: the computed proofs that cover it fail and are asked for
        // one by one, so the audit names entry 7 alone, as with one request per entry.
        try (java.sql.Connection conn = db.dataSource().getConnection(); java.sql.Statement st = conn.createStatement()) {
            st.executeUpdate("DROP TRIGGER log_entry_no_update");
            byte[] e7 = store.entries(7, 8).get(7L);
            String text = new String(e7, java.nio.charset.StandardCharsets.ISO_8859_1);
            int digit = text.indexOf("nonce-") + "nonce-".length();
            e7[digit] = (byte) (e7[digit] == '9' ? '8' : e7[digit] + 1); // inside the nonce bytes: still decodes
            try (java.sql.PreparedStatement ps = conn.prepareStatement("UPDATE log_entry SET entry = ? WHERE idx = 7")) {
                ps.setBytes(1, e7);
                assertEquals(1, ps.executeUpdate());
            }
        }
        CountingSource damaged = new CountingSource(store);
        Path edited = tmp.resolve("edited");
        LogExport.write(damaged, 5, 25, List.of(), false, edited);
        // (Most proofs in the range cover a subtree holding entry 7, so most are asked for: a
        // damaged log costs what every export used to cost, a sound one two requests per page.)
        assertTrue(damaged.inclusionProofs > 2, "fell back for " + damaged.inclusionProofs);
        AuditReport report = auditor().firstAudit().skipReplay().build().audit(ExportedLog.open(edited));
        assertEquals(List.of("ENTRY_NOT_INCLUDED@7"), report.findings().stream().map(f -> f.kind() + "@" + f.index()).toList());
    }

    @Test
    void malformedManifestIsRefused() throws Exception {
        Path dir = tmp.resolve("export");
        LogExport.write(store, 0, 2, List.of(), false, dir);
        String json = Files.readString(dir.resolve("export.json"));
        Files.writeString(dir.resolve("export.json"), json.replaceFirst("\\{", "{\"extra\": 1,"));
        LogFormatException e = assertThrows(LogFormatException.class, () -> ExportedLog.open(dir));
        assertEquals("export.extra", e.field());
    }

    private Path copy(Path from, String name) throws IOException {
        Path to = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }
}

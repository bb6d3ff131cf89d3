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
    private Checkpoint first;

    @BeforeEach
    void buildLog() throws Exception {
        LogDatabase db = LogDatabase.sqlite(tmp.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
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

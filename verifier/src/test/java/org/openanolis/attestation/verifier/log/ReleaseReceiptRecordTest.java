package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.verifier.log.AuditFinding.Kind;

/**
 * The release receipt record kind: its deterministic CBOR and the decoder that tells it from an
 * attestation entry; the auditor's checks of receipts against their attestation entries, and
 * tampering with a receipt record.
 */
class ReleaseReceiptRecordTest {
    static final Instant AT = Instant.parse("2026-05-01T10:00:00Z");
    @TempDir
    Path tmp;

    static ReleaseReceiptRecord receipt(String jti, long attestationIndex, String thumbprint, String modelKeyId) {
        return new ReleaseReceiptRecord(jti, Sha256Digest.digest(("token-" + jti).getBytes(StandardCharsets.US_ASCII)),
                attestationIndex, modelKeyId, thumbprint, AT.plusSeconds(5), "model-gateway", AT.plusSeconds(6));
    }

    /** An attestation entry that issued token {@code jti} for {@code tee} (runtime data with tee_pubkey). */
    static LogEntry attestation(String jti, ECKey tee, boolean tokenIssued) {
        String runtime = "{\"tee_pubkey\":" + tee.toPublicJWK().toJSONString() + ",\"gpu_evidence_sha256\":[]}";
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("token_issued", tokenIssued);
        return LogEntry.builder()
                .addEvidence(new EvidenceItem("cpu", "tdx", "quote", ("quote-" + jti).getBytes(StandardCharsets.UTF_8)))
                .addEvidence(new EvidenceItem("cpu", "tdx", "runtime_data", runtime.getBytes(StandardCharsets.UTF_8)))
                .policy(new PolicyReference("default-tdx", 0, Sha256Digest.digest("builtin:default-tdx".getBytes(StandardCharsets.UTF_8))))
                .verifierVersion("0.1.0").instant(AT)
                .outcome(new AppraisalOutcome(tokenIssued ? EarStatus.AFFIRMING : EarStatus.CONTRAINDICATED,
                        tokenIssued ? null : org.openanolis.attestation.errors.ReasonCode.SIGNATURE_INVALID, explanation))
                .jti(jti).nonce(new byte[32]).build();
    }

    @Test
    void encodingRoundTripsAndDispatchesByItsOwnKey() throws Exception {
        String tp = new ECKeyGenerator(Curve.P_256).generate().computeThumbprint().toString();
        ReleaseReceiptRecord r = receipt("jti-1", 0, tp, "llama/1");
        byte[] bytes = r.encode();
        assertEquals(r, ReleaseReceiptRecord.decode(bytes));
        assertArrayEquals(bytes, ReleaseReceiptRecord.decode(bytes).encode(), "one spelling only");
        LogRecords.Record decoded = LogRecords.decode(bytes);
        assertEquals(r, assertInstanceOf(LogRecords.Receipt.class, decoded).receipt());
        assertArrayEquals(bytes, decoded.encode());
        // An attestation entry decodes as one, through the same decoder.
        LogEntry e = LogEntries.sample(4);
        assertEquals(e, assertInstanceOf(LogRecords.Attestation.class, LogRecords.decode(e.encode())).entry());
        // The receipt is not an entry, nor the entry a receipt.
        assertThrows(LogFormatException.class, () -> LogEntry.decode(bytes));
        assertThrows(LogFormatException.class, () -> ReleaseReceiptRecord.decode(e.encode()));
    }

    @Test
    void malformedRecordsAreRefused() {
        String tp = "A".repeat(43);
        Map<String, Object> good = new LinkedHashMap<>();
        good.put("receipt", 1L);
        good.put("token_jti", "j");
        good.put("token_sha256", new byte[32]);
        good.put("attestation_index", 0L);
        good.put("model_key_id", "k");
        good.put("tee_key_thumbprint", tp);
        good.put("released_at", 5L);
        good.put("gateway", "g");
        good.put("instant", "2026-05-01T10:00:00Z");
        assertTrue(decodes(good));
        Map<String, Object> extra = new LinkedHashMap<>(good);
        extra.put("note", "x");
        Map<String, Object> version = new LinkedHashMap<>(good);
        version.put("receipt", 2L);
        Map<String, Object> shortDigest = new LinkedHashMap<>(good);
        shortDigest.put("token_sha256", new byte[31]);
        Map<String, Object> badThumbprint = new LinkedHashMap<>(good);
        badThumbprint.put("tee_key_thumbprint", "short");
        Map<String, Object> negative = new LinkedHashMap<>(good);
        negative.put("attestation_index", -1L);
        Map<String, Object> fraction = new LinkedHashMap<>(good);
        fraction.put("instant", "2026-05-01T10:00:00.5Z");
        Map<String, Object> withV = new LinkedHashMap<>(good);
        withV.put("v", 1L);
        for (Map<String, Object> bad : List.of(extra, version, shortDigest, badThumbprint, negative, fraction, withV)) {
            assertThrows(LogFormatException.class, () -> LogRecords.decode(DeterministicCbor.encode(bad)), bad.toString());
        }
        byte[] bytes = DeterministicCbor.encode(good);
        byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(LogFormatException.class, () -> LogRecords.decode(trailing));
        assertThrows(IllegalArgumentException.class, () -> new ReleaseReceiptRecord("j", Sha256Digest.digest(new byte[1]),
                0, "key with space", tp, AT, "g", AT));
    }

    private static boolean decodes(Map<String, Object> m) {
        try {
            return LogRecords.decode(DeterministicCbor.encode(m)) instanceof LogRecords.Receipt;
        } catch (LogFormatException e) {
            return false;
        }
    }

    @Test
    void theAuditorChecksReceiptsAgainstTheirAttestationEntriesAndFindsATamperedReceipt() throws Exception {
        LogDatabase db = LogDatabase.sqlite(tmp.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        JdbcLogStore store = JdbcLogStore.open(db, LogStoreContract.ORIGIN, 16);
        try {
            ECKey tee = new ECKeyGenerator(Curve.P_256).generate();
            ECKey other = new ECKeyGenerator(Curve.P_256).generate();
            String tp = tee.computeThumbprint().toString();
            long a0 = store.append(attestation("jti-a", tee, true), Map.of()).get();
            long a1 = store.append(attestation("jti-b", tee, false), Map.of()).get();
            long good = store.appendReceipt(receipt("jti-a", a0, tp, "k")).get();
            long wrongKey = store.appendReceipt(receipt("jti-a", a0, other.computeThumbprint().toString(), "k")).get();
            long noToken = store.appendReceipt(receipt("jti-b", a1, tp, "k")).get();
            long wrongJti = store.appendReceipt(receipt("jti-z", a0, tp, "k")).get();
            long forward = store.appendReceipt(receipt("jti-a", 99, tp, "k")).get();
            long onReceipt = store.appendReceipt(receipt("jti-a", good, tp, "k")).get();
            // A second matching receipt for jti-a, as two replicas racing on one log could record.
            long duplicate = store.appendReceipt(receipt("jti-a", a0, tp, "k2")).get();
            store.checkpoint(LogStoreContract.SIGNER, LogStoreContract.CLOCK);
            LogAuditor auditor = LogAuditor.builder().logKey(LogStoreContract.SIGNER.verifierKey())
                    .origin(LogStoreContract.ORIGIN).firstAudit()
                    .replay((entry, collateral) -> entry.outcome()).build();
            AuditReport report = auditor.audit(store);
            assertEquals(9, report.entriesChecked());
            assertEquals(2, report.entriesReplayed(), "receipts are checked, not replayed");
            Map<Long, Kind> found = report.findings().stream()
                    .collect(Collectors.toMap(AuditFinding::index, AuditFinding::kind));
            assertEquals(Map.of(wrongKey, Kind.RECEIPT_UNMATCHED, noToken, Kind.RECEIPT_UNMATCHED,
                    wrongJti, Kind.RECEIPT_UNMATCHED, forward, Kind.RECEIPT_UNMATCHED,
                    onReceipt, Kind.RECEIPT_UNMATCHED, duplicate, Kind.RECEIPT_DUPLICATE), found,
                    report.findings().toString());
            assertTrue(report.findings().stream().anyMatch(f -> f.kind() == Kind.RECEIPT_DUPLICATE
                    && f.detail().contains("index " + good)), report.findings().toString());

            // Export with bundles: a receipt is written as receipt.json; edit the good receipt's
            // record in the export (another model key): the checkpoint no longer includes it.
            Path dir = tmp.resolve("export");
            LogExport.write(store, 0, store.treeSize(), List.of(), true, dir);
            assertTrue(Files.readString(dir.resolve("bundles/" + good + "/receipt.json")).contains("\"token_jti\" : \"jti-a\""));
            Path file = dir.resolve("entries/" + good + ".cbor");
            ReleaseReceiptRecord genuine = ReleaseReceiptRecord.decode(Files.readAllBytes(file));
            assertEquals(a0, genuine.attestationIndex());
            Files.write(file, receipt("jti-a", a0, tp, "another-key").encode());
            AuditReport tampered = auditor.audit(ExportedLog.open(dir));
            assertTrue(tampered.has(Kind.ENTRY_NOT_INCLUDED, good), tampered.findings().toString());
        } finally {
            store.close();
        }
    }
}

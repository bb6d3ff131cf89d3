package org.openanolis.attestation.verifier.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * Writes a range of a log to a directory an auditor can take offline:
 * <pre>
 * export.json            format, origin, tree size, range, inclusion proof of every entry and
 *                        consistency proofs from the sizes the auditor may already trust
 * checkpoint             the signed checkpoint note the proofs lead to
 * entries/&lt;index&gt;.cbor   each entry's stored bytes
 * collateral/&lt;sha256&gt;    each referenced collateral blob, once
 * bundles/&lt;index&gt;/&lt;submodule&gt;/   optional: each entry as attestation bundles
 * bundles/&lt;index&gt;/receipt.json     (a release receipt record: its fields)
 * </pre>
 * {@link ExportedLog} reads it back as a {@link LogSource}; nothing in it is trusted until the
 * {@link LogAuditor} has checked it against the pinned key.
 */
public final class LogExport {
    /** The {@code format} value of {@code export.json}. */
    public static final String FORMAT = "verification-log-export/v1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int PAGE = 1000;

    private LogExport() {}

    /** What was written. */
    public record Summary(Checkpoint checkpoint, long from, long to, long collateralBlobs) {}

    /**
     * Exports entries {@code [from, to)} with proofs against the source's latest checkpoint.
     *
     * @param consistencyFrom tree sizes to include consistency proofs from (checkpoints an auditor
     *     may have trusted before); sizes above the checkpoint are refused
     * @param bundles also write every entry as attestation bundles
     */
    public static Summary write(LogSource source, long from, long to, List<Long> consistencyFrom, boolean bundles,
                                Path dir) throws LogStorageException, IOException {
        String note = source.latestCheckpointNote()
                .orElseThrow(() -> new LogStorageException("the log has no checkpoint to export against"));
        Checkpoint cp;
        try {
            cp = Checkpoint.parse(SignedNote.parse(note).text());
        } catch (NoteVerificationException e) {
            throw new LogStorageException("the log's own checkpoint is malformed: " + e.getMessage(), e);
        }
        if (from < 0 || to < from || to > cp.size()) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is outside the checkpoint of size "
                    + cp.size());
        }
        Files.createDirectories(dir.resolve("entries"));
        Files.createDirectories(dir.resolve("collateral"));
        Files.writeString(dir.resolve("checkpoint"), note, StandardCharsets.UTF_8);
        Map<String, Object> inclusion = new LinkedHashMap<>();
        Set<Sha256Digest> written = new LinkedHashSet<>();
        for (long page = from; page < to; page += PAGE) {
            long pageEnd = Math.min(to, page + PAGE);
            SortedMap<Long, byte[]> entries = source.entries(page, pageEnd);
            List<Sha256Digest> leaves = new ArrayList<>((int) (pageEnd - page));
            for (long idx = page; idx < pageEnd; idx++) {
                byte[] bytes = entries.get(idx);
                if (bytes == null) {
                    throw new LogStorageException("entry " + idx + " is missing from the log");
                }
                leaves.add(MerkleTree.leafHash(bytes));
            }
            List<List<Sha256Digest>> proofs = pageProofs(source, cp, page, pageEnd, leaves);
            for (long idx = page; idx < pageEnd; idx++) {
                byte[] bytes = entries.get(idx);
                Files.write(dir.resolve("entries").resolve(idx + ".cbor"), bytes);
                inclusion.put(Long.toString(idx), hex(proofs.get((int) (idx - page))));
                LogEntry entry;
                try {
                    LogRecords.Record record = LogRecords.decode(bytes);
                    if (record instanceof LogRecords.Receipt r) {
                        // A release receipt: no collateral; as a "bundle" its fields in receipt.json.
                        if (bundles) {
                            EntryBundleWriter.writeReceipt(r.receipt(), dir.resolve("bundles").resolve(Long.toString(idx)));
                        }
                        continue;
                    }
                    entry = ((LogRecords.Attestation) record).entry();
                } catch (LogFormatException e) {
                    throw new LogStorageException("entry " + idx + " is malformed: " + e.getMessage(), e);
                }
                Map<Sha256Digest, byte[]> blobs = new LinkedHashMap<>();
                for (CollateralReference ref : entry.blobs()) {
                    Optional<byte[]> blob = source.collateral(ref.sha256());
                    if (blob.isEmpty()) {
                        throw new LogStorageException("collateral " + ref.sha256() + " of entry " + idx + " is missing");
                    }
                    blobs.put(ref.sha256(), blob.get());
                    if (written.add(ref.sha256())) {
                        Files.write(dir.resolve("collateral").resolve(ref.sha256().hex()), blob.get());
                    }
                }
                if (bundles) {
                    try {
                        EntryBundleWriter.write(entry, ref -> blobs.get(ref.sha256()).clone(),
                                dir.resolve("bundles").resolve(Long.toString(idx)));
                    } catch (ReplayEngine.ReplayException e) {
                        throw new LogStorageException("collateral of entry " + idx + " is missing", e);
                    }
                }
            }
        }
        List<Object> consistency = new ArrayList<>();
        for (long size1 : consistencyFrom) {
            if (size1 < 0 || size1 > cp.size()) {
                throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + cp.size());
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("from_size", size1);
            c.put("proof", hex(size1 == 0 || size1 == cp.size() ? List.of() : source.consistencyProof(size1, cp.size())));
            consistency.add(c);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("origin", cp.origin());
        manifest.put("tree_size", cp.size());
        manifest.put("from", from);
        manifest.put("to", to);
        manifest.put("inclusion_proofs", inclusion);
        manifest.put("consistency_proofs", consistency);
        Files.write(dir.resolve("export.json"), JSON.writeValueAsBytes(manifest));
        return new Summary(cp, from, to, written.size());
    }

    private static List<String> hex(List<Sha256Digest> proof) {
        List<String> out = new ArrayList<>(proof.size());
        for (Sha256Digest d : proof) {
            out.add(d.hex());
        }
        return out;
    }

    /**
     * The inclusion proofs of a page of entries: computed from the page's leaves and the log's
     * proofs of its first and last entries ({@link RangeInclusionProofs#verify}; two requests
     * instead of one per entry over HTTP), each verified against the checkpoint; the entries whose
     * computed proofs fail (a damaged entry and the neighbours it spoils, narrowed down by halving)
     * get the log's own proof, so a damaged entry is exported exactly as the log proves it and its
     * neighbours are not affected.
     */
    private static List<List<Sha256Digest>> pageProofs(LogSource source, Checkpoint cp, long from, long to,
                                                       List<Sha256Digest> leaves) throws LogStorageException {
        List<List<Sha256Digest>> out = new ArrayList<>(java.util.Collections.nCopies((int) (to - from), null));
        RangeInclusionProofs.verify(source, cp, from, to, leaves, (idx, proof) -> out.set((int) (idx - from), proof),
                idx -> out.set((int) (idx - from), source.inclusionProof(idx, cp.size())));
        return out;
    }
}

package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.LongConsumer;
import org.openanolis.attestation.verifier.log.AuditFinding.Kind;

/**
 * Audits a log (a database store or an exported directory) against a pinned log key:
 * <ol>
 *   <li>the latest checkpoint is signed by the pinned key, for the expected origin;</li>
 *   <li>it is consistent with the checkpoint the auditor trusted before (no rollback, no fork);</li>
 *   <li>every entry in the source's range is the one the checkpoint commits to (RFC 9162
 *       inclusion), none is missing, and a whole log is not shorter than its checkpoint;</li>
 *   <li>every entry decodes, its collateral and recorded policy and reference-set documents are
 *       present and hash to their digests;</li>
 *   <li>optionally, a {@link ReplayEngine} re-runs each entry and the outcome is compared;</li>
 *   <li>every release receipt record names an earlier attestation entry that issued its token for
 *       its TEE key (receipts are checked, never replayed), and no token has two matching receipts
 *       in the audited range.</li>
 * </ol>
 * A whole log audited from index 0 is checked by recomputing the tree head from the entries
 * (O(n) hashing, O(log n) memory); only when that fails, or for a partial range, is each entry
 * checked against an inclusion proof, so the findings name the damaged indexes. Those proofs are
 * computed from each page's leaves and two proofs asked of the source, and only the entries whose
 * computed proofs fail are checked with the log's own proof ({@link RangeInclusionProofs#verify}).
 */
public final class LogAuditor {
    private static final int PAGE = 1000;
    private static final int MAX_REORDER_CANDIDATES = 1000;
    private static final int MAX_INDIVIDUAL_PROOF_FINDINGS = 10;

    private final NoteVerifierKey logKey;
    private final String origin;
    private final Checkpoint trusted;
    private final ReplayEngine replay;
    private final LongConsumer progress;

    private LogAuditor(Builder b) {
        this.logKey = b.logKey;
        this.origin = b.origin;
        this.trusted = b.trusted;
        this.replay = b.replay;
        this.progress = b.progress;
    }

    /** A builder that insists on an explicit choice for every check. */
    public static Builder builder() {
        return new Builder();
    }

    /** Runs the audit. Storage errors while reading are findings where possible, exceptions otherwise. */
    public AuditReport audit(LogSource source) throws LogStorageException {
        List<AuditFinding> findings = new ArrayList<>();
        Optional<String> note = source.latestCheckpointNote();
        if (note.isEmpty()) {
            findings.add(new AuditFinding(Kind.CHECKPOINT_MISSING, -1, "the log has no signed checkpoint"));
            return new AuditReport(Optional.empty(), 0, 0, findings);
        }
        Checkpoint cp;
        try {
            cp = Checkpoint.open(note.get(), logKey, origin);
        } catch (NoteVerificationException e) {
            Kind kind = switch (e.problem()) {
                case MALFORMED -> Kind.CHECKPOINT_MALFORMED;
                case NOT_SIGNED_BY_KEY, SIGNATURE_INVALID -> Kind.CHECKPOINT_SIGNATURE_INVALID;
                case ORIGIN_MISMATCH -> Kind.CHECKPOINT_ORIGIN_MISMATCH;
            };
            findings.add(new AuditFinding(kind, -1, e.getMessage()));
            return new AuditReport(Optional.empty(), 0, 0, findings);
        }
        checkConsistency(source, cp, findings);

        long from = source.firstIndex();
        long end = Math.min(source.endIndex(), cp.size());
        if (source.wholeLog() && source.endIndex() < cp.size()) {
            findings.add(new AuditFinding(Kind.LOG_TRUNCATED, source.endIndex(), "the log holds "
                    + source.endIndex() + " entries but its checkpoint commits to " + cp.size()));
        }
        Set<Long> included = new HashSet<>();
        Set<Long> excluded = new HashSet<>();
        boolean allIncluded = from == 0 && end == cp.size() && rootMatches(source, cp, end);
        if (!allIncluded) {
            checkEachInclusion(source, cp, from, end, findings, excluded);
        }
        long checked = 0;
        long replayed = 0;
        Set<Sha256Digest> goodCollateral = new HashSet<>();
        Map<String, Long> receiptByJti = new HashMap<>();
        for (long page = from; page < end; page += PAGE) {
            SortedMap<Long, byte[]> entries = source.entries(page, Math.min(end, page + PAGE));
            for (Map.Entry<Long, byte[]> e : entries.entrySet()) {
                long idx = e.getKey();
                if (excluded.contains(idx) || idx < from || idx >= end) {
                    continue;
                }
                checked++;
                LogEntry entry;
                try {
                    LogRecords.Record record = LogRecords.decode(e.getValue());
                    if (record instanceof LogRecords.Receipt r) {
                        // Not an appraisal: nothing to re-verify; checked against its attestation entry.
                        if (checkReceipt(source, idx, r.receipt(), findings)) {
                            Long first = receiptByJti.putIfAbsent(r.receipt().tokenJti(), idx);
                            if (first != null) {
                                findings.add(new AuditFinding(Kind.RECEIPT_DUPLICATE, idx, "token " + r.receipt().tokenJti()
                                        + " already has a release receipt at index " + first));
                            }
                        }
                        if (progress != null) {
                            progress.accept(checked);
                        }
                        continue;
                    }
                    entry = ((LogRecords.Attestation) record).entry();
                } catch (LogFormatException ex) {
                    findings.add(new AuditFinding(Kind.ENTRY_MALFORMED, idx, ex.getMessage()));
                    continue;
                }
                Map<Sha256Digest, byte[]> collateral = checkCollateral(source, idx, entry, goodCollateral, findings);
                if (replay != null && collateral != null) {
                    replayed++;
                    replayEntry(idx, entry, collateral, findings);
                }
                if (progress != null) {
                    progress.accept(checked);
                }
            }
        }
        return new AuditReport(Optional.of(cp), checked, replayed, findings);
    }

    private void checkConsistency(LogSource source, Checkpoint cp, List<AuditFinding> findings) {
        if (trusted == null) {
            return;
        }
        if (trusted.size() > cp.size()) {
            findings.add(new AuditFinding(Kind.LOG_ROLLED_BACK, -1, "the latest checkpoint has size " + cp.size()
                    + " but size " + trusted.size() + " was already trusted"));
            return;
        }
        try {
            List<Sha256Digest> proof = trusted.size() == cp.size() || trusted.size() == 0
                    ? List.of() : source.consistencyProof(trusted.size(), cp.size());
            MerkleTree.verifyConsistency(trusted.size(), cp.size(), proof, trusted.rootHash(), cp.rootHash());
        } catch (LogStorageException e) {
            findings.add(new AuditFinding(Kind.PROOF_UNAVAILABLE, -1, "no consistency proof from "
                    + trusted.size() + " to " + cp.size() + ": " + e.getMessage()));
        } catch (ProofException e) {
            findings.add(new AuditFinding(Kind.CONSISTENCY_FAILED, -1, e.getMessage()));
        }
    }

    /** The fast path: recompute the tree head from every entry; false if any is missing or it differs. */
    private static boolean rootMatches(LogSource source, Checkpoint cp, long end) throws LogStorageException {
        CompactRange range = CompactRange.empty();
        for (long page = 0; page < end; page += PAGE) {
            long to = Math.min(end, page + PAGE);
            SortedMap<Long, byte[]> entries = source.entries(page, to);
            for (long idx = page; idx < to; idx++) {
                byte[] bytes = entries.get(idx);
                if (bytes == null) {
                    return false;
                }
                range.append(MerkleTree.leafHash(bytes));
            }
        }
        return range.root().equals(cp.rootHash());
    }

    /**
     * Checks the inclusion of each entry of {@code [from, to)}. Per page, each run of present
     * entries is verified with proofs computed from its leaves and two proofs asked of the source
     * ({@link RangeInclusionProofs#verify}: 2 requests per sound page over HTTP instead of 1,000);
     * the entries whose computed proofs cannot be shown to verify are checked with the log's own
     * proof, one by one, so the findings are those of a check of every entry with its own proof.
     */
    private static void checkEachInclusion(LogSource source, Checkpoint cp, long from, long end,
                                           List<AuditFinding> findings, Set<Long> excluded) throws LogStorageException {
        Map<Long, Sha256Digest> failedLeaves = new LinkedHashMap<>();
        Map<Long, List<Sha256Digest>> failedProofs = new HashMap<>();
        long[] unavailable = {0};
        for (long page = from; page < end; page += PAGE) {
            long to = Math.min(end, page + PAGE);
            SortedMap<Long, byte[]> entries = source.entries(page, to);
            List<Sha256Digest> leaves = new ArrayList<>((int) (to - page));
            for (long idx = page; idx < to; idx++) {
                byte[] bytes = entries.get(idx);
                leaves.add(bytes == null ? null : MerkleTree.leafHash(bytes));
            }
            final long pageStart = page;
            RangeInclusionProofs.PerEntry perEntry = idx -> {
                Sha256Digest leaf = leaves.get((int) (idx - pageStart));
                List<Sha256Digest> proof;
                try {
                    proof = source.inclusionProof(idx, cp.size());
                } catch (LogStorageException e) {
                    // One finding per entry up to a limit, then one summary (a truncated store cannot
                    // prove any entry against the larger checkpoint).
                    if (++unavailable[0] <= MAX_INDIVIDUAL_PROOF_FINDINGS) {
                        findings.add(new AuditFinding(Kind.PROOF_UNAVAILABLE, idx, e.getMessage()));
                    }
                    excluded.add(idx);
                    return;
                }
                try {
                    MerkleTree.verifyInclusion(idx, cp.size(), leaf, proof, cp.rootHash());
                } catch (ProofException e) {
                    excluded.add(idx);
                    failedLeaves.put(idx, leaf);
                    failedProofs.put(idx, proof);
                }
            };
            long runStart = page;
            for (long idx = page; idx <= to; idx++) {
                if (idx < to && leaves.get((int) (idx - page)) != null) {
                    continue;
                }
                if (runStart < idx) {
                    RangeInclusionProofs.verify(source, cp, runStart, idx,
                            leaves.subList((int) (runStart - page), (int) (idx - page)), (i, proof) -> { }, perEntry);
                }
                if (idx < to) {
                    findings.add(new AuditFinding(Kind.ENTRY_MISSING, idx, "no entry at index " + idx));
                    excluded.add(idx);
                }
                runStart = idx + 1;
            }
        }
        long unavailableCount = unavailable[0];
        if (unavailableCount > MAX_INDIVIDUAL_PROOF_FINDINGS) {
            findings.add(new AuditFinding(Kind.PROOF_UNAVAILABLE, -1, (unavailableCount - MAX_INDIVIDUAL_PROOF_FINDINGS)
                    + " more entries have no inclusion proof in tree size " + cp.size()));
        }
        // An entry that fails at its own index but is committed at another failing index was moved.
        boolean small = failedLeaves.size() <= MAX_REORDER_CANDIDATES;
        for (Map.Entry<Long, Sha256Digest> f : failedLeaves.entrySet()) {
            Long movedFrom = null;
            if (small) {
                for (Map.Entry<Long, List<Sha256Digest>> other : failedProofs.entrySet()) {
                    if (other.getKey().equals(f.getKey())) {
                        continue;
                    }
                    try {
                        MerkleTree.verifyInclusion(other.getKey(), cp.size(), f.getValue(), other.getValue(), cp.rootHash());
                        movedFrom = other.getKey();
                        break;
                    } catch (ProofException ignored) {
                        // Not committed there either.
                    }
                }
            }
            if (movedFrom != null) {
                findings.add(new AuditFinding(Kind.ENTRY_REORDERED, f.getKey(), "the entry stored at index "
                        + f.getKey() + " is the one committed at index " + movedFrom));
            } else {
                findings.add(new AuditFinding(Kind.ENTRY_NOT_INCLUDED, f.getKey(), "the entry stored at index "
                        + f.getKey() + " is not the one the checkpoint commits to"));
            }
        }
    }

    /**
     * A release receipt must name an earlier attestation entry of this log that issued the token
     * it names ({@code jti}, {@code token_issued}), for the TEE key in that entry's runtime data,
     * and be recorded no earlier than that entry. An attestation entry before the audited range
     * (a partial export) cannot be read and is not checked.
     *
     * @return false if a {@code RECEIPT_UNMATCHED} finding was added
     */
    private static boolean checkReceipt(LogSource source, long idx, ReleaseReceiptRecord receipt,
                                     List<AuditFinding> findings) throws LogStorageException {
        long at = receipt.attestationIndex();
        if (at >= idx) {
            findings.add(new AuditFinding(Kind.RECEIPT_UNMATCHED, idx, "the receipt names attestation entry " + at
                    + ", which is not earlier than the receipt"));
            return false;
        }
        if (at < source.firstIndex()) {
            return true;
        }
        byte[] bytes = source.entries(at, at + 1).get(at);
        if (bytes == null) {
            findings.add(new AuditFinding(Kind.RECEIPT_UNMATCHED, idx, "attestation entry " + at + " is missing"));
            return false;
        }
        LogEntry entry;
        try {
            if (!(LogRecords.decode(bytes) instanceof LogRecords.Attestation a)) {
                findings.add(new AuditFinding(Kind.RECEIPT_UNMATCHED, idx, "index " + at
                        + " is a release receipt, not an attestation entry"));
                return false;
            }
            entry = a.entry();
        } catch (LogFormatException e) {
            findings.add(new AuditFinding(Kind.RECEIPT_UNMATCHED, idx, "attestation entry " + at + " is malformed"));
            return false;
        }
        String problem = null;
        if (!entry.jti().equals(receipt.tokenJti())) {
            problem = "attestation entry " + at + " is for jti " + entry.jti() + ", not " + receipt.tokenJti();
        } else if (!ReleaseReceiptRecord.tokenIssued(entry)) {
            problem = "attestation entry " + at + " issued no token";
        } else if (!ReleaseReceiptRecord.teeKeyThumbprintOf(entry).map(receipt.teeKeyThumbprint()::equals).orElse(false)) {
            problem = "the receipt's TEE key thumbprint is not that of attestation entry " + at + "'s runtime data";
        } else if (receipt.instant().isBefore(entry.instant().minusSeconds(1))) {
            problem = "the receipt was recorded before attestation entry " + at;
        }
        if (problem != null) {
            findings.add(new AuditFinding(Kind.RECEIPT_UNMATCHED, idx, problem));
            return false;
        }
        return true;
    }

    private static Map<Sha256Digest, byte[]> checkCollateral(LogSource source, long idx, LogEntry entry,
                                                             Set<Sha256Digest> good, List<AuditFinding> findings)
            throws LogStorageException {
        Map<Sha256Digest, byte[]> out = new HashMap<>();
        boolean complete = true;
        for (CollateralReference ref : entry.blobs()) {
            Sha256Digest d = ref.sha256();
            if (out.containsKey(d)) {
                continue;
            }
            Optional<byte[]> bytes = source.collateral(d);
            if (bytes.isEmpty()) {
                findings.add(new AuditFinding(Kind.COLLATERAL_MISSING, idx, ref.kind() + " " + d + " is not stored"));
                complete = false;
                continue;
            }
            if (!good.contains(d)) {
                if (!Sha256Digest.digest(bytes.get()).equals(d)) {
                    findings.add(new AuditFinding(Kind.COLLATERAL_DIGEST_MISMATCH, idx, ref.kind() + " stored under "
                            + d + " hashes to something else"));
                    complete = false;
                    continue;
                }
                good.add(d);
            }
            out.put(d, bytes.get());
        }
        return complete ? out : null;
    }

    private void replayEntry(long idx, LogEntry entry, Map<Sha256Digest, byte[]> collateral, List<AuditFinding> findings) {
        AppraisalOutcome outcome;
        try {
            outcome = replay.replay(entry, ref -> {
                byte[] b = collateral.get(ref.sha256());
                if (b == null) {
                    throw new ReplayEngine.ReplayException("collateral " + ref.sha256() + " is not recorded for this entry");
                }
                return b.clone();
            });
        } catch (ReplayEngine.ReplayException | RuntimeException e) {
            findings.add(new AuditFinding(Kind.REPLAY_FAILED, idx, String.valueOf(e.getMessage())));
            return;
        }
        AppraisalOutcome recorded = entry.outcome();
        if (outcome.status() != recorded.status() || outcome.reason() != recorded.reason()) {
            findings.add(new AuditFinding(Kind.REPLAY_DIVERGENCE, idx, "recorded " + recorded.status().wireName()
                    + "/" + recorded.reason() + ", replayed " + outcome.status().wireName() + "/" + outcome.reason()));
        }
    }

    /** Configures a {@link LogAuditor}; {@link #build()} refuses a configuration with an unmade choice. */
    public static final class Builder {
        private NoteVerifierKey logKey;
        private String origin;
        private Checkpoint trusted;
        private boolean trustChosen;
        private ReplayEngine replay;
        private boolean replayChosen;
        private LongConsumer progress;

        private Builder() {}

        /** The pinned log key; checkpoints not signed by it are refused. */
        public Builder logKey(NoteVerifierKey key) {
            this.logKey = Objects.requireNonNull(key);
            return this;
        }

        /** The expected checkpoint origin line. */
        public Builder origin(String origin) {
            this.origin = Objects.requireNonNull(origin);
            return this;
        }

        /** The checkpoint the auditor trusted last time; the new one must be consistent with it. */
        public Builder trustedCheckpoint(Checkpoint checkpoint) {
            this.trusted = Objects.requireNonNull(checkpoint);
            this.trustChosen = true;
            return this;
        }

        /** First audit of this log: there is no earlier checkpoint to be consistent with. */
        public Builder firstAudit() {
            this.trusted = null;
            this.trustChosen = true;
            return this;
        }

        /** Re-runs every included entry with {@code engine} and reports divergences. */
        public Builder replay(ReplayEngine engine) {
            this.replay = Objects.requireNonNull(engine);
            this.replayChosen = true;
            return this;
        }

        /** Checks proofs and collateral only. */
        public Builder skipReplay() {
            this.replay = null;
            this.replayChosen = true;
            return this;
        }

        /** Called with the number of entries checked so far (for a progress bar). */
        public Builder progress(LongConsumer listener) {
            this.progress = listener;
            return this;
        }

        public LogAuditor build() {
            if (logKey == null || origin == null) {
                throw new IllegalStateException("logKey and origin are required");
            }
            if (!trustChosen) {
                throw new IllegalStateException("choose trustedCheckpoint(...) or firstAudit()");
            }
            if (!replayChosen) {
                throw new IllegalStateException("choose replay(...) or skipReplay()");
            }
            return new LogAuditor(this);
        }
    }
}

package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC 9162 inclusion proofs of every leaf of a contiguous range {@code [from, to)} of a tree
 * of {@code size} leaves, computed from the range's own leaf hashes and the inclusion proofs of
 * its first and last leaves only.
 *
 * <p>Why two proofs suffice: a proof of leaf {@code i} is the list of siblings of the nodes on
 * {@code i}'s path. A sibling that lies wholly left of {@code from} is the sibling of a node that
 * contains both {@code i} and {@code from}, so it is on {@code from}'s path too; symmetrically on
 * the right with {@code to - 1}. Siblings that overlap the range are split until each part is
 * inside it (hashed from the leaves) or is such a boundary sibling. Each node inside the range is
 * hashed once: O(to - from) hashing for the range plus O(log size) per proof to assemble it.
 *
 * <p>The result is only as good as its inputs: {@link #verify} checks each computed proof against
 * the checkpoint and narrows a failing range down by halving it (a damaged entry in the range makes
 * the computed proofs of its neighbours fail, but not the log's own), so the exporter and the
 * auditor ask for the log's proof of a damaged entry and of a few neighbours only.
 */
final class RangeInclusionProofs {
    private record Range(long lo, long hi) {}

    private final long from;
    private final long to;
    private final List<Sha256Digest> leaves;
    private final Map<Range, Sha256Digest> known = new HashMap<>();

    private RangeInclusionProofs(long from, long to, List<Sha256Digest> leaves) {
        this.from = from;
        this.to = to;
        this.leaves = leaves;
    }

    /**
     * @param leaves the leaf hashes of {@code [from, to)}, in order
     * @param firstProof the inclusion proof of leaf {@code from} in the tree of {@code size}
     * @param lastProof the inclusion proof of leaf {@code to - 1}
     * @return the inclusion proof of each leaf of the range, in order
     * @throws ProofException if a boundary proof does not have the shape of a proof of its leaf
     *     (its hashes are not checked here)
     */
    static List<List<Sha256Digest>> compute(long from, long to, long size, List<Sha256Digest> leaves,
                                            List<Sha256Digest> firstProof, List<Sha256Digest> lastProof)
            throws ProofException {
        if (from < 0 || to <= from || to > size || leaves.size() != to - from) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") with " + leaves.size()
                    + " leaves does not fit a tree of " + size);
        }
        RangeInclusionProofs r = new RangeInclusionProofs(from, to, List.copyOf(leaves));
        r.learn(from, size, firstProof);
        r.learn(to - 1, size, lastProof);
        List<List<Sha256Digest>> out = new ArrayList<>((int) (to - from));
        for (long i = from; i < to; i++) {
            List<Range> siblings = new ArrayList<>();
            siblings(i, 0, size, siblings);
            List<Sha256Digest> proof = new ArrayList<>(siblings.size());
            for (Range s : siblings) {
                proof.add(r.hash(s.lo(), s.hi()));
            }
            out.add(proof);
        }
        return out;
    }

    /** What {@link #verify} does with an entry whose computed proof could not be shown to verify. */
    @FunctionalInterface
    interface PerEntry {
        /** Checks entry {@code index} with the log's own inclusion proof (one request). */
        void check(long index) throws LogStorageException;
    }

    /** Receives each computed proof that verified. */
    @FunctionalInterface
    interface Verified {
        void accept(long index, List<Sha256Digest> proof);
    }

    /** Runs this short or shorter are checked entry by entry: computing them would save nothing. */
    static final int SMALLEST_COMPUTED_RUN = 8;

    /**
     * Verifies that the leaves of {@code [from, to)} are included in the checkpoint {@code cp},
     * asking {@code source} for as few inclusion proofs as it can: the run's first and last proofs,
     * from which every proof of the run is computed and verified. When every computed proof
     * verifies, the run is done (2 requests). When one does not (one damaged entry spoils the
     * computed proofs of all its neighbours, whose subtrees hold it), the run is split in two and
     * each half is tried again, down to runs of {@value #SMALLEST_COMPUTED_RUN} entries, which go
     * to {@code perEntry} one by one, as does a run whose boundary proofs are unavailable or
     * malformed. So a sound range costs 2 requests, one damaged entry about 4 per halving
     * (4 log2(n / {@value #SMALLEST_COMPUTED_RUN}) + {@value #SMALLEST_COMPUTED_RUN}), and the
     * worst case (every entry damaged) about 1.5 requests per entry instead of 1. Every entry of
     * the range is either verified here or handed to {@code perEntry}, exactly once.
     *
     * @param leaves the leaf hashes of {@code [from, to)}, in order
     * @param verified receives the computed proof of each entry verified here
     * @return the number of entries handed to {@code perEntry}
     */
    static long verify(LogSource source, Checkpoint cp, long from, long to, List<Sha256Digest> leaves,
                       Verified verified, PerEntry perEntry) throws LogStorageException {
        if (leaves.size() != to - from) {
            throw new IllegalArgumentException(leaves.size() + " leaves for [" + from + ", " + to + ")");
        }
        return verifyRun(source, cp, from, to, from, leaves, verified, perEntry);
    }

    private static long verifyRun(LogSource source, Checkpoint cp, long lo, long hi, long base, List<Sha256Digest> leaves,
                                  Verified verified, PerEntry perEntry) throws LogStorageException {
        if (hi - lo <= SMALLEST_COMPUTED_RUN) {
            for (long i = lo; i < hi; i++) {
                perEntry.check(i);
            }
            return hi - lo;
        }
        List<Sha256Digest> run = leaves.subList((int) (lo - base), (int) (hi - base));
        boolean all = false;
        List<List<Sha256Digest>> proofs;
        try {
            proofs = compute(lo, hi, cp.size(), run,
                    source.inclusionProof(lo, cp.size()), source.inclusionProof(hi - 1, cp.size()));
            all = true;
            for (int i = 0; i < proofs.size() && all; i++) {
                try {
                    MerkleTree.verifyInclusion(lo + i, cp.size(), run.get(i), proofs.get(i), cp.rootHash());
                } catch (ProofException e) {
                    all = false;
                }
            }
        } catch (LogStorageException | ProofException e) {
            // No usable boundary proofs for this run (a truncated or failing store): entry by entry,
            // so each entry gets its own finding as before.
            long n = 0;
            for (long i = lo; i < hi; i++) {
                perEntry.check(i);
                n++;
            }
            return n;
        }
        if (all) {
            for (int i = 0; i < proofs.size(); i++) {
                verified.accept(lo + i, proofs.get(i));
            }
            return 0;
        }
        long mid = lo + (hi - lo) / 2;
        return verifyRun(source, cp, lo, mid, base, leaves, verified, perEntry)
                + verifyRun(source, cp, mid, hi, base, leaves, verified, perEntry);
    }

    /** The sibling subtrees on leaf {@code m}'s path in the tree over {@code [lo, hi)}, deepest first. */
    private static void siblings(long m, long lo, long hi, List<Range> out) {
        long n = hi - lo;
        if (n == 1) {
            return;
        }
        long k = MerkleTree.split(n);
        if (m - lo < k) {
            siblings(m, lo, lo + k, out);
            out.add(new Range(lo + k, hi));
        } else {
            siblings(m, lo + k, hi, out);
            out.add(new Range(lo, lo + k));
        }
    }

    private void learn(long leaf, long size, List<Sha256Digest> proof) throws ProofException {
        List<Range> siblings = new ArrayList<>();
        siblings(leaf, 0, size, siblings);
        if (siblings.size() != proof.size()) {
            throw new ProofException("the proof of leaf " + leaf + " has " + proof.size() + " hashes, a tree of "
                    + size + " needs " + siblings.size());
        }
        for (int i = 0; i < siblings.size(); i++) {
            Range s = siblings.get(i);
            if (s.hi() <= from || s.lo() >= to) {
                known.put(s, proof.get(i));
            }
        }
    }

    /** MTH(D[lo:hi]): from the leaves inside the range, from the boundary proofs outside it. */
    private Sha256Digest hash(long lo, long hi) throws ProofException {
        Range r = new Range(lo, hi);
        Sha256Digest h = known.get(r);
        if (h != null) {
            return h;
        }
        if (hi - lo == 1 && lo >= from && hi <= to) {
            return leaves.get((int) (lo - from));
        }
        if (hi <= from || lo >= to) {
            throw new ProofException("no boundary proof covers [" + lo + ", " + hi + ")");
        }
        long k = MerkleTree.split(hi - lo);
        h = MerkleTree.nodeHash(hash(lo, lo + k), hash(lo + k, hi));
        known.put(r, h);
        return h;
    }
}

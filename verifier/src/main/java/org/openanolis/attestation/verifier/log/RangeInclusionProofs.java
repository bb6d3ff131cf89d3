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
 * <p>The result is only as good as its inputs: an exporter verifies each proof against the
 * checkpoint and asks the log for the proof of any leaf whose computed proof fails (a damaged
 * entry in the range makes the proofs of its neighbours fail here, but not the log's own).
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

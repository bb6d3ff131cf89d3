package org.openanolis.attestation.verifier.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The RFC 9162 Merkle tree (section 2.1) over log entries with SHA-256: leaf hashes
 * {@code SHA-256(0x00 || entry)}, interior nodes {@code SHA-256(0x01 || left || right)}, tree heads
 * (2.1.1), inclusion proofs (2.1.3) and consistency proofs (2.1.4), both their generation over
 * stored complete subtrees and their verification.
 */
public final class MerkleTree {
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final Sha256Digest EMPTY_ROOT = Sha256Digest.digest();

    private MerkleTree() {}

    /** RFC 9162 section 2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
    public static Sha256Digest leafHash(byte[] entry) {
        MessageDigest md = sha256();
        md.update(LEAF_PREFIX);
        md.update(entry);
        return Sha256Digest.of(md.digest());
    }

    /** RFC 9162 section 2.1.1: SHA-256(0x01 || left || right). */
    public static Sha256Digest nodeHash(Sha256Digest left, Sha256Digest right) {
        byte[] buf = new byte[1 + 2 * Sha256Digest.LENGTH];
        buf[0] = NODE_PREFIX;
        left.copyTo(buf, 1);
        right.copyTo(buf, 1 + Sha256Digest.LENGTH);
        return Sha256Digest.of(sha256().digest(buf));
    }

    /** MTH({}) = SHA-256(""), the root of the empty tree. */
    public static Sha256Digest emptyRoot() {
        return EMPTY_ROOT;
    }

    /** The tree head of the first {@code size} leaves. */
    public static Sha256Digest rootHash(TreeNodes nodes, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        return size == 0 ? EMPTY_ROOT : subtree(nodes, 0, size);
    }

    /**
     * RFC 9162 section 2.1.3.1: the audit path of leaf {@code index} in the tree of {@code size}
     * leaves, the leaf's sibling first.
     */
    public static List<Sha256Digest> inclusionProof(TreeNodes nodes, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is outside a tree of size " + size);
        }
        List<Sha256Digest> proof = new ArrayList<>();
        path(nodes, index, 0, size, proof);
        return Collections.unmodifiableList(proof);
    }

    /**
     * RFC 9162 section 2.1.4.1: the consistency proof between the trees of {@code size1} and
     * {@code size2} leaves (empty when {@code size1} is 0 or equal to {@code size2}).
     */
    public static List<Sha256Digest> consistencyProof(TreeNodes nodes, long size1, long size2) {
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + size2);
        }
        List<Sha256Digest> proof = new ArrayList<>();
        if (size1 > 0 && size1 < size2) {
            subproof(nodes, size1, 0, size2, true, proof);
        }
        return Collections.unmodifiableList(proof);
    }

    /**
     * RFC 9162 section 2.1.3.2: verifies that {@code leafHash} is leaf {@code index} of the tree of
     * {@code size} leaves whose head is {@code root}.
     */
    public static void verifyInclusion(long index, long size, Sha256Digest leafHash, List<Sha256Digest> proof,
                                       Sha256Digest root) throws ProofException {
        if (index < 0 || index >= size) {
            throw new ProofException("leaf index " + index + " is outside a tree of size " + size);
        }
        long fn = index;
        long sn = size - 1;
        Sha256Digest r = leafHash;
        for (Sha256Digest p : proof) {
            if (sn == 0) {
                throw new ProofException("inclusion proof is longer than the path to the root");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new ProofException("inclusion proof is shorter than the path to the root");
        }
        if (!r.equals(root)) {
            throw new ProofException("inclusion proof leads to " + r + ", not to the tree head " + root);
        }
    }

    /**
     * RFC 9162 section 2.1.4.2: verifies that the tree of {@code size1} leaves with head
     * {@code root1} is a prefix of the tree of {@code size2} leaves with head {@code root2}.
     */
    public static void verifyConsistency(long size1, long size2, List<Sha256Digest> proof, Sha256Digest root1,
                                         Sha256Digest root2) throws ProofException {
        if (size1 < 0 || size2 < size1) {
            throw new ProofException("tree size went from " + size1 + " to " + size2);
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new ProofException("a consistency proof between equal sizes must be empty");
            }
            if (!root1.equals(root2)) {
                throw new ProofException("two tree heads of size " + size1 + " differ: the log forked");
            }
            return;
        }
        if (size1 == 0) {
            if (!proof.isEmpty()) {
                throw new ProofException("a consistency proof from the empty tree must be empty");
            }
            return;
        }
        if (proof.isEmpty()) {
            throw new ProofException("empty consistency proof");
        }
        List<Sha256Digest> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(size1) == 1) {
            path.add(root1);
        }
        path.addAll(proof);
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        Sha256Digest fr = path.get(0);
        Sha256Digest sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            Sha256Digest c = path.get(i);
            if (sn == 0) {
                throw new ProofException("consistency proof is too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new ProofException("consistency proof is too short");
        }
        if (!fr.equals(root1)) {
            throw new ProofException("consistency proof does not lead to the first tree head");
        }
        if (!sr.equals(root2)) {
            throw new ProofException("consistency proof does not lead to the second tree head");
        }
    }

    /** Largest power of two strictly smaller than {@code n} (n > 1): RFC 9162's k. */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** MTH(D[lo:hi]) where lo is a multiple of the largest power of two not above hi - lo. */
    private static Sha256Digest subtree(TreeNodes nodes, long lo, long hi) {
        long n = hi - lo;
        if (Long.bitCount(n) == 1) {
            int level = Long.numberOfTrailingZeros(n);
            return nodes.node(level, lo >>> level);
        }
        long k = split(n);
        return nodeHash(subtree(nodes, lo, lo + k), subtree(nodes, lo + k, hi));
    }

    private static void path(TreeNodes nodes, long m, long lo, long hi, List<Sha256Digest> out) {
        long n = hi - lo;
        if (n == 1) {
            return;
        }
        long k = split(n);
        if (m < k) {
            path(nodes, m, lo, lo + k, out);
            out.add(subtree(nodes, lo + k, hi));
        } else {
            path(nodes, m - k, lo + k, hi, out);
            out.add(subtree(nodes, lo, lo + k));
        }
    }

    private static void subproof(TreeNodes nodes, long m, long lo, long hi, boolean complete, List<Sha256Digest> out) {
        long n = hi - lo;
        if (m == n) {
            if (!complete) {
                out.add(subtree(nodes, lo, hi));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(nodes, m, lo, lo + k, complete, out);
            out.add(subtree(nodes, lo + k, hi));
        } else {
            subproof(nodes, m - k, lo + k, hi, false, out);
            out.add(subtree(nodes, lo, lo + k));
        }
    }

    /** A per-thread SHA-256 instance (reset by every {@code digest()}); spares the provider lookup. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    });

    static MessageDigest sha256() {
        MessageDigest md = SHA256.get();
        md.reset();
        return md;
    }
}

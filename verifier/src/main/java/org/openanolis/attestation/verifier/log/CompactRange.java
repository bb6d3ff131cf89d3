package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The right edge of a Merkle tree of {@code size} leaves: the roots of its maximal complete
 * subtrees, largest first (one per set bit of {@code size}). Appending a leaf yields the complete
 * nodes it finishes, which a store persists so that proofs never rehash the whole log; the tree
 * head is a fold of the edge. Mutable and not thread-safe: owned by one writer.
 */
public final class CompactRange {
    /** A complete node finished by an append. */
    public record Node(int level, long index, Sha256Digest hash) {}

    private long size;
    private final List<Sha256Digest> edge;

    private CompactRange(long size, List<Sha256Digest> edge) {
        if (edge.size() != Long.bitCount(size)) {
            throw new IllegalArgumentException("a tree of size " + size + " has " + Long.bitCount(size)
                    + " edge subtrees, got " + edge.size());
        }
        this.size = size;
        this.edge = new ArrayList<>(edge);
    }

    /** The empty tree. */
    public static CompactRange empty() {
        return new CompactRange(0, List.of());
    }

    /** The edge of the tree of {@code size} leaves, read from stored complete nodes. */
    public static CompactRange load(TreeNodes nodes, long size) {
        List<Sha256Digest> edge = new ArrayList<>();
        for (NodeId id : edgeNodes(size)) {
            edge.add(nodes.node(id.level(), id.index()));
        }
        return new CompactRange(size, edge);
    }

    /** A node position in the tree. */
    public record NodeId(int level, long index) {}

    /** The positions of the edge subtrees of a tree of {@code size} leaves, largest first. */
    public static List<NodeId> edgeNodes(long size) {
        List<NodeId> ids = new ArrayList<>();
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            if ((size & (1L << level)) != 0) {
                ids.add(new NodeId(level, start >>> level));
                start += 1L << level;
            }
        }
        return ids;
    }

    public long size() {
        return size;
    }

    /** Appends a leaf hash; returns the complete nodes it finishes, the leaf itself first. */
    public List<Node> append(Sha256Digest leafHash) {
        List<Node> finished = new ArrayList<>(2);
        long index = size;
        Sha256Digest carry = leafHash;
        int level = 0;
        finished.add(new Node(0, index, carry));
        while (((index >>> level) & 1) == 1) {
            Sha256Digest left = edge.remove(edge.size() - 1);
            carry = MerkleTree.nodeHash(left, carry);
            level++;
            finished.add(new Node(level, index >>> level, carry));
        }
        edge.add(carry);
        size++;
        return Collections.unmodifiableList(finished);
    }

    /** The tree head (RFC 9162 MTH) of the current size. */
    public Sha256Digest root() {
        if (edge.isEmpty()) {
            return MerkleTree.emptyRoot();
        }
        Sha256Digest r = edge.get(edge.size() - 1);
        for (int i = edge.size() - 2; i >= 0; i--) {
            r = MerkleTree.nodeHash(edge.get(i), r);
        }
        return r;
    }

    /** An independent copy, so a writer can roll back a failed batch. */
    public CompactRange copy() {
        return new CompactRange(size, edge);
    }
}

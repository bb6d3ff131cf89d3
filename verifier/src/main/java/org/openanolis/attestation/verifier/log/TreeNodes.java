package org.openanolis.attestation.verifier.log;

/**
 * Read access to the hashes of complete subtrees of a log's Merkle tree: the node at
 * {@code level} and {@code index} is the hash of leaves {@code [index << level, (index + 1) << level)};
 * level 0 holds the leaf hashes. Stores keep every complete node, so a proof costs O(log n) reads
 * (plus O(log n) hashing at the ragged right edge), never O(n).
 */
@FunctionalInterface
public interface TreeNodes {
    /**
     * The hash of a complete subtree.
     *
     * @throws IllegalStateException if the node is not stored (the subtree is not complete, or the
     *     store is damaged)
     */
    Sha256Digest node(int level, long index);
}

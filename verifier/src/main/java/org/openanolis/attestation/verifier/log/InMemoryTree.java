package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.List;

/**
 * A Merkle tree held in memory with every complete node, for auditors recomputing a tree from the
 * entries they hold and for tests. Memory is about 2 × 32 bytes per leaf.
 */
public final class InMemoryTree implements TreeNodes {
    private final List<List<Sha256Digest>> levels = new ArrayList<>();
    private final CompactRange range = CompactRange.empty();

    /** Appends an entry (its leaf hash is computed here). */
    public void appendEntry(byte[] entry) {
        appendLeafHash(MerkleTree.leafHash(entry));
    }

    /** Appends a precomputed leaf hash. */
    public void appendLeafHash(Sha256Digest leafHash) {
        for (CompactRange.Node n : range.append(leafHash)) {
            while (levels.size() <= n.level()) {
                levels.add(new ArrayList<>());
            }
            List<Sha256Digest> level = levels.get(n.level());
            if (level.size() != n.index()) {
                throw new IllegalStateException("nodes finished out of order");
            }
            level.add(n.hash());
        }
    }

    public long size() {
        return range.size();
    }

    public Sha256Digest root() {
        return range.root();
    }

    @Override
    public Sha256Digest node(int level, long index) {
        if (level >= levels.size() || index >= levels.get(level).size()) {
            throw new IllegalStateException("no complete node at level " + level + " index " + index);
        }
        return levels.get(level).get((int) index);
    }
}

package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RangeInclusionProofs} against the reference {@link MerkleTree#inclusionProof}, exhaustively on small trees. */
class RangeInclusionProofsTest {
    @Test
    void everyRangeOfEverySmallTreeGivesTheLogsOwnProofs() throws Exception {
        for (int size = 1; size <= 40; size++) {
            InMemoryTree tree = new InMemoryTree();
            List<Sha256Digest> leaves = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                byte[] entry = ("entry-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                tree.appendEntry(entry);
                leaves.add(MerkleTree.leafHash(entry));
            }
            for (int from = 0; from < size; from++) {
                for (int to = from + 1; to <= size; to++) {
                    List<List<Sha256Digest>> proofs = RangeInclusionProofs.compute(from, to, size, leaves.subList(from, to),
                            MerkleTree.inclusionProof(tree, from, size), MerkleTree.inclusionProof(tree, to - 1, size));
                    for (int i = from; i < to; i++) {
                        assertEquals(MerkleTree.inclusionProof(tree, i, size), proofs.get(i - from),
                                "size " + size + " range [" + from + ", " + to + ") leaf " + i);
                    }
                }
            }
        }
    }

    @Test
    void aBoundaryProofOfTheWrongShapeIsRefusedAndAWrongHashGivesAWrongProof() throws Exception {
        InMemoryTree tree = new InMemoryTree();
        List<Sha256Digest> leaves = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            byte[] entry = new byte[] {(byte) i};
            tree.appendEntry(entry);
            leaves.add(MerkleTree.leafHash(entry));
        }
        List<Sha256Digest> first = MerkleTree.inclusionProof(tree, 5, 21);
        List<Sha256Digest> last = MerkleTree.inclusionProof(tree, 12, 21);
        assertThrows(ProofException.class, () -> RangeInclusionProofs.compute(5, 13, 21, leaves.subList(5, 13),
                first.subList(1, first.size()), last));
        List<Sha256Digest> wrong = new ArrayList<>(last);
        wrong.set(wrong.size() - 1, Sha256Digest.digest(new byte[] {42}));
        List<List<Sha256Digest>> proofs = RangeInclusionProofs.compute(5, 13, 21, leaves.subList(5, 13), first, wrong);
        assertThrows(ProofException.class, () -> MerkleTree.verifyInclusion(8, 21, leaves.get(8), proofs.get(3), tree.root()));
        assertNotEquals(MerkleTree.inclusionProof(tree, 8, 21), proofs.get(3));
    }
}

package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Hex;

/**
 * RFC 9162 hashing and proofs, checked against the reference vectors of the transparency-dev/merkle
 * Go module (proof/verify_test.go: the eight leaves, the roots of sizes 1..8, and known inclusion
 * and consistency proofs), and exhaustively against each other for small trees.
 */
class MerkleTreeTest {
    private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    private static InMemoryTree referenceTree() {
        InMemoryTree tree = new InMemoryTree();
        for (String leaf : LEAVES) {
            tree.appendEntry(Hex.decode(leaf));
        }
        return tree;
    }

    private static List<Sha256Digest> hashes(String... hex) {
        return Stream.of(hex).map(Sha256Digest::ofHex).collect(Collectors.toList());
    }

    @Test
    void emptyTreeHeadIsSha256OfNothing() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MerkleTree.emptyRoot().hex());
        assertEquals(MerkleTree.emptyRoot(), new InMemoryTree().root());
    }

    @Test
    void treeHeadsMatchReferenceRoots() {
        InMemoryTree tree = referenceTree();
        InMemoryTree growing = new InMemoryTree();
        for (int size = 1; size <= 8; size++) {
            assertEquals(ROOTS[size - 1], MerkleTree.rootHash(tree, size).hex(), "size " + size);
            growing.appendEntry(Hex.decode(LEAVES[size - 1]));
            assertEquals(ROOTS[size - 1], growing.root().hex(), "compact range at size " + size);
        }
    }

    @Test
    void inclusionProofsMatchReferenceVectors() throws Exception {
        InMemoryTree tree = referenceTree();
        // (leaf index, tree size, proof); the Go vectors number leaves from 1.
        Object[][] vectors = {
                {0L, 8L, hashes("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")},
                {5L, 8L, hashes("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
                {2L, 3L, hashes("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")},
                {1L, 5L, hashes("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")},
                {0L, 1L, hashes()},
        };
        for (Object[] v : vectors) {
            long index = (Long) v[0];
            long size = (Long) v[1];
            @SuppressWarnings("unchecked")
            List<Sha256Digest> expected = (List<Sha256Digest>) v[2];
            assertEquals(expected, MerkleTree.inclusionProof(tree, index, size), "proof " + index + "/" + size);
            Sha256Digest leaf = MerkleTree.leafHash(Hex.decode(LEAVES[(int) index]));
            Sha256Digest root = Sha256Digest.ofHex(ROOTS[(int) size - 1]);
            MerkleTree.verifyInclusion(index, size, leaf, expected, root);
            assertInclusionCorruptionsFail(index, size, leaf, expected, root);
        }
    }

    @Test
    void consistencyProofsMatchReferenceVectors() throws Exception {
        InMemoryTree tree = referenceTree();
        Object[][] vectors = {
                {1L, 1L, hashes()},
                {1L, 8L, hashes("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")},
                {6L, 8L, hashes("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
                {2L, 5L, hashes("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")},
                {6L, 7L, hashes("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
        };
        for (Object[] v : vectors) {
            long m = (Long) v[0];
            long n = (Long) v[1];
            @SuppressWarnings("unchecked")
            List<Sha256Digest> expected = (List<Sha256Digest>) v[2];
            assertEquals(expected, MerkleTree.consistencyProof(tree, m, n), "proof " + m + "->" + n);
            Sha256Digest r1 = Sha256Digest.ofHex(ROOTS[(int) m - 1]);
            Sha256Digest r2 = Sha256Digest.ofHex(ROOTS[(int) n - 1]);
            MerkleTree.verifyConsistency(m, n, expected, r1, r2);
            if (!expected.isEmpty()) {
                assertConsistencyCorruptionsFail(m, n, expected, r1, r2);
            }
        }
    }

    @Test
    void consistencyEdgeCases() {
        Sha256Digest a = Sha256Digest.digest(new byte[] {1});
        Sha256Digest b = Sha256Digest.digest(new byte[] {2});
        assertDoesNotThrow(() -> MerkleTree.verifyConsistency(0, 0, List.of(), a, a));
        assertDoesNotThrow(() -> MerkleTree.verifyConsistency(0, 1, List.of(), a, b));
        assertThrows(ProofException.class, () -> MerkleTree.verifyConsistency(0, 0, List.of(), a, b));
        assertThrows(ProofException.class, () -> MerkleTree.verifyConsistency(1, 1, List.of(), a, b));
        assertThrows(ProofException.class, () -> MerkleTree.verifyConsistency(2, 1, List.of(), a, b));
        assertThrows(ProofException.class, () -> MerkleTree.verifyConsistency(1, 2, List.of(), a, b));
        assertThrows(ProofException.class, () -> MerkleTree.verifyConsistency(1, 1, List.of(a), a, a));
        assertThrows(ProofException.class, () -> MerkleTree.verifyInclusion(0, 0, a, List.of(), a));
        assertThrows(ProofException.class, () -> MerkleTree.verifyInclusion(2, 1, a, List.of(), a));
    }

    /** RFC 9162 section 2.1.1 written out literally, as an independent reference. */
    private static Sha256Digest naiveRoot(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return Sha256Digest.digest(new byte[] {0}, leaves.get(0));
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return Sha256Digest.digest(new byte[] {1}, naiveRoot(leaves.subList(0, k)).bytes(),
                naiveRoot(leaves.subList(k, leaves.size())).bytes());
    }

    @Test
    void treeHeadsMatchTheLiteralDefinition() {
        List<byte[]> leaves = new ArrayList<>();
        InMemoryTree tree = new InMemoryTree();
        for (int i = 0; i < 130; i++) {
            byte[] leaf = ("leaf " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            leaves.add(leaf);
            tree.appendEntry(leaf);
            assertEquals(naiveRoot(leaves), tree.root(), "size " + (i + 1));
        }
        for (int size = 1; size <= 130; size++) {
            assertEquals(naiveRoot(leaves.subList(0, size)), MerkleTree.rootHash(tree, size), "size " + size);
        }
    }

    /** Every proof of every tree up to 70 leaves verifies, and fails for a neighbouring leaf or size. */
    @Test
    void allProofsOfSmallTreesVerify() throws Exception {
        InMemoryTree tree = new InMemoryTree();
        List<Sha256Digest> roots = new ArrayList<>();
        roots.add(MerkleTree.emptyRoot());
        for (int i = 0; i < 70; i++) {
            tree.appendEntry(new byte[] {(byte) i, (byte) (i >> 8)});
            roots.add(tree.root());
            assertEquals(tree.root(), MerkleTree.rootHash(tree, i + 1));
        }
        for (int s = 1; s <= 70; s++) {
            final int size = s;
            for (int index = 0; index < size; index++) {
                Sha256Digest leaf = tree.node(0, index);
                List<Sha256Digest> proof = MerkleTree.inclusionProof(tree, index, size);
                MerkleTree.verifyInclusion(index, size, leaf, proof, roots.get(size));
                if (size > 1) {
                    int other = (index + 1) % size;
                    assertThrows(ProofException.class,
                            () -> MerkleTree.verifyInclusion(other, size, leaf, proof, roots.get(size)));
                }
            }
            for (int m = 0; m <= size; m++) {
                List<Sha256Digest> proof = MerkleTree.consistencyProof(tree, m, size);
                MerkleTree.verifyConsistency(m, size, proof, roots.get(m), roots.get(size));
                if (m > 0 && m < size) {
                    Sha256Digest wrong = roots.get(m - 1);
                    int fm = m;
                    assertThrows(ProofException.class,
                            () -> MerkleTree.verifyConsistency(fm, size, proof, wrong, roots.get(size)));
                }
            }
        }
    }

    private static void assertInclusionCorruptionsFail(long index, long size, Sha256Digest leaf,
                                                       List<Sha256Digest> proof, Sha256Digest root) {
        Sha256Digest some = Sha256Digest.ofHex("abacaba000000000000000000000000000000000000000000060061e00123456");
        List<Runnable> probes = new ArrayList<>();
        probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index + 1, size, leaf, proof, root)));
        if (index > 0) {
            probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index - 1, size, leaf, proof, root)));
        }
        probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index, size * 2, leaf, proof, root)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index, size, some, proof, root)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index, size, leaf, proof, some)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index, size, leaf, append(proof, root), root)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index, size, leaf, prepend(root, proof), root)));
        for (int i = 0; i < proof.size(); i++) {
            List<Sha256Digest> flipped = flip(proof, i);
            probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index, size, leaf, flipped, root)));
        }
        if (!proof.isEmpty()) {
            probes.add(() -> expectFail(() -> MerkleTree.verifyInclusion(index, size, leaf,
                    proof.subList(0, proof.size() - 1), root)));
        }
        probes.forEach(Runnable::run);
    }

    private static void assertConsistencyCorruptionsFail(long m, long n, List<Sha256Digest> proof,
                                                         Sha256Digest r1, Sha256Digest r2) {
        List<Runnable> probes = new ArrayList<>();
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m - 1, n, proof, r1, r2)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m + 1, n, proof, r1, r2)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m, n * 2, proof, r1, r2)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m, n, proof, r2, r1)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m, n, List.of(), r1, r2)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m, n, append(proof, r1), r1, r2)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m, n, prepend(r2, proof), r1, r2)));
        probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m, n, proof.subList(0, proof.size() - 1), r1, r2)));
        for (int i = 0; i < proof.size(); i++) {
            List<Sha256Digest> flipped = flip(proof, i);
            probes.add(() -> expectFail(() -> MerkleTree.verifyConsistency(m, n, flipped, r1, r2)));
        }
        probes.forEach(Runnable::run);
    }

    private interface Check {
        void run() throws ProofException;
    }

    private static void expectFail(Check c) {
        assertThrows(ProofException.class, c::run);
    }

    private static List<Sha256Digest> flip(List<Sha256Digest> proof, int i) {
        List<Sha256Digest> out = new ArrayList<>(proof);
        byte[] b = out.get(i).bytes();
        b[0] ^= 16;
        out.set(i, Sha256Digest.of(b));
        return out;
    }

    private static List<Sha256Digest> append(List<Sha256Digest> proof, Sha256Digest extra) {
        List<Sha256Digest> out = new ArrayList<>(proof);
        out.add(extra);
        return out;
    }

    private static List<Sha256Digest> prepend(Sha256Digest extra, List<Sha256Digest> proof) {
        List<Sha256Digest> out = new ArrayList<>();
        out.add(extra);
        out.addAll(proof);
        return out;
    }
}

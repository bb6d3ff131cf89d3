package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Auditor-role reads: paging limits, proofs that verify against the signed checkpoint, bad requests. */
class LogReadApiTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void pagesProofsAndLimits() throws Exception {
        LogDatabase db = LogDatabase.sqlite(tmp.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        try (JdbcLogStore store = JdbcLogStore.open(db, LogStoreContract.ORIGIN)) {
            LogReadApi api = new LogReadApi(store);
            assertTrue(api.latestCheckpoint().isEmpty());
            LogStoreContract.appendConcurrently(store, 0, 25);
            Checkpoint cp = Checkpoint.open(store.checkpoint(LogStoreContract.SIGNER, LogStoreContract.CLOCK),
                    LogStoreContract.SIGNER.verifierKey(), LogStoreContract.ORIGIN);

            List<byte[]> all = new ArrayList<>();
            Long start = 0L;
            while (start != null) {
                Map<String, Object> page = api.entries(start, 10);
                for (Object o : (List<Object>) page.get("entries")) {
                    all.add(Base64.getDecoder().decode((String) ((Map<String, Object>) o).get("entry")));
                }
                start = (Long) page.get("next_start");
            }
            assertEquals(25, all.size());
            assertEquals(25, ((List<Object>) api.entries(0, null).get("entries")).size(), "default page (100) capped by the size");
            assertNull(api.entries(25, 5).get("next_start"));

            Map<String, Object> inclusion = api.inclusionProof(13, 25);
            List<Sha256Digest> hashes = new ArrayList<>();
            ((List<String>) inclusion.get("hashes")).forEach(h -> hashes.add(Sha256Digest.ofHex(h)));
            MerkleTree.verifyInclusion(13, 25, MerkleTree.leafHash(all.get(13)), hashes, cp.rootHash());

            InMemoryTree tree = new InMemoryTree();
            all.forEach(tree::appendEntry);
            List<Sha256Digest> consistency = new ArrayList<>();
            ((List<String>) api.consistencyProof(9, 25).get("hashes")).forEach(h -> consistency.add(Sha256Digest.ofHex(h)));
            MerkleTree.verifyConsistency(9, 25, consistency, MerkleTree.rootHash(tree, 9), cp.rootHash());

            assertArrayEquals(all.get(4), api.entry(4).orElseThrow().encode());
            assertTrue(api.entry(25).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> api.entries(0, LogReadApi.MAX_PAGE + 1));
            assertThrows(IllegalArgumentException.class, () -> api.entries(-1, 10));
            assertThrows(IllegalArgumentException.class, () -> api.inclusionProof(25, 25));
            assertThrows(IllegalArgumentException.class, () -> api.inclusionProof(0, 26));
            assertThrows(IllegalArgumentException.class, () -> api.consistencyProof(10, 9));
        }
    }
}

package org.openanolis.attestation.verifier.collateral;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;

/**
 * The persistent copy of fetched collateral, so that a restart does not re-fetch everything.
 * A store failure never fails an attestation: it only costs a fetch after restart.
 */
public interface CollateralStore {
    Optional<CollateralCache.Item> get(String source, String key);

    void put(String source, String key, CollateralCache.Item item);

    /** Keeps nothing. */
    CollateralStore NONE = new CollateralStore() {
        @Override
        public Optional<CollateralCache.Item> get(String source, String key) {
            return Optional.empty();
        }

        @Override
        public void put(String source, String key, CollateralCache.Item item) {
            // nothing kept
        }
    };

    /** One JSON file per item under a directory (written atomically). */
    static CollateralStore directory(Path dir) {
        ObjectMapper json = new ObjectMapper();
        return new CollateralStore() {
            private Path file(String source, String key) {
                String name = Hex.encode(Digests.sha256((source + "\n" + key).getBytes(StandardCharsets.UTF_8)));
                return dir.resolve(source).resolve(name + ".json");
            }

            @Override
            public Optional<CollateralCache.Item> get(String source, String key) {
                Path f = file(source, key);
                try {
                    if (!Files.isRegularFile(f)) {
                        return Optional.empty();
                    }
                    var n = json.readTree(f.toFile());
                    Map<String, String> headers = new TreeMap<>();
                    n.get("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
                    return Optional.of(new CollateralCache.Item(Base64.getDecoder().decode(n.get("body").asText()),
                            headers, Instant.parse(n.get("fetched_at").asText()),
                            Instant.parse(n.get("valid_until").asText())));
                } catch (IOException | RuntimeException e) {
                    return Optional.empty();
                }
            }

            @Override
            public void put(String source, String key, CollateralCache.Item item) {
                Path f = file(source, key);
                try {
                    Files.createDirectories(f.getParent());
                    ObjectNode n = json.createObjectNode();
                    n.put("key", key);
                    n.put("body", Base64.getEncoder().encodeToString(item.body()));
                    n.set("headers", json.valueToTree(item.headers()));
                    n.put("fetched_at", item.fetchedAt().toString());
                    n.put("valid_until", item.validUntil().toString());
                    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
                    json.writeValue(tmp.toFile(), n);
                    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // Best effort: a full disk costs a re-fetch after restart, never an attestation.
                }
            }
        };
    }
}

package org.openanolis.attestation.verifier.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A directory written by {@link LogExport}, read back as a {@link LogSource} for an offline audit.
 * The manifest is parsed strictly (unknown keys are errors); entry and collateral files are read
 * on demand; proofs absent from the manifest are reported as unavailable.
 */
public final class ExportedLog implements LogSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("format", "origin", "tree_size", "from", "to",
            "inclusion_proofs", "consistency_proofs");

    private final Path dir;
    private final long treeSize;
    private final long from;
    private final long to;
    private final Map<Long, List<Sha256Digest>> inclusion = new HashMap<>();
    private final Map<Long, List<Sha256Digest>> consistency = new HashMap<>();

    private ExportedLog(Path dir, long treeSize, long from, long to) {
        this.dir = dir;
        this.treeSize = treeSize;
        this.from = from;
        this.to = to;
    }

    /** Opens an export directory. */
    public static ExportedLog open(Path dir) throws LogFormatException, LogStorageException {
        JsonNode root;
        try {
            root = JSON.readTree(dir.resolve("export.json").toFile());
        } catch (IOException e) {
            throw new LogStorageException("cannot read " + dir.resolve("export.json"), e);
        }
        if (root == null || !root.isObject()) {
            throw new LogFormatException("export", "export.json must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new LogFormatException("export." + k, "unknown key");
            }
        }
        if (!LogExport.FORMAT.equals(root.path("format").asText(null))) {
            throw new LogFormatException("export.format", "must be " + LogExport.FORMAT);
        }
        long size = number(root, "tree_size");
        long from = number(root, "from");
        long to = number(root, "to");
        if (from > to || to > size) {
            throw new LogFormatException("export", "range [" + from + ", " + to + ") does not fit tree size " + size);
        }
        ExportedLog log = new ExportedLog(dir, size, from, to);
        JsonNode inc = root.path("inclusion_proofs");
        if (!inc.isObject()) {
            throw new LogFormatException("export.inclusion_proofs", "must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = inc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            long idx;
            try {
                idx = Long.parseLong(e.getKey());
            } catch (NumberFormatException ex) {
                throw new LogFormatException("export.inclusion_proofs", "key is not an index: " + e.getKey(), ex);
            }
            log.inclusion.put(idx, hashes(e.getValue(), "export.inclusion_proofs." + idx));
        }
        JsonNode cons = root.path("consistency_proofs");
        if (!cons.isArray()) {
            throw new LogFormatException("export.consistency_proofs", "must be an array");
        }
        for (JsonNode c : cons) {
            log.consistency.put(number(c, "from_size"), hashes(c.path("proof"), "export.consistency_proofs.proof"));
        }
        return log;
    }

    private static long number(JsonNode node, String field) throws LogFormatException {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToExactIntegral() || v.asLong() < 0) {
            throw new LogFormatException("export." + field, "must be a non-negative integer");
        }
        return v.asLong();
    }

    private static List<Sha256Digest> hashes(JsonNode node, String field) throws LogFormatException {
        if (!node.isArray()) {
            throw new LogFormatException(field, "must be an array of hex hashes");
        }
        List<Sha256Digest> out = new ArrayList<>();
        for (JsonNode h : node) {
            if (!h.isTextual() || !h.asText().matches("[0-9a-f]{64}")) {
                throw new LogFormatException(field, "must hold 64 lower-case hex digits per hash");
            }
            out.add(Sha256Digest.ofHex(h.asText()));
        }
        return List.copyOf(out);
    }

    /** The tree size the export's proofs are for. */
    public long treeSize() {
        return treeSize;
    }

    @Override
    public Optional<String> latestCheckpointNote() throws LogStorageException {
        try {
            return Optional.of(Files.readString(dir.resolve("checkpoint"), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LogStorageException("cannot read the checkpoint", e);
        }
    }

    @Override
    public long firstIndex() {
        return from;
    }

    @Override
    public long endIndex() {
        return to;
    }

    @Override
    public boolean wholeLog() {
        return false;
    }

    @Override
    public SortedMap<Long, byte[]> entries(long rangeFrom, long rangeTo) throws LogStorageException {
        SortedMap<Long, byte[]> out = new TreeMap<>();
        for (long idx = Math.max(rangeFrom, from); idx < Math.min(rangeTo, to); idx++) {
            Path file = dir.resolve("entries").resolve(idx + ".cbor");
            try {
                out.put(idx, Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                // Absent: the auditor reports the index as missing.
            } catch (IOException e) {
                throw new LogStorageException("cannot read " + file, e);
            }
        }
        return out;
    }

    @Override
    public Optional<byte[]> collateral(Sha256Digest digest) throws LogStorageException {
        try {
            return Optional.of(Files.readAllBytes(dir.resolve("collateral").resolve(digest.hex())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LogStorageException("cannot read collateral " + digest, e);
        }
    }

    @Override
    public List<Sha256Digest> inclusionProof(long index, long size) throws LogStorageException {
        List<Sha256Digest> proof = size == treeSize ? inclusion.get(index) : null;
        if (proof == null) {
            throw new LogStorageException("the export has no inclusion proof of " + index + " in size " + size);
        }
        return proof;
    }

    @Override
    public List<Sha256Digest> consistencyProof(long size1, long size2) throws LogStorageException {
        List<Sha256Digest> proof = size2 == treeSize ? consistency.get(size1) : null;
        if (proof == null) {
            throw new LogStorageException("the export has no consistency proof from " + size1 + " to " + size2);
        }
        return proof;
    }
}

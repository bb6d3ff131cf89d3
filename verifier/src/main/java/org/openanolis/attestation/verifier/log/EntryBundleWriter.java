package org.openanolis.attestation.verifier.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.openanolis.attestation.certs.Hex;

/**
 * Writes a log entry as attestation bundles ({@code shared/design/bundle-format.md}), one per
 * submodule ({@code <dir>/<submodule>/manifest.json} plus files), with {@code verify_at} = the
 * recorded instant, so that the offline {@code verify} command can re-check any past decision.
 * Evidence documented as a hex value ({@code nonce}) goes into the manifest as hex; OCSP responses
 * recorded as {@code ocsp/<serial>} become the nested {@code ocsp} object.
 */
public final class EntryBundleWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> HEX_EVIDENCE = Set.of("nonce");
    /**
     * Evidence the service records that is not a bundle-format evidence key: written beside the
     * manifest as {@code <kind>.bin} but not listed in it, so the bundle stays readable.
     */
    private static final Set<String> SIDE_EVIDENCE = Set.of("runtime_data");

    private EntryBundleWriter() {}

    /**
     * Writes the bundles of {@code entry} under {@code dir}.
     *
     * @param collateral resolves each referenced digest to its bytes
     * @return the bundle directories written, by submodule
     */
    public static Map<String, Path> write(LogEntry entry, ReplayEngine.CollateralResolver collateral, Path dir)
            throws IOException, ReplayEngine.ReplayException {
        Set<String> submodules = new LinkedHashSet<>();
        entry.evidence().forEach(e -> submodules.add(e.submodule()));
        Map<String, Path> written = new LinkedHashMap<>();
        for (String submodule : submodules) {
            Path bundle = dir.resolve(safeName(submodule));
            Files.createDirectories(bundle);
            String tee = null;
            Map<String, Object> evidence = new LinkedHashMap<>();
            for (EvidenceItem e : entry.evidence()) {
                if (!e.submodule().equals(submodule)) {
                    continue;
                }
                if (tee != null && !tee.equals(e.tee())) {
                    throw new IllegalArgumentException("submodule " + submodule + " mixes TEEs " + tee + " and " + e.tee());
                }
                tee = e.tee();
                if (SIDE_EVIDENCE.contains(e.kind())) {
                    Files.write(bundle.resolve(safeName(e.kind()) + ".bin"), e.bytes());
                } else if (HEX_EVIDENCE.contains(e.kind())) {
                    evidence.put(e.kind(), Hex.encode(e.bytes()));
                } else {
                    String file = safeName(e.kind()) + extension(e.kind(), e.bytes());
                    Files.write(bundle.resolve(file), e.bytes());
                    evidence.put(e.kind(), file);
                }
            }
            Map<String, Object> col = new LinkedHashMap<>();
            Map<String, Object> ocsp = new LinkedHashMap<>();
            for (CollateralReference ref : entry.collateral()) {
                if (!ref.submodule().equals(submodule)) {
                    continue;
                }
                byte[] bytes = collateral.bytes(ref);
                if (ref.kind().startsWith("ocsp/")) {
                    String serial = ref.kind().substring("ocsp/".length());
                    String file = "ocsp-" + safeName(serial) + ".der";
                    Files.write(bundle.resolve(file), bytes);
                    ocsp.put(serial, file);
                } else {
                    String file = safeName(ref.kind()) + extension(ref.kind(), bytes);
                    Files.write(bundle.resolve(file), bytes);
                    col.put(ref.kind(), file);
                }
            }
            if (!ocsp.isEmpty()) {
                col.put("ocsp", ocsp);
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", "attestation-bundle/v1");
            manifest.put("tee", tee);
            manifest.put("verify_at", entry.instant().toString());
            manifest.put("evidence", evidence);
            manifest.put("collateral", col);
            Files.write(bundle.resolve("manifest.json"), JSON.writeValueAsBytes(manifest));
            written.put(submodule, bundle);
        }
        return written;
    }

    /**
     * Writes a release receipt record as {@code <dir>/receipt.json} (its fields; it has no
     * evidence or collateral, so no attestation bundle).
     *
     * @return the file written
     */
    public static Path writeReceipt(ReleaseReceiptRecord receipt, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "release-receipt-record/v" + ReleaseReceiptRecord.FORMAT_VERSION);
        m.putAll(receipt.toJson());
        m.remove(ReleaseReceiptRecord.KIND_KEY);
        Path file = dir.resolve("receipt.json");
        Files.write(file, JSON.writeValueAsBytes(m));
        return file;
    }

    private static String extension(String kind, byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 16), StandardCharsets.ISO_8859_1).stripLeading();
        if (head.startsWith("-----BEGIN")) {
            return ".pem";
        }
        if (head.startsWith("{")) {
            return ".json";
        }
        if (head.startsWith("<")) {
            return ".xml";
        }
        return kind.contains("crl") || kind.equals("vek") ? ".der" : ".bin";
    }

    private static String safeName(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}

package org.openanolis.attestation.verifier.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openanolis.attestation.certs.Hex;

/**
 * An attestation bundle ({@code shared/design/bundle-format.md}): the evidence, the collateral and
 * the instant of one verification. Unknown keys are errors so a typo never silently drops a check.
 *
 * <p>Files are read when asked for; the map values are paths relative to the bundle directory.
 * The {@code ocsp} collateral of GPU bundles is an object (serial hex → path) and is kept as
 * {@link #ocspResponses()}.
 */
public final class AttestationBundle {
    public static final String FORMAT = "attestation-bundle/v1";
    /** Largest file a bundle may name; evidence and collateral are kilobytes, not megabytes. */
    public static final long MAX_FILE_BYTES = 8L * 1024 * 1024;

    private static final Set<String> TOP_LEVEL = Set.of("format", "tee", "verify_at", "evidence", "collateral");
    private static final Map<String, Set<String>> EVIDENCE_KEYS = Map.of(
            "tdx", Set.of("quote"),
            "sgx", Set.of("quote"),
            "snp", Set.of("report"),
            "nvgpu", Set.of("report", "cert_chain", "nonce"),
            "nvswitch", Set.of("report", "cert_chain", "nonce"));
    private static final Map<String, Set<String>> COLLATERAL_KEYS = Map.of(
            "tdx", Set.of("tcb_info", "tcb_info_issuer_chain", "qe_identity", "qe_identity_issuer_chain",
                    "pck_crl", "pck_crl_issuer_chain", "root_ca_crl", "pck_chain"),
            "sgx", Set.of("tcb_info", "tcb_info_issuer_chain", "qe_identity", "qe_identity_issuer_chain",
                    "pck_crl", "pck_crl_issuer_chain", "root_ca_crl", "pck_chain"),
            "snp", Set.of("vek", "ask", "asvk", "ark", "crl"),
            "nvgpu", Set.of("driver_rim", "vbios_rim", "ocsp"),
            "nvswitch", Set.of("bios_rim", "ocsp"));
    /** Evidence values documented as hex strings rather than paths. */
    private static final Set<String> HEX_VALUES = Set.of("nonce");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String tee;
    private final Instant verifyAt;
    private final Map<String, String> evidence;
    private final Map<String, String> collateral;
    private final Map<String, String> ocspResponses;

    private AttestationBundle(Path dir, String tee, Instant verifyAt, Map<String, String> evidence,
                              Map<String, String> collateral, Map<String, String> ocsp) {
        this.dir = dir;
        this.tee = tee;
        this.verifyAt = verifyAt;
        this.evidence = Collections.unmodifiableMap(evidence);
        this.collateral = Collections.unmodifiableMap(collateral);
        this.ocspResponses = Collections.unmodifiableMap(ocsp);
    }

    /** Reads and validates {@code dir/manifest.json}. */
    public static AttestationBundle read(Path dir) throws BundleException {
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            throw new BundleException("no manifest.json in " + dir);
        }
        JsonNode root;
        try {
            root = JSON.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new BundleException("manifest.json is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BundleException("manifest.json must be a JSON object");
        }
        rejectUnknown(root, TOP_LEVEL, "manifest");
        if (!FORMAT.equals(text(root, "format"))) {
            throw new BundleException("manifest.format must be " + FORMAT);
        }
        String tee = text(root, "tee");
        if (tee == null || !EVIDENCE_KEYS.containsKey(tee)) {
            throw new BundleException("manifest.tee must be one of " + EVIDENCE_KEYS.keySet() + ", got " + tee);
        }
        Instant at = null;
        String atText = text(root, "verify_at");
        if (atText != null) {
            try {
                at = Instant.parse(atText);
            } catch (DateTimeParseException e) {
                throw new BundleException("manifest.verify_at is not an RFC 3339 instant: " + atText, e);
            }
        }
        Map<String, String> ev = strings(root.get("evidence"), EVIDENCE_KEYS.get(tee), "evidence", null);
        Map<String, String> ocsp = new LinkedHashMap<>();
        Map<String, String> col = strings(root.get("collateral"), COLLATERAL_KEYS.get(tee), "collateral", ocsp);
        return new AttestationBundle(dir, tee, at, ev, col, ocsp);
    }

    private static String text(JsonNode node, String field) throws BundleException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BundleException("manifest." + field + " must be a string");
        }
        return v.asText();
    }

    private static void rejectUnknown(JsonNode obj, Set<String> known, String where) throws BundleException {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new BundleException("unknown key " + where + "." + k + " (known: " + known + ")");
            }
        }
    }

    private static Map<String, String> strings(JsonNode obj, Set<String> known, String where,
                                               Map<String, String> ocspOut) throws BundleException {
        Map<String, String> out = new LinkedHashMap<>();
        if (obj == null || obj.isNull()) {
            return out;
        }
        if (!obj.isObject()) {
            throw new BundleException("manifest." + where + " must be an object");
        }
        rejectUnknown(obj, known, "manifest." + where);
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("ocsp".equals(e.getKey()) && ocspOut != null) {
                if (!e.getValue().isObject()) {
                    throw new BundleException("manifest.collateral.ocsp must be an object of serial -> path");
                }
                for (Iterator<Map.Entry<String, JsonNode>> o = e.getValue().fields(); o.hasNext(); ) {
                    Map.Entry<String, JsonNode> oe = o.next();
                    if (!oe.getValue().isTextual()) {
                        throw new BundleException("manifest.collateral.ocsp." + oe.getKey() + " must be a path");
                    }
                    ocspOut.put(oe.getKey().toLowerCase(java.util.Locale.ROOT), oe.getValue().asText());
                }
                continue;
            }
            if (!e.getValue().isTextual()) {
                throw new BundleException("manifest." + where + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    public Path directory() {
        return dir;
    }

    /** One of {@code tdx}, {@code sgx}, {@code snp}, {@code nvgpu}, {@code nvswitch}. */
    public String tee() {
        return tee;
    }

    /** The instant the manifest pins, if any. */
    public Optional<Instant> verifyAt() {
        return Optional.ofNullable(verifyAt);
    }

    public boolean hasEvidence(String key) {
        return evidence.containsKey(key);
    }

    public boolean hasCollateral(String key) {
        return collateral.containsKey(key);
    }

    /** The bytes of an evidence item; {@code .hex} files and hex-valued keys are decoded. */
    public Optional<byte[]> evidence(String key) throws BundleException {
        String v = evidence.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (HEX_VALUES.contains(key)) {
            try {
                return Optional.of(Hex.decode(v));
            } catch (IllegalArgumentException e) {
                throw new BundleException("evidence." + key + " is not hex", e);
            }
        }
        return Optional.of(readFile(v, "evidence." + key));
    }

    /** The bytes of a collateral item, or empty when the manifest does not name it. */
    public Optional<byte[]> collateral(String key) throws BundleException {
        String v = collateral.get(key);
        return v == null ? Optional.empty() : Optional.of(readFile(v, "collateral." + key));
    }

    /** OCSP responses by certificate serial (lower-case hex) → DER bytes. */
    public Map<String, byte[]> ocspResponses() throws BundleException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ocspResponses.entrySet()) {
            out.put(e.getKey(), readFile(e.getValue(), "collateral.ocsp." + e.getKey()));
        }
        return out;
    }

    /** The manifest's evidence map (key → relative path or hex). */
    public Map<String, String> evidenceEntries() {
        return evidence;
    }

    /** The manifest's collateral map without {@code ocsp}. */
    public Map<String, String> collateralEntries() {
        return collateral;
    }

    private byte[] readFile(String relative, String field) throws BundleException {
        Path base = dir.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base)) {
            throw new BundleException(field + " points outside the bundle: " + relative);
        }
        try {
            if (!Files.isRegularFile(p)) {
                throw new BundleException(field + ": file not found: " + relative);
            }
            if (Files.size(p) > MAX_FILE_BYTES) {
                throw new BundleException(field + ": file larger than " + MAX_FILE_BYTES + " bytes");
            }
            byte[] raw = Files.readAllBytes(p);
            if (relative.endsWith(".hex")) {
                try {
                    return Hex.decode(new String(raw, java.nio.charset.StandardCharsets.US_ASCII));
                } catch (IllegalArgumentException e) {
                    throw new BundleException(field + ": not hex text", e);
                }
            }
            return raw;
        } catch (IOException e) {
            throw new BundleException(field + ": cannot read " + relative + ": " + e.getMessage(), e);
        }
    }
}

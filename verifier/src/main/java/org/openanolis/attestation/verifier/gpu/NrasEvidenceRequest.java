package org.openanolis.attestation.verifier.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The evidence set of an NRAS-style request ({@code gpu-verification.md} §1): {@code {"nonce": hex,
 * "arch": "HOPPER"|"BLACKWELL"|"LS10", "evidence_list": [{"evidence": base64(report),
 * "certificate": base64(PEM chain)}, …]}}, optionally {@code "claims_version"}. All devices share
 * the nonce and the architecture; LS10 evidence is {@code nvswitch}, the others {@code nvgpu}.
 * Unknown keys are errors, as in bundles.
 */
public record NrasEvidenceRequest(byte[] nonce, GpuArchitecture architecture, List<GpuEvidence> evidence) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("nonce", "arch", "evidence_list", "claims_version");
    private static final Set<String> ITEM = Set.of("evidence", "certificate", "arch");
    /** Largest request accepted (12 devices of ~10 KiB each, base64). */
    public static final int MAX_LENGTH = 1024 * 1024;

    public NrasEvidenceRequest {
        nonce = nonce.clone();
        evidence = List.copyOf(evidence);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** Parses the JSON body; anything malformed is {@code MALFORMED_EVIDENCE} naming the field. */
    public static NrasEvidenceRequest parse(byte[] json) throws VerificationException {
        if (json.length > MAX_LENGTH) {
            throw malformed("request", "larger than " + MAX_LENGTH + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw malformed("request", "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw malformed("request", "not a JSON object");
        }
        rejectUnknown(root, TOP, "request");
        String nonceHex = text(root, "nonce", "request.nonce");
        byte[] nonce;
        try {
            nonce = Hex.decode(nonceHex);
        } catch (IllegalArgumentException e) {
            throw malformed("request.nonce", "not hex");
        }
        String archText = text(root, "arch", "request.arch");
        GpuArchitecture arch = GpuArchitecture.parse(archText.toUpperCase(Locale.ROOT))
                .orElseThrow(() -> malformed("request.arch", "unsupported architecture " + archText));
        JsonNode list = root.get("evidence_list");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw malformed("request.evidence_list", "must be a non-empty array");
        }
        List<GpuEvidence> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String f = "request.evidence_list[" + i + "]";
            if (!item.isObject()) {
                throw malformed(f, "not an object");
            }
            rejectUnknown(item, ITEM, f);
            byte[] report = base64(text(item, "evidence", f + ".evidence"), f + ".evidence");
            byte[] chain = base64(text(item, "certificate", f + ".certificate"), f + ".certificate");
            out.add(GpuEvidence.fromPem(arch.tee(), arch, report, chain));
        }
        return new NrasEvidenceRequest(nonce, arch, out);
    }

    private static void rejectUnknown(JsonNode obj, Set<String> known, String where) throws VerificationException {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw malformed(where + "." + k, "unknown key");
            }
        }
    }

    private static String text(JsonNode obj, String key, String field) throws VerificationException {
        JsonNode v = obj.get(key);
        if (v == null || !v.isTextual()) {
            throw malformed(field, "missing or not a string");
        }
        return v.asText();
    }

    private static byte[] base64(String s, String field) throws VerificationException {
        try {
            return Base64.getMimeDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw malformed(field, "not base64");
        }
    }

    private static VerificationException malformed(String field, String message) {
        return new VerificationException(ReasonCode.MALFORMED_EVIDENCE, field, field + ": " + message);
    }
}

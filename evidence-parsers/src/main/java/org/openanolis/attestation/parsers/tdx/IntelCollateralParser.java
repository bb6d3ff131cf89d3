package org.openanolis.attestation.parsers.tdx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * Parses Intel's signed JSON collateral: TCB info ({@code {"tcbInfo":{...},"signature":"..."}}) and
 * enclave identity ({@code {"enclaveIdentity":{...},"signature":"..."}}). The signed bytes are cut
 * out of the body verbatim (the signature covers the exact bytes Intel served, so re-serialising
 * would break it; {@code tdx-verification.md} 2.3). Every defect is
 * {@link ReasonCode#COLLATERAL_INVALID} naming the field. No cryptography happens here.
 */
public final class IntelCollateralParser {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");

    private IntelCollateralParser() {}

    /**
     * Splits a body {@code {"<objectKey>": {...}, "signature": "<128 hex>"}} into the exact bytes of
     * the inner object and the signature. Other top-level keys are rejected.
     */
    public static SignedCollateral split(byte[] body, String objectKey, String field) throws VerificationException {
        int start = -1;
        int end = -1;
        String signatureHex = null;
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(field, "body is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (objectKey.equals(name)) {
                    if (v != JsonToken.START_OBJECT) {
                        throw invalid(field + "." + objectKey, objectKey + " is not an object");
                    }
                    start = Math.toIntExact(p.currentTokenLocation().getByteOffset());
                    p.skipChildren();
                    end = Math.toIntExact(p.currentTokenLocation().getByteOffset()) + 1;
                } else if ("signature".equals(name)) {
                    if (v != JsonToken.VALUE_STRING) {
                        throw invalid(field + ".signature", "signature is not a string");
                    }
                    signatureHex = p.getText();
                } else {
                    throw invalid(field + "." + name, "unexpected top-level key " + name);
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw invalid(field, "trailing content after the JSON object");
            }
        } catch (IOException | RuntimeException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": not valid JSON: " + e.getMessage(), e);
        }
        if (start < 0 || end <= start || end > body.length || body[start] != '{' || body[end - 1] != '}') {
            throw invalid(field + "." + objectKey, "missing " + objectKey + " object");
        }
        if (signatureHex == null) {
            throw invalid(field + ".signature", "missing signature");
        }
        byte[] sig = hex(signatureHex, 64, field + ".signature");
        return new SignedCollateral(Arrays.copyOfRange(body, start, end), sig);
    }

    /** Parses the inner {@code tcbInfo} object (version 3, id TDX or SGX). */
    public static TcbInfo parseTcbInfo(byte[] tcbInfoObject) throws VerificationException {
        String f = "tcb_info";
        JsonNode n = tree(tcbInfoObject, f);
        String id = text(n, "id", f);
        if (!TcbInfo.ID_TDX.equals(id) && !TcbInfo.ID_SGX.equals(id)) {
            throw mismatch(f + ".id", "TDX or SGX", id);
        }
        int version = intIn(n, "version", 0, Integer.MAX_VALUE, f);
        if (version != 3) {
            throw mismatch(f + ".version", "3", String.valueOf(version));
        }
        Instant issue = instant(n, "issueDate", f);
        Instant next = instant(n, "nextUpdate", f);
        String fmspc = hexText(n, "fmspc", 6, f);
        String pceId = hexText(n, "pceId", 2, f);
        int tcbType = intIn(n, "tcbType", 0, Integer.MAX_VALUE, f);
        if (tcbType != 0) {
            throw mismatch(f + ".tcbType", "0", String.valueOf(tcbType));
        }
        long evalNum = intIn(n, "tcbEvaluationDataNumber", 0, Integer.MAX_VALUE, f);
        boolean tdx = TcbInfo.ID_TDX.equals(id);
        TdxModuleIdentity module = null;
        List<TdxModuleIdentity> identities = null;
        if (tdx) {
            JsonNode m = n.get("tdxModule");
            if (m == null || !m.isObject()) {
                throw invalid(f + ".tdxModule", "TDX TCB info lacks tdxModule");
            }
            module = moduleIdentity(m, false, f + ".tdxModule");
            JsonNode ids = n.get("tdxModuleIdentities");
            if (ids != null) {
                if (!ids.isArray()) {
                    throw invalid(f + ".tdxModuleIdentities", "not an array");
                }
                identities = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < ids.size(); i++) {
                    TdxModuleIdentity mi = moduleIdentity(ids.get(i), true, f + ".tdxModuleIdentities[" + i + "]");
                    if (!seen.add(mi.id().toUpperCase(Locale.ROOT))) {
                        throw invalid(f + ".tdxModuleIdentities[" + i + "].id", "duplicate module identity " + mi.id());
                    }
                    identities.add(mi);
                }
            }
        }
        JsonNode levels = n.get("tcbLevels");
        if (levels == null || !levels.isArray() || levels.isEmpty()) {
            throw invalid(f + ".tcbLevels", "tcbLevels missing or empty");
        }
        List<TcbLevel> out = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            out.add(tcbLevel(levels.get(i), tdx, f + ".tcbLevels[" + i + "]"));
        }
        out.sort(Comparator.reverseOrder());
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).compareTo(out.get(i - 1)) == 0) {
                throw invalid(f + ".tcbLevels", "duplicate TCB level");
            }
        }
        return new TcbInfo(id, version, issue, next, fmspc, pceId, tcbType, evalNum, module, identities, out);
    }

    /** Parses the inner {@code enclaveIdentity} object (version 2; id is checked by the verifier). */
    public static QeIdentity parseQeIdentity(byte[] identityObject) throws VerificationException {
        String f = "qe_identity";
        JsonNode n = tree(identityObject, f);
        String id = text(n, "id", f);
        int version = intIn(n, "version", 0, Integer.MAX_VALUE, f);
        if (version != 2) {
            throw mismatch(f + ".version", "2", String.valueOf(version));
        }
        Instant issue = instant(n, "issueDate", f);
        Instant next = instant(n, "nextUpdate", f);
        long evalNum = intIn(n, "tcbEvaluationDataNumber", 0, Integer.MAX_VALUE, f);
        String misc = hexText(n, "miscselect", 4, f);
        String miscMask = hexText(n, "miscselectMask", 4, f);
        String attr = hexText(n, "attributes", 16, f);
        String attrMask = hexText(n, "attributesMask", 16, f);
        String mrSigner = hexText(n, "mrsigner", 32, f);
        int isvProdId = intIn(n, "isvprodid", 0, 0xffff, f);
        List<IsvTcbLevel> levels = isvLevels(n.get("tcbLevels"), f + ".tcbLevels");
        List<IsvTcbLevel> sorted = new ArrayList<>(levels);
        sorted.sort(Comparator.comparingInt(IsvTcbLevel::isvSvn).reversed());
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).isvSvn() == sorted.get(i - 1).isvSvn()) {
                throw invalid(f + ".tcbLevels", "duplicate isvsvn " + sorted.get(i).isvSvn());
            }
        }
        return new QeIdentity(id, version, issue, next, evalNum, misc, miscMask, attr, attrMask, mrSigner,
                isvProdId, sorted);
    }

    private static TdxModuleIdentity moduleIdentity(JsonNode m, boolean withLevels, String f) throws VerificationException {
        if (m == null || !m.isObject()) {
            throw invalid(f, "not an object");
        }
        String id = withLevels ? text(m, "id", f) : null;
        String mrSigner = hexText(m, "mrsigner", 48, f);
        String attributes = hexText(m, "attributes", 8, f);
        String mask = hexText(m, "attributesMask", 8, f);
        List<IsvTcbLevel> levels = withLevels ? isvLevels(m.get("tcbLevels"), f + ".tcbLevels") : List.of();
        if (withLevels) {
            for (IsvTcbLevel l : levels) {
                if (l.status() != TcbStatus.UP_TO_DATE && l.status() != TcbStatus.OUT_OF_DATE
                        && l.status() != TcbStatus.REVOKED) {
                    throw invalid(f + ".tcbLevels", "module level status " + l.status().jsonName() + " not allowed");
                }
            }
        }
        return new TdxModuleIdentity(id, mrSigner, attributes, mask, levels);
    }

    private static List<IsvTcbLevel> isvLevels(JsonNode levels, String f) throws VerificationException {
        if (levels == null || !levels.isArray() || levels.isEmpty()) {
            throw invalid(f, "tcbLevels missing or empty");
        }
        List<IsvTcbLevel> out = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            JsonNode l = levels.get(i);
            String lf = f + "[" + i + "]";
            if (!l.isObject()) {
                throw invalid(lf, "not an object");
            }
            JsonNode tcb = l.get("tcb");
            if (tcb == null || !tcb.isObject()) {
                throw invalid(lf + ".tcb", "missing tcb");
            }
            int isvSvn = intIn(tcb, "isvsvn", 0, 0xffff, lf + ".tcb");
            out.add(new IsvTcbLevel(isvSvn, instant(l, "tcbDate", lf), status(l, lf), advisories(l, lf)));
        }
        return out;
    }

    private static TcbLevel tcbLevel(JsonNode l, boolean tdx, String f) throws VerificationException {
        if (l == null || !l.isObject()) {
            throw invalid(f, "not an object");
        }
        JsonNode tcb = l.get("tcb");
        if (tcb == null || !tcb.isObject()) {
            throw invalid(f + ".tcb", "missing tcb");
        }
        int[] sgx = components(tcb.get("sgxtcbcomponents"), f + ".tcb.sgxtcbcomponents");
        int pceSvn = intIn(tcb, "pcesvn", 0, 0xffff, f + ".tcb");
        int[] tdxComps = null;
        if (tdx) {
            tdxComps = components(tcb.get("tdxtcbcomponents"), f + ".tcb.tdxtcbcomponents");
        }
        return new TcbLevel(sgx, pceSvn, tdxComps, instant(l, "tcbDate", f), status(l, f), advisories(l, f));
    }

    private static int[] components(JsonNode arr, String f) throws VerificationException {
        if (arr == null || !arr.isArray() || arr.size() != 16) {
            throw invalid(f, "must be an array of 16 components");
        }
        int[] out = new int[16];
        for (int i = 0; i < 16; i++) {
            JsonNode c = arr.get(i);
            if (!c.isObject()) {
                throw invalid(f + "[" + i + "]", "not an object");
            }
            out[i] = intIn(c, "svn", 0, 255, f + "[" + i + "]");
        }
        return out;
    }

    private static TcbStatus status(JsonNode l, String f) throws VerificationException {
        String s = text(l, "tcbStatus", f);
        TcbStatus st = TcbStatus.levelStatus(s);
        if (st == null) {
            throw invalid(f + ".tcbStatus", "unrecognised TCB status " + s);
        }
        return st;
    }

    private static List<String> advisories(JsonNode l, String f) throws VerificationException {
        JsonNode a = l.get("advisoryIDs");
        if (a == null) {
            return List.of();
        }
        if (!a.isArray()) {
            throw invalid(f + ".advisoryIDs", "not an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : a) {
            if (!x.isTextual()) {
                throw invalid(f + ".advisoryIDs", "advisory id is not a string");
            }
            out.add(x.asText());
        }
        return out;
    }

    private static JsonNode tree(byte[] json, String f) throws VerificationException {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || !n.isObject()) {
                throw invalid(f, "not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, f, f + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String key, String f) throws VerificationException {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw invalid(f + "." + key, "missing or not a string");
        }
        return v.asText();
    }

    private static int intIn(JsonNode n, String key, int min, int max, String f) throws VerificationException {
        JsonNode v = n.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw invalid(f + "." + key, "missing or not an integer in " + min + ".." + max);
        }
        return v.asInt();
    }

    private static Instant instant(JsonNode n, String key, String f) throws VerificationException {
        String s = text(n, key, f);
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(f + "." + key, "not an ISO-8601 date-time: " + s);
        }
    }

    /** A hex field of exactly {@code bytes} bytes, returned lower-case (Intel serves both cases). */
    private static String hexText(JsonNode n, String key, int bytes, String f) throws VerificationException {
        String s = text(n, key, f);
        hex(s, bytes, f + "." + key);
        return s.toLowerCase(Locale.ROOT);
    }

    private static byte[] hex(String s, int bytes, String field) throws VerificationException {
        if (s.length() != 2 * bytes || !HEX.matcher(s).matches()) {
            throw invalid(field, "must be " + 2 * bytes + " hex characters");
        }
        return Hex.decode(s);
    }

    private static VerificationException invalid(String field, String message) {
        return new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": " + message);
    }

    private static VerificationException mismatch(String field, String expected, String actual) {
        return VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, field, expected, actual);
    }
}

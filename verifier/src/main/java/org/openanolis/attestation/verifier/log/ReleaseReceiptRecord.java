package org.openanolis.attestation.verifier.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A release receipt as recorded in the verification log: a gateway released model key
 * {@code model_key_id} against the token {@code token_jti} (issued for the attestation entry at
 * {@code attestation_index}) by wrapping it to the TEE key with RFC 7638 thumbprint
 * {@code tee_key_thumbprint}. A second record kind beside {@link LogEntry}: deterministic CBOR,
 * hashed into the same Merkle tree, told apart by its own top-level key {@value #KIND_KEY}, which
 * an attestation entry never has (docs/verification-log.md, "Release receipt records").
 *
 * <p>Layout (format version {@value #FORMAT_VERSION}), exactly these keys:
 * {@code receipt} (the format version), {@code token_jti}, {@code token_sha256} (SHA-256 of the
 * compact token presented), {@code attestation_index}, {@code model_key_id},
 * {@code tee_key_thumbprint}, {@code released_at} (epoch seconds, as the gateway said),
 * {@code gateway}, {@code instant} (when the service recorded it; the receipt's {@code iat}).
 */
public final class ReleaseReceiptRecord {
    /** The discriminating top-level key; its value is the format version. */
    public static final String KIND_KEY = "receipt";
    /** The value of {@value #KIND_KEY}; bumped on any incompatible layout change. */
    public static final long FORMAT_VERSION = 1;
    /** Longest {@code model_key_id} or {@code gateway}. */
    public static final int MAX_NAME_LENGTH = 256;

    private static final Set<String> TOP_KEYS = Set.of(KIND_KEY, "token_jti", "token_sha256", "attestation_index",
            "model_key_id", "tee_key_thumbprint", "released_at", "gateway", "instant");
    private static final Pattern THUMBPRINT = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String tokenJti;
    private final Sha256Digest tokenSha256;
    private final long attestationIndex;
    private final String modelKeyId;
    private final String teeKeyThumbprint;
    private final Instant releasedAt;
    private final String gateway;
    private final Instant instant;

    /**
     * @throws IllegalArgumentException if a field is out of its range (names: printable ASCII
     *     without spaces, at most {@value #MAX_NAME_LENGTH} characters; thumbprint: 43 base64url
     *     characters; times: whole seconds; index not negative)
     */
    public ReleaseReceiptRecord(String tokenJti, Sha256Digest tokenSha256, long attestationIndex, String modelKeyId,
                                String teeKeyThumbprint, Instant releasedAt, String gateway, Instant instant) {
        this.tokenJti = name(tokenJti, "token_jti");
        this.tokenSha256 = Objects.requireNonNull(tokenSha256, "token_sha256");
        if (attestationIndex < 0) {
            throw new IllegalArgumentException("attestation_index must not be negative");
        }
        this.attestationIndex = attestationIndex;
        this.modelKeyId = name(modelKeyId, "model_key_id");
        if (teeKeyThumbprint == null || !THUMBPRINT.matcher(teeKeyThumbprint).matches()) {
            throw new IllegalArgumentException("tee_key_thumbprint must be 43 base64url characters (RFC 7638 SHA-256)");
        }
        this.teeKeyThumbprint = teeKeyThumbprint;
        this.releasedAt = wholeSeconds(releasedAt, "released_at");
        this.gateway = name(gateway, "gateway");
        this.instant = wholeSeconds(instant, "instant");
    }

    private static String name(String value, String field) {
        LogNames.requireName(value, field);
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return value;
    }

    private static Instant wholeSeconds(Instant t, String field) {
        Objects.requireNonNull(t, field);
        if (t.getNano() != 0 || t.getEpochSecond() < 0) {
            throw new IllegalArgumentException(field + " must be a non-negative whole number of seconds");
        }
        return t;
    }

    public String tokenJti() {
        return tokenJti;
    }

    public Sha256Digest tokenSha256() {
        return tokenSha256;
    }

    /** Index of the attestation entry that issued the token. */
    public long attestationIndex() {
        return attestationIndex;
    }

    public String modelKeyId() {
        return modelKeyId;
    }

    public String teeKeyThumbprint() {
        return teeKeyThumbprint;
    }

    public Instant releasedAt() {
        return releasedAt;
    }

    public String gateway() {
        return gateway;
    }

    /** When the service recorded the release (the receipt's {@code iat}). */
    public Instant instant() {
        return instant;
    }

    /** Whether {@code other} records the same release (everything but the recording instant equal). */
    public boolean sameRelease(ReleaseReceiptRecord other) {
        return tokenJti.equals(other.tokenJti) && tokenSha256.equals(other.tokenSha256)
                && attestationIndex == other.attestationIndex && modelKeyId.equals(other.modelKeyId)
                && teeKeyThumbprint.equals(other.teeKeyThumbprint) && releasedAt.equals(other.releasedAt)
                && gateway.equals(other.gateway);
    }

    /** The deterministic CBOR encoding: the bytes stored in the log and hashed into its tree. */
    public byte[] encode() {
        return DeterministicCbor.encode(toMap());
    }

    /** The record as a JSON-friendly map (digest in hex, times as in the CBOR). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = toMap();
        m.put("token_sha256", tokenSha256.hex());
        return m;
    }

    private Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(KIND_KEY, FORMAT_VERSION);
        m.put("token_jti", tokenJti);
        m.put("token_sha256", tokenSha256.bytes());
        m.put("attestation_index", attestationIndex);
        m.put("model_key_id", modelKeyId);
        m.put("tee_key_thumbprint", teeKeyThumbprint);
        m.put("released_at", releasedAt.getEpochSecond());
        m.put("gateway", gateway);
        m.put("instant", instant.toString());
        return m;
    }

    /**
     * Decodes a record from its deterministic CBOR encoding.
     *
     * @throws LogFormatException if the bytes are not the deterministic encoding of a valid record
     */
    public static ReleaseReceiptRecord decode(byte[] bytes) throws LogFormatException {
        Object value = DeterministicCbor.decode(bytes, "receipt");
        if (!(value instanceof Map<?, ?> raw)) {
            throw new LogFormatException("receipt", "must be a map");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        return fromMap(m);
    }

    static ReleaseReceiptRecord fromMap(Map<String, Object> m) throws LogFormatException {
        if (!TOP_KEYS.equals(m.keySet())) {
            throw new LogFormatException("receipt", "keys must be exactly " + new java.util.TreeSet<>(TOP_KEYS)
                    + ", got " + m.keySet());
        }
        long v = integer(m.get(KIND_KEY), "receipt.receipt");
        if (v != FORMAT_VERSION) {
            throw new LogFormatException("receipt.receipt", "unsupported receipt format version " + v);
        }
        if (!(m.get("token_sha256") instanceof byte[] digest) || digest.length != Sha256Digest.LENGTH) {
            throw new LogFormatException("receipt.token_sha256", "must be a 32-byte byte string");
        }
        Instant instant;
        try {
            instant = Instant.parse(text(m.get("instant"), "receipt.instant"));
        } catch (DateTimeParseException e) {
            throw new LogFormatException("receipt.instant", "not an RFC 3339 instant", e);
        }
        try {
            return new ReleaseReceiptRecord(text(m.get("token_jti"), "receipt.token_jti"), Sha256Digest.of(digest),
                    integer(m.get("attestation_index"), "receipt.attestation_index"),
                    text(m.get("model_key_id"), "receipt.model_key_id"),
                    text(m.get("tee_key_thumbprint"), "receipt.tee_key_thumbprint"),
                    Instant.ofEpochSecond(integer(m.get("released_at"), "receipt.released_at")),
                    text(m.get("gateway"), "receipt.gateway"), instant);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new LogFormatException("receipt", "invalid field: " + e.getMessage(), e);
        }
    }

    private static String text(Object o, String field) throws LogFormatException {
        if (!(o instanceof String s)) {
            throw new LogFormatException(field, "must be a text string");
        }
        return s;
    }

    private static long integer(Object o, String field) throws LogFormatException {
        if (!(o instanceof Long l)) {
            throw new LogFormatException(field, "must be an integer");
        }
        return l;
    }

    /**
     * The RFC 7638 thumbprint of the TEE key in an attestation entry's runtime data
     * ({@code cpu/<tee>/runtime_data}, JSON with {@code tee_pubkey}), if it has one.
     */
    public static Optional<String> teeKeyThumbprintOf(LogEntry entry) {
        for (EvidenceItem e : entry.evidence()) {
            if (!e.submodule().equals("cpu") || !e.kind().equals("runtime_data")) {
                continue;
            }
            try {
                JsonNode root = JSON.readTree(e.bytes());
                JsonNode k = root == null ? null : root.get("tee_pubkey");
                if (k == null || !k.isObject()) {
                    return Optional.empty();
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> jwk = JSON.convertValue(k, Map.class);
                return Optional.of(JWK.parse(jwk).computeThumbprint().toString());
            } catch (IOException | java.text.ParseException | JOSEException | RuntimeException ex) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether an attestation entry says a token was issued for it ({@code token_issued} in its explanation). */
    public static boolean tokenIssued(LogEntry entry) {
        return Boolean.TRUE.equals(entry.outcome().explanation().get("token_issued"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReleaseReceiptRecord r && sameRelease(r) && instant.equals(r.instant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokenJti, tokenSha256, attestationIndex, modelKeyId, teeKeyThumbprint, releasedAt, gateway,
                instant);
    }

    @Override
    public String toString() {
        return "ReleaseReceiptRecord[tokenJti=" + tokenJti + ", modelKeyId=" + modelKeyId + ", gateway=" + gateway
                + ", attestationIndex=" + attestationIndex + ", instant=" + instant + "]";
    }
}

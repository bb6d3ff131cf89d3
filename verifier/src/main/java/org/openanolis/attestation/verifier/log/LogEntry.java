package org.openanolis.attestation.verifier.log;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.openanolis.attestation.errors.ReasonCode;

/**
 * One appraisal as recorded in the verification log: the evidence, the collateral actually used
 * (by digest), the policy and reference-value versions, the verifier version, the instant, the
 * outcome, the token's {@code jti} and the request nonce.
 *
 * <p>{@link #encode()} gives the deterministic CBOR (RFC 8949 section 4.2.1) that is stored and
 * hashed into the Merkle tree; {@link #decode(byte[])} accepts only that exact encoding. The map
 * layout is documented in {@code docs/verification-log.md} ("Entry encoding"); format version
 * {@value #FORMAT_VERSION}.
 */
public final class LogEntry {
    /** The value of the {@code v} key; bumped on any incompatible layout change. */
    public static final long FORMAT_VERSION = 1;

    private static final Set<String> TOP_KEYS = Set.of("v", "evidence", "collateral", "policy",
            "reference_values", "verifier_version", "instant", "outcome", "jti", "nonce");

    private final List<EvidenceItem> evidence;
    private final List<CollateralReference> collateral;
    private final PolicyReference policy;
    private final Map<String, String> referenceValueVersions;
    private final String verifierVersion;
    private final Instant instant;
    private final AppraisalOutcome outcome;
    private final String jti;
    private final byte[] nonce;

    private LogEntry(Builder b) {
        this.evidence = List.copyOf(b.evidence);
        this.collateral = List.copyOf(b.collateral);
        this.policy = Objects.requireNonNull(b.policy, "policy");
        this.referenceValueVersions = java.util.Collections.unmodifiableMap(new TreeMap<>(b.referenceValueVersions));
        this.verifierVersion = LogNames.requireName(b.verifierVersion, "verifier_version");
        this.instant = Objects.requireNonNull(b.instant, "instant");
        this.outcome = Objects.requireNonNull(b.outcome, "outcome");
        this.jti = LogNames.requireName(b.jti, "jti");
        this.nonce = Objects.requireNonNull(b.nonce, "nonce").clone();
        if (evidence.isEmpty()) {
            throw new IllegalArgumentException("an entry records at least one evidence item");
        }
    }

    /** A builder that refuses to build until every field is set. */
    public static Builder builder() {
        return new Builder();
    }

    public List<EvidenceItem> evidence() {
        return evidence;
    }

    public List<CollateralReference> collateral() {
        return collateral;
    }

    public PolicyReference policy() {
        return policy;
    }

    /** Reference-value set name → version, sorted by name. */
    public Map<String, String> referenceValueVersions() {
        return referenceValueVersions;
    }

    public String verifierVersion() {
        return verifierVersion;
    }

    /** The instant the appraisal was made at; a replay pins its clock here. */
    public Instant instant() {
        return instant;
    }

    public AppraisalOutcome outcome() {
        return outcome;
    }

    public String jti() {
        return jti;
    }

    /** The request nonce (copied). */
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The deterministic CBOR encoding: the bytes stored in the log and hashed into its tree. */
    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", FORMAT_VERSION);
        List<Object> ev = new ArrayList<>();
        for (EvidenceItem e : evidence) {
            ev.add(Map.of("submod", e.submodule(), "tee", e.tee(), "kind", e.kind(), "data", e.bytesForEncoding()));
        }
        m.put("evidence", ev);
        List<Object> col = new ArrayList<>();
        for (CollateralReference c : collateral) {
            col.add(Map.of("submod", c.submodule(), "kind", c.kind(), "sha256", c.sha256().bytes()));
        }
        m.put("collateral", col);
        m.put("policy", Map.of("id", policy.id(), "version", policy.version(), "sha256", policy.sha256().bytes()));
        m.put("reference_values", referenceValueVersions);
        m.put("verifier_version", verifierVersion);
        m.put("instant", instant.toString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", outcome.status().wireName());
        out.put("reason", outcome.reason() == null ? null : outcome.reason().name());
        out.put("explanation", outcome.explanation());
        m.put("outcome", out);
        m.put("jti", jti);
        m.put("nonce", nonce);
        return DeterministicCbor.encode(m);
    }

    /**
     * Decodes an entry from its deterministic CBOR encoding.
     *
     * @throws LogFormatException if the bytes are not the deterministic encoding of a valid entry
     */
    public static LogEntry decode(byte[] bytes) throws LogFormatException {
        Map<String, Object> m = map(DeterministicCbor.decode(bytes, "entry"), "entry");
        if (!TOP_KEYS.equals(m.keySet())) {
            throw new LogFormatException("entry", "keys must be exactly " + new java.util.TreeSet<>(TOP_KEYS) + ", got " + m.keySet());
        }
        long v = integer(m.get("v"), "entry.v");
        if (v != FORMAT_VERSION) {
            throw new LogFormatException("entry.v", "unsupported entry format version " + v);
        }
        try {
            Builder b = builder();
            for (Object o : list(m.get("evidence"), "entry.evidence")) {
                Map<String, Object> e = exactMap(o, "entry.evidence[]", "submod", "tee", "kind", "data");
                b.addEvidence(new EvidenceItem(text(e.get("submod"), "entry.evidence[].submod"),
                        text(e.get("tee"), "entry.evidence[].tee"), text(e.get("kind"), "entry.evidence[].kind"),
                        bytes(e.get("data"), "entry.evidence[].data")));
            }
            for (Object o : list(m.get("collateral"), "entry.collateral")) {
                Map<String, Object> c = exactMap(o, "entry.collateral[]", "submod", "kind", "sha256");
                b.addCollateral(new CollateralReference(text(c.get("submod"), "entry.collateral[].submod"),
                        text(c.get("kind"), "entry.collateral[].kind"),
                        digest(c.get("sha256"), "entry.collateral[].sha256")));
            }
            Map<String, Object> p = exactMap(m.get("policy"), "entry.policy", "id", "version", "sha256");
            b.policy(new PolicyReference(text(p.get("id"), "entry.policy.id"),
                    integer(p.get("version"), "entry.policy.version"), digest(p.get("sha256"), "entry.policy.sha256")));
            for (Map.Entry<String, Object> rv : map(m.get("reference_values"), "entry.reference_values").entrySet()) {
                b.referenceValueVersion(rv.getKey(), text(rv.getValue(), "entry.reference_values." + rv.getKey()));
            }
            b.verifierVersion(text(m.get("verifier_version"), "entry.verifier_version"));
            String instantText = text(m.get("instant"), "entry.instant");
            try {
                b.instant(Instant.parse(instantText));
            } catch (DateTimeParseException e) {
                throw new LogFormatException("entry.instant", "not an RFC 3339 instant", e);
            }
            Map<String, Object> o = exactMap(m.get("outcome"), "entry.outcome", "status", "reason", "explanation");
            Object reasonText = o.get("reason");
            ReasonCode reason = null;
            if (reasonText != null) {
                try {
                    reason = ReasonCode.valueOf(text(reasonText, "entry.outcome.reason"));
                } catch (IllegalArgumentException e) {
                    throw new LogFormatException("entry.outcome.reason", "unknown reason code " + reasonText, e);
                }
            }
            b.outcome(new AppraisalOutcome(EarStatus.fromWireName(text(o.get("status"), "entry.outcome.status"),
                    "entry.outcome.status"), reason, map(o.get("explanation"), "entry.outcome.explanation")));
            b.jti(text(m.get("jti"), "entry.jti"));
            b.nonce(bytes(m.get("nonce"), "entry.nonce"));
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new LogFormatException("entry", "invalid field: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String field) throws LogFormatException {
        if (!(o instanceof Map)) {
            throw new LogFormatException(field, "must be a map");
        }
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> exactMap(Object o, String field, String... keys) throws LogFormatException {
        Map<String, Object> m = map(o, field);
        if (!m.keySet().equals(Set.of(keys))) {
            throw new LogFormatException(field, "keys must be exactly " + Arrays.toString(keys) + ", got " + m.keySet());
        }
        return m;
    }

    private static List<?> list(Object o, String field) throws LogFormatException {
        if (!(o instanceof List<?> l)) {
            throw new LogFormatException(field, "must be an array");
        }
        return l;
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

    private static byte[] bytes(Object o, String field) throws LogFormatException {
        if (!(o instanceof byte[] b)) {
            throw new LogFormatException(field, "must be a byte string");
        }
        return b;
    }

    private static Sha256Digest digest(Object o, String field) throws LogFormatException {
        byte[] b = bytes(o, field);
        if (b.length != Sha256Digest.LENGTH) {
            throw new LogFormatException(field, "must be 32 bytes");
        }
        return Sha256Digest.of(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && evidence.equals(e.evidence) && collateral.equals(e.collateral)
                && policy.equals(e.policy) && referenceValueVersions.equals(e.referenceValueVersions)
                && verifierVersion.equals(e.verifierVersion) && instant.equals(e.instant)
                && outcome.equals(e.outcome) && jti.equals(e.jti) && Arrays.equals(nonce, e.nonce);
    }

    @Override
    public int hashCode() {
        return Objects.hash(evidence, collateral, policy, referenceValueVersions, verifierVersion, instant,
                outcome, jti, Arrays.hashCode(nonce));
    }

    @Override
    public String toString() {
        return "LogEntry[jti=" + jti + ", instant=" + instant + ", status=" + outcome.status().wireName()
                + ", evidence=" + evidence.size() + ", collateral=" + collateral.size() + "]";
    }

    /** Builds a {@link LogEntry}; {@link #build()} refuses an incomplete entry. */
    public static final class Builder {
        private final List<EvidenceItem> evidence = new ArrayList<>();
        private final List<CollateralReference> collateral = new ArrayList<>();
        private PolicyReference policy;
        private final Map<String, String> referenceValueVersions = new LinkedHashMap<>();
        private String verifierVersion;
        private Instant instant;
        private AppraisalOutcome outcome;
        private String jti;
        private byte[] nonce;

        private Builder() {}

        public Builder addEvidence(EvidenceItem item) {
            evidence.add(Objects.requireNonNull(item));
            return this;
        }

        public Builder addCollateral(CollateralReference ref) {
            collateral.add(Objects.requireNonNull(ref));
            return this;
        }

        public Builder policy(PolicyReference policy) {
            this.policy = policy;
            return this;
        }

        public Builder referenceValueVersion(String set, String version) {
            LogNames.requireName(set, "reference_values key");
            if (referenceValueVersions.put(set, Objects.requireNonNull(version)) != null) {
                throw new IllegalArgumentException("reference-value set recorded twice: " + set);
            }
            return this;
        }

        public Builder verifierVersion(String version) {
            this.verifierVersion = version;
            return this;
        }

        public Builder instant(Instant instant) {
            this.instant = instant;
            return this;
        }

        public Builder outcome(AppraisalOutcome outcome) {
            this.outcome = outcome;
            return this;
        }

        public Builder jti(String jti) {
            this.jti = jti;
            return this;
        }

        public Builder nonce(byte[] nonce) {
            this.nonce = nonce == null ? null : nonce.clone();
            return this;
        }

        public LogEntry build() {
            return new LogEntry(this);
        }
    }
}

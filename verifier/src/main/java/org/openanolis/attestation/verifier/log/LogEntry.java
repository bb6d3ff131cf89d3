package org.openanolis.attestation.verifier.log;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.openanolis.attestation.errors.ReasonCode;

/**
 * One appraisal as recorded in the verification log: the evidence, the collateral actually used
 * (by digest), the policy of every appraised device with the reference-value sets it read (their
 * documents by digest), the verifier version, the instant, the outcome, the token's {@code jti}
 * and the request nonce.
 *
 * <p>{@link #encode()} gives the deterministic CBOR (RFC 8949 section 4.2.1) that is stored and
 * hashed into the Merkle tree; {@link #decode(byte[])} accepts only that exact encoding. The map
 * layout is documented in {@code docs/verification-log.md} ("Entry encoding"); new entries are
 * format version {@value #FORMAT_VERSION}. Version 1 entries (one policy reference, the CPU's,
 * and reference-set versions by name) still decode, and re-encode to the same bytes, so an older
 * log still audits and replays.
 */
public final class LogEntry {
    /** The value of the {@code v} key of new entries; bumped on any incompatible layout change. */
    public static final long FORMAT_VERSION = 2;
    /** The first format: one policy reference and a map of reference-set versions. Decoded, never written by the service. */
    public static final long FORMAT_VERSION_1 = 1;
    /** The collateral kind under which {@link #blobs()} lists a recorded policy document. */
    public static final String POLICY_DOCUMENT_KIND = "policy";
    /** The prefix of the collateral kind under which {@link #blobs()} lists a recorded reference-set document. */
    public static final String REFERENCE_SET_KIND_PREFIX = "reference_set/";

    private static final Set<String> TOP_KEYS_V1 = Set.of("v", "evidence", "collateral", "policy",
            "reference_values", "verifier_version", "instant", "outcome", "jti", "nonce");
    private static final Set<String> TOP_KEYS_V2 = Set.of("v", "evidence", "collateral", "policies",
            "verifier_version", "instant", "outcome", "jti", "nonce");

    private final long formatVersion;
    private final List<EvidenceItem> evidence;
    private final List<CollateralReference> collateral;
    private final List<AppliedPolicy> policies;
    private final Map<String, String> referenceValueVersions;
    private final String verifierVersion;
    private final Instant instant;
    private final AppraisalOutcome outcome;
    private final String jti;
    private final byte[] nonce;

    private LogEntry(Builder b) {
        this.formatVersion = b.formatVersion;
        this.evidence = List.copyOf(b.evidence);
        this.collateral = List.copyOf(b.collateral);
        this.policies = List.copyOf(b.policies);
        this.referenceValueVersions = java.util.Collections.unmodifiableMap(new TreeMap<>(b.referenceValueVersions));
        this.verifierVersion = LogNames.requireName(b.verifierVersion, "verifier_version");
        this.instant = Objects.requireNonNull(b.instant, "instant");
        this.outcome = Objects.requireNonNull(b.outcome, "outcome");
        this.jti = LogNames.requireName(b.jti, "jti");
        this.nonce = Objects.requireNonNull(b.nonce, "nonce").clone();
        if (evidence.isEmpty()) {
            throw new IllegalArgumentException("an entry records at least one evidence item");
        }
        if (formatVersion == FORMAT_VERSION_1) {
            if (policies.size() != 1) {
                throw new IllegalArgumentException("a version 1 entry records exactly one policy");
            }
            AppliedPolicy p = policies.get(0);
            if (!p.submodule().equals("cpu") || p.documentRecorded() || !p.referenceSets().isEmpty()) {
                throw new IllegalArgumentException("a version 1 entry records the cpu's policy reference only");
            }
        } else if (formatVersion == FORMAT_VERSION) {
            if (!referenceValueVersions.isEmpty()) {
                throw new IllegalArgumentException("version 2 entries record reference-value sets per policy");
            }
            Set<String> submodules = new java.util.HashSet<>();
            for (AppliedPolicy p : policies) {
                if (!submodules.add(p.submodule())) {
                    throw new IllegalArgumentException("policy of " + p.submodule() + " recorded twice");
                }
            }
        } else {
            throw new IllegalArgumentException("unsupported entry format version " + formatVersion);
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

    /** The entry's format version: {@value #FORMAT_VERSION}, or {@value #FORMAT_VERSION_1} for an older entry. */
    public long formatVersion() {
        return formatVersion;
    }

    /**
     * The policy of each appraised device, in appraisal order; empty when verification failed
     * before any appraisal. A version 1 entry has exactly one, the CPU's, without its document.
     */
    public List<AppliedPolicy> policies() {
        return policies;
    }

    /** The policy {@code submodule} was appraised with, if recorded. */
    public Optional<AppliedPolicy> policyOf(String submodule) {
        for (AppliedPolicy p : policies) {
            if (p.submodule().equals(submodule)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Every content-addressed item stored beside the log that this entry references, each with
     * the digest its bytes must hash to: the {@link #collateral()}, then each recorded policy
     * document (kind {@value #POLICY_DOCUMENT_KIND}) and reference-set document (kind
     * {@value #REFERENCE_SET_KIND_PREFIX}{@code <name>}) under the submodule that read it.
     */
    public List<CollateralReference> blobs() {
        List<CollateralReference> out = new ArrayList<>(collateral);
        for (AppliedPolicy p : policies) {
            if (p.documentRecorded()) {
                out.add(new CollateralReference(p.submodule(), POLICY_DOCUMENT_KIND, p.policy().sha256()));
            }
            for (ReferenceSetReference r : p.referenceSets()) {
                if (r.documentRecorded()) {
                    out.add(new CollateralReference(p.submodule(), REFERENCE_SET_KIND_PREFIX + r.name(), r.sha256()));
                }
            }
        }
        return out;
    }

    /** Version 1 entries only: reference-value set name → version, sorted by name; empty in version 2. */
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
        m.put("v", formatVersion);
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
        if (formatVersion == FORMAT_VERSION_1) {
            PolicyReference policy = policies.get(0).policy();
            m.put("policy", Map.of("id", policy.id(), "version", policy.version(), "sha256", policy.sha256().bytes()));
            m.put("reference_values", referenceValueVersions);
        } else {
            List<Object> ps = new ArrayList<>(policies.size());
            for (AppliedPolicy p : policies) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("submod", p.submodule());
                pm.put("id", p.policy().id());
                pm.put("version", p.policy().version());
                pm.put("sha256", p.policy().sha256().bytes());
                pm.put("format", p.format());
                List<Object> rs = new ArrayList<>(p.referenceSets().size());
                for (ReferenceSetReference r : p.referenceSets()) {
                    Map<String, Object> rm = new LinkedHashMap<>();
                    rm.put("name", r.name());
                    rm.put("state", r.state());
                    rm.put("version", r.version());
                    rm.put("sha256", r.sha256() == null ? null : r.sha256().bytes());
                    rm.put("format", r.format());
                    rs.add(rm);
                }
                pm.put("reference_values", rs);
                ps.add(pm);
            }
            m.put("policies", ps);
        }
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
        long v = integer(m.get("v"), "entry.v");
        if (v != FORMAT_VERSION && v != FORMAT_VERSION_1) {
            throw new LogFormatException("entry.v", "unsupported entry format version " + v);
        }
        Set<String> keys = v == FORMAT_VERSION_1 ? TOP_KEYS_V1 : TOP_KEYS_V2;
        if (!keys.equals(m.keySet())) {
            throw new LogFormatException("entry", "keys must be exactly " + new java.util.TreeSet<>(keys) + ", got " + m.keySet());
        }
        try {
            Builder b = builder().formatVersion(v);
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
            if (v == FORMAT_VERSION_1) {
                Map<String, Object> p = exactMap(m.get("policy"), "entry.policy", "id", "version", "sha256");
                b.policy(new PolicyReference(text(p.get("id"), "entry.policy.id"),
                        integer(p.get("version"), "entry.policy.version"), digest(p.get("sha256"), "entry.policy.sha256")));
                for (Map.Entry<String, Object> rv : map(m.get("reference_values"), "entry.reference_values").entrySet()) {
                    b.referenceValueVersion(rv.getKey(), text(rv.getValue(), "entry.reference_values." + rv.getKey()));
                }
            } else {
                for (Object o : list(m.get("policies"), "entry.policies")) {
                    b.addPolicy(appliedPolicy(o));
                }
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

    private static AppliedPolicy appliedPolicy(Object o) throws LogFormatException {
        String f = "entry.policies[]";
        Map<String, Object> p = exactMap(o, f, "submod", "id", "version", "sha256", "format", "reference_values");
        List<ReferenceSetReference> sets = new ArrayList<>();
        for (Object ro : list(p.get("reference_values"), f + ".reference_values")) {
            String rf = f + ".reference_values[]";
            Map<String, Object> r = exactMap(ro, rf, "name", "state", "version", "sha256", "format");
            sets.add(new ReferenceSetReference(text(r.get("name"), rf + ".name"), text(r.get("state"), rf + ".state"),
                    integer(r.get("version"), rf + ".version"),
                    r.get("sha256") == null ? null : digest(r.get("sha256"), rf + ".sha256"),
                    r.get("format") == null ? null : text(r.get("format"), rf + ".format")));
        }
        return new AppliedPolicy(text(p.get("submod"), f + ".submod"),
                new PolicyReference(text(p.get("id"), f + ".id"), integer(p.get("version"), f + ".version"),
                        digest(p.get("sha256"), f + ".sha256")),
                p.get("format") == null ? null : text(p.get("format"), f + ".format"), sets);
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
        return o instanceof LogEntry e && formatVersion == e.formatVersion && evidence.equals(e.evidence)
                && collateral.equals(e.collateral) && policies.equals(e.policies) && referenceValueVersions.equals(e.referenceValueVersions)
                && verifierVersion.equals(e.verifierVersion) && instant.equals(e.instant)
                && outcome.equals(e.outcome) && jti.equals(e.jti) && Arrays.equals(nonce, e.nonce);
    }

    @Override
    public int hashCode() {
        return Objects.hash(formatVersion, evidence, collateral, policies, referenceValueVersions, verifierVersion, instant,
                outcome, jti, Arrays.hashCode(nonce));
    }

    @Override
    public String toString() {
        return "LogEntry[jti=" + jti + ", instant=" + instant + ", status=" + outcome.status().wireName()
                + ", evidence=" + evidence.size() + ", collateral=" + collateral.size() + "]";
    }

    /** Builds a {@link LogEntry}; {@link #build()} refuses an incomplete entry. */
    public static final class Builder {
        private long formatVersion = FORMAT_VERSION;
        private final List<EvidenceItem> evidence = new ArrayList<>();
        private final List<CollateralReference> collateral = new ArrayList<>();
        private final List<AppliedPolicy> policies = new ArrayList<>();
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

        /**
         * The format to write: {@value #FORMAT_VERSION} by default; {@value #FORMAT_VERSION_1} only
         * to reproduce an older entry (one {@link #policy}, reference sets by
         * {@link #referenceValueVersion}).
         */
        public Builder formatVersion(long version) {
            this.formatVersion = version;
            return this;
        }

        /** Records the CPU's policy reference without its document (all a version 1 entry holds). */
        public Builder policy(PolicyReference policy) {
            return addPolicy(new AppliedPolicy("cpu", Objects.requireNonNull(policy, "policy"), null, List.of()));
        }

        /** Records the policy one device was appraised with. */
        public Builder addPolicy(AppliedPolicy policy) {
            policies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** Version 1 entries only: the version of a reference-value set. */
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

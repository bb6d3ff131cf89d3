package org.openanolis.attestation.policies;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.policies.store.DocumentKind;
import org.openanolis.attestation.policies.store.StoredDocument;
import org.openanolis.attestation.policies.store.VersionedDocumentStore;

/**
 * The appraisal entry point of the attest path: picks the policy (a named one, or the default for
 * the TEE), gathers the reference-value sets it declares, and evaluates. CEL programs are compiled
 * once per policy version (keyed by id, version and content hash) and reference sets parsed once
 * per version; which version is active is read from the store at most once per
 * {@code activeCacheTtl} per name (0: on every call), so replicas sharing PostgreSQL see an
 * activation within that time. Thread-safe.
 */
public final class PolicyEngine {
    private final VersionedDocumentStore store;
    private final PolicyCompiler compiler;
    private final BuiltInPolicies builtIns;
    private final Clock clock;
    private final Duration activeCacheTtl;

    private final Map<String, CompiledPolicy> compiledByVersion = new ConcurrentHashMap<>();
    private final Map<String, ParsedSet> setsByVersion = new ConcurrentHashMap<>();
    private final Map<String, ActivePointer> activeByName = new ConcurrentHashMap<>();

    private record ActivePointer(Optional<StoredDocument> document, Instant fetchedAt) {}

    /** A reference-set version parsed once, with its bytes for the verification log. */
    private record ParsedSet(ReferenceValueSet set, DocumentSource source) {}

    public PolicyEngine(VersionedDocumentStore store, PolicyCompiler compiler, BuiltInPolicies builtIns,
                        Clock clock, Duration activeCacheTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.builtIns = Objects.requireNonNull(builtIns, "builtIns");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.activeCacheTtl = Objects.requireNonNull(activeCacheTtl, "activeCacheTtl");
        if (activeCacheTtl.isNegative()) {
            throw new IllegalArgumentException("activeCacheTtl must not be negative");
        }
    }

    /**
     * Appraises {@code claims} with policy {@code policyId} (its active version), or, when
     * {@code policyId} is null, with the default for {@code claims.tee}: the active stored version
     * of {@code default-<tee>} if there is one, else the built-in.
     *
     * @throws PolicyException {@code NOT_FOUND} (no active version of that id),
     *                         {@code TEE_NOT_COVERED} (the policy is for other TEEs)
     */
    public Appraisal appraise(String policyId, Map<String, ?> claims) throws PolicyException {
        CompiledPolicy policy;
        if (policyId == null) {
            Object tee = claims.get("tee");
            if (!(tee instanceof String t)) {
                throw new PolicyException(PolicyException.Code.TEE_NOT_COVERED, "claims.tee", "claims carry no tee");
            }
            policy = defaultPolicyFor(t);
        } else {
            policy = activePolicy(policyId);
        }
        return policy.evaluate(claims, referenceValuesFor(policy.document()));
    }

    /**
     * Appraises one device of a composite request that names several policies (e.g. one for the
     * CPU, one for the GPUs): the first of {@code policyIds} whose active version covers
     * {@code claims.tee}, or the default for that TEE when none does.
     *
     * @throws PolicyException {@code NOT_FOUND} when a named policy has no active version
     */
    public Appraisal appraiseWithAny(List<String> policyIds, Map<String, ?> claims) throws PolicyException {
        Object tee = claims.get("tee");
        if (!(tee instanceof String t)) {
            throw new PolicyException(PolicyException.Code.TEE_NOT_COVERED, "claims.tee", "claims carry no tee");
        }
        CompiledPolicy chosen = null;
        for (String id : policyIds) {
            CompiledPolicy p = activePolicy(id);
            if (p.document().appliesTo(t)) {
                chosen = p;
                break;
            }
        }
        if (chosen == null) {
            chosen = defaultPolicyFor(t);
        }
        return chosen.evaluate(claims, referenceValuesFor(chosen.document()));
    }

    /** The active version of {@code policyId}, compiled; a {@code default-<tee>} id falls back to the built-in. */
    public CompiledPolicy activePolicy(String policyId) throws PolicyException {
        Optional<StoredDocument> active = active(DocumentKind.POLICY, policyId);
        if (active.isPresent()) {
            return compiled(active.get());
        }
        for (String tee : BuiltInPolicies.TEES) {
            if (BuiltInPolicies.defaultId(tee).equals(policyId)) {
                return builtIns.forTee(tee).orElseThrow();
            }
        }
        throw new PolicyException(PolicyException.Code.NOT_FOUND, "policy:" + policyId,
                "policy " + policyId + " has no active version");
    }

    /** The default policy for {@code tee}. */
    public CompiledPolicy defaultPolicyFor(String tee) throws PolicyException {
        if (builtIns.forTee(tee).isEmpty()) {
            throw new PolicyException(PolicyException.Code.TEE_NOT_COVERED, "claims.tee", "no default policy for " + tee);
        }
        return activePolicy(BuiltInPolicies.defaultId(tee));
    }

    /** A stored policy version, compiled (from the cache when compiled before). */
    public CompiledPolicy compiled(StoredDocument stored) throws PolicyException {
        String key = stored.name() + "@" + stored.version() + "#" + stored.contentHash();
        CompiledPolicy cached = compiledByVersion.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = checkedContent(stored, "policy");
        PolicyDocument doc = PolicyDocument.parse(bytes, stored.format());
        CompiledPolicy fresh = compiler.compile(doc, new PolicyIdentity(stored.name(), stored.version(), stored.contentHash()),
                new DocumentSource(stored.format(), stored.contentHash(), bytes));
        compiledByVersion.putIfAbsent(key, fresh);
        return fresh;
    }

    /**
     * The reference values {@code document} declares, as of the clock's instant: each declared
     * set's active version if valid now; missing and out-of-validity sets are left out of
     * {@code reference} (rules reading them fail) and recorded as such.
     */
    public ReferenceValues referenceValuesFor(PolicyDocument document) throws PolicyException {
        if (document.references().isEmpty()) {
            return ReferenceValues.NONE;
        }
        Instant now = clock.instant();
        Map<String, Object> sets = new LinkedHashMap<>();
        List<ReferenceSetUse> uses = new ArrayList<>();
        for (String name : document.references()) {
            Optional<StoredDocument> active = active(DocumentKind.REFERENCE_SET, name);
            if (active.isEmpty()) {
                uses.add(new ReferenceSetUse(name, 0, null, ReferenceSetUse.MISSING));
                continue;
            }
            StoredDocument stored = active.get();
            ParsedSet parsed = parsedSet(stored);
            if (!parsed.set().isValidAt(now)) {
                uses.add(new ReferenceSetUse(name, stored.version(), stored.contentHash(), ReferenceSetUse.NOT_VALID,
                        parsed.source()));
                continue;
            }
            sets.put(name, parsed.set().policyView());
            uses.add(new ReferenceSetUse(name, stored.version(), stored.contentHash(), ReferenceSetUse.USED,
                    parsed.source()));
        }
        return new ReferenceValues(sets, uses);
    }

    /** A stored reference-set version, parsed (from the cache when parsed before). */
    public ReferenceValueSet referenceSet(StoredDocument stored) throws PolicyException {
        return parsedSet(stored).set();
    }

    private ParsedSet parsedSet(StoredDocument stored) throws PolicyException {
        String key = stored.name() + "@" + stored.version() + "#" + stored.contentHash();
        ParsedSet cached = setsByVersion.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = checkedContent(stored, "reference_set");
        ParsedSet fresh = new ParsedSet(ReferenceValueSet.parse(bytes, stored.format()),
                new DocumentSource(stored.format(), stored.contentHash(), bytes));
        setsByVersion.putIfAbsent(key, fresh);
        return fresh;
    }

    /**
     * The stored content's bytes, re-hashed against the row's {@code content_hash} (once per
     * version: callers cache what they build from it). A row changed outside the admin API would
     * otherwise be compiled under the identity of the document it replaced, and the verification
     * log, which checks the recorded document against that hash, would refuse every entry carrying
     * it without saying why.
     */
    private static byte[] checkedContent(StoredDocument stored, String kind) throws PolicyException {
        byte[] bytes = stored.content().getBytes(StandardCharsets.UTF_8);
        String actual = Hex.encode(Digests.sha256(bytes));
        if (!actual.equalsIgnoreCase(stored.contentHash())) {
            throw new PolicyException(PolicyException.Code.STORED_DOCUMENT_CORRUPT, kind + ":" + stored.name(),
                    kind.replace('_', ' ') + " " + stored.name() + " version " + stored.version()
                            + ": the stored content hashes to " + actual + ", not to its content_hash "
                            + stored.contentHash() + " (changed outside the admin API?)");
        }
        return bytes;
    }

    /** Forgets cached activation state, e.g. right after an administrative change on this replica. */
    public void invalidateActive() {
        activeByName.clear();
    }

    private Optional<StoredDocument> active(DocumentKind kind, String name) {
        String key = kind.column() + ":" + name;
        Instant now = clock.instant();
        ActivePointer p = activeByName.get(key);
        if (p != null && !activeCacheTtl.isZero() && now.isBefore(p.fetchedAt().plus(activeCacheTtl))
                && !now.isBefore(p.fetchedAt())) {
            return p.document();
        }
        Optional<StoredDocument> doc = store.active(kind, name);
        activeByName.put(key, new ActivePointer(doc, now));
        return doc;
    }
}

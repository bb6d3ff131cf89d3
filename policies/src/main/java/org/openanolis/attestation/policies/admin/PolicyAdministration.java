package org.openanolis.attestation.policies.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.policies.Appraisal;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.CompiledPolicy;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyDocument;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.PolicyIdentity;
import org.openanolis.attestation.policies.ReferenceValueSet;
import org.openanolis.attestation.policies.corim.CorimImporter;
import org.openanolis.attestation.policies.store.Activation;
import org.openanolis.attestation.policies.store.DocumentKind;
import org.openanolis.attestation.policies.store.DocumentSummary;
import org.openanolis.attestation.policies.store.StoredDocument;
import org.openanolis.attestation.policies.store.VersionedDocumentStore;

/**
 * The admin operations behind {@code /v1/admin/policies} and {@code /v1/admin/reference-values},
 * independent of HTTP: create (a new immutable version), list, get any version, history, activate,
 * deactivate, dry run; for reference sets also revoke a value and import a signed CoRIM. Every
 * method takes the authenticated caller and checks its role first:
 * <ul>
 *   <li>{@code policy-admin}: everything;</li>
 *   <li>{@code auditor}: list, get, history, dry run, built-in documents;</li>
 *   <li>{@code attester}: nothing here.</li>
 * </ul>
 * Uploads are parsed strictly (unknown keys are errors) and policies type-checked before anything
 * is stored; in signed-document mode they must carry a JWS by a registered key. Revocations need
 * no signature: they can only narrow what is accepted.
 */
public final class PolicyAdministration {
    /** The largest policy, reference-set or CoRIM upload accepted (1 MiB). */
    public static final int MAX_DOCUMENT_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final VersionedDocumentStore store;
    private final PolicyEngine engine;
    private final PolicyCompiler compiler;
    private final BuiltInPolicies builtIns;
    private final DocumentSigning signing;
    private final CorimImporter corimImporter;
    private final Clock clock;

    /**
     * @param corimImporter the importer with the configured CoRIM signers, or null when CoRIM import is not configured
     */
    public PolicyAdministration(VersionedDocumentStore store, PolicyEngine engine, PolicyCompiler compiler,
                                BuiltInPolicies builtIns, DocumentSigning signing, CorimImporter corimImporter,
                                Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.builtIns = Objects.requireNonNull(builtIns, "builtIns");
        this.signing = Objects.requireNonNull(signing, "signing");
        this.corimImporter = corimImporter;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- policies -------------------------------------------------------------------------

    /**
     * Stores a new version of the policy the document names (not yet in force). When the document
     * has a {@code version}, it must be the next one ({@code VERSION_CONFLICT} otherwise). A
     * {@code default-<tee>} id must cover that TEE.
     */
    public StoredDocument createPolicy(AdminPrincipal who, DocumentUpload upload) throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        byte[] content = limited(upload.content());
        DocumentFormat format = upload.formatOrDetected();
        PolicyDocument doc = PolicyDocument.parse(content, format);
        for (String tee : BuiltInPolicies.TEES) {
            if (doc.id().equals(BuiltInPolicies.defaultId(tee)) && !doc.appliesTo(tee)) {
                throw new PolicyException(PolicyException.Code.INVALID_VALUE, "tees",
                        doc.id() + " replaces the default for " + tee + " and must cover " + tee);
            }
        }
        compiler.compile(doc, new PolicyIdentity(doc.id(), 0, Hex.encode(Digests.sha256(content))));
        DocumentSigning.VerifiedSignature sig = signing.check(content, upload.signature());
        StoredDocument stored = store.append(new VersionedDocumentStore.NewVersion(DocumentKind.POLICY, doc.id(),
                doc.version(), format, content, sig == null ? null : sig.jws(), sig == null ? null : sig.keyId(),
                who.subject(), clock.instant(), null));
        engine.invalidateActive();
        return stored;
    }

    /** Every stored policy with its latest and active version. */
    public List<DocumentSummary> listPolicies(AdminPrincipal who) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return store.list(DocumentKind.POLICY);
    }

    /** One version of a policy; {@code version} null: the latest. */
    public StoredDocument getPolicy(AdminPrincipal who, String id, Integer version) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return get(DocumentKind.POLICY, id, version);
    }

    /** Every version of a policy, oldest first. */
    public List<StoredDocument> policyVersions(AdminPrincipal who, String id) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return nonEmpty(DocumentKind.POLICY, id, store.versions(DocumentKind.POLICY, id));
    }

    /** Every activation change of a policy, oldest first. */
    public List<Activation> policyActivations(AdminPrincipal who, String id) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return store.activations(DocumentKind.POLICY, id);
    }

    /** Puts a stored version of a policy in force. */
    public Activation activatePolicy(AdminPrincipal who, String id, int version) throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        StoredDocument stored = get(DocumentKind.POLICY, id, version);
        engine.compiled(stored); // it compiled on upload; make sure this engine can load it before it is in force
        Activation a = store.activate(DocumentKind.POLICY, id, version, who.subject(), clock.instant());
        engine.invalidateActive();
        return a;
    }

    /** Takes a policy out of force (a {@code default-<tee>} id falls back to the built-in). */
    public Activation deactivatePolicy(AdminPrincipal who, String id) throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        Activation a = store.deactivate(DocumentKind.POLICY, id, who.subject(), clock.instant());
        engine.invalidateActive();
        return a;
    }

    /**
     * Evaluates an unsaved draft against {@code claims} (e.g. from an uploaded bundle, or a log
     * entry once the log exists) with the reference sets currently in force, and returns the full
     * explanation. Nothing is stored and no token is issued. A draft's identity has version 0.
     */
    public Appraisal dryRunDraft(AdminPrincipal who, DocumentUpload draft, Map<String, ?> claims) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        byte[] content = limited(draft.content());
        PolicyDocument doc = PolicyDocument.parse(content, draft.formatOrDetected());
        CompiledPolicy compiled = compiler.compile(doc, new PolicyIdentity(doc.id(), 0, Hex.encode(Digests.sha256(content))));
        return compiled.evaluate(claims, engine.referenceValuesFor(doc));
    }

    /** Evaluates a stored version (any, active or not) against {@code claims}; see {@link #dryRunDraft}. */
    public Appraisal dryRunStored(AdminPrincipal who, String id, int version, Map<String, ?> claims) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        CompiledPolicy compiled = engine.compiled(get(DocumentKind.POLICY, id, version));
        return compiled.evaluate(claims, engine.referenceValuesFor(compiled.document()));
    }

    /** The YAML of the built-in default policy for {@code tee}, for copying. */
    public byte[] builtInPolicy(AdminPrincipal who, String tee) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return builtIns.document(tee).orElseThrow(() ->
                new PolicyException(PolicyException.Code.NOT_FOUND, "tee", "no built-in policy for " + tee));
    }

    // ---- reference values -----------------------------------------------------------------

    /** Stores a new version of the reference set the document names (not yet in force). */
    public StoredDocument createReferenceSet(AdminPrincipal who, DocumentUpload upload) throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        byte[] content = limited(upload.content());
        DocumentFormat format = upload.formatOrDetected();
        ReferenceValueSet set = ReferenceValueSet.parse(content, format);
        DocumentSigning.VerifiedSignature sig = signing.check(content, upload.signature());
        StoredDocument stored = store.append(new VersionedDocumentStore.NewVersion(DocumentKind.REFERENCE_SET,
                set.name(), null, format, content, sig == null ? null : sig.jws(), sig == null ? null : sig.keyId(),
                who.subject(), clock.instant(), null));
        engine.invalidateActive();
        return stored;
    }

    /** Every stored reference set with its latest and active version. */
    public List<DocumentSummary> listReferenceSets(AdminPrincipal who) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return store.list(DocumentKind.REFERENCE_SET);
    }

    /** One version of a reference set; {@code version} null: the latest. */
    public StoredDocument getReferenceSet(AdminPrincipal who, String name, Integer version) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return get(DocumentKind.REFERENCE_SET, name, version);
    }

    /** Every version of a reference set, oldest first. */
    public List<StoredDocument> referenceSetVersions(AdminPrincipal who, String name) throws PolicyException {
        who.require(Role.POLICY_ADMIN, Role.AUDITOR);
        return nonEmpty(DocumentKind.REFERENCE_SET, name, store.versions(DocumentKind.REFERENCE_SET, name));
    }

    /** Puts a stored version of a reference set in force. */
    public Activation activateReferenceSet(AdminPrincipal who, String name, int version) throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        engine.referenceSet(get(DocumentKind.REFERENCE_SET, name, version));
        Activation a = store.activate(DocumentKind.REFERENCE_SET, name, version, who.subject(), clock.instant());
        engine.invalidateActive();
        return a;
    }

    /** Takes a reference set out of force: policies reading it fail from then on. */
    public Activation deactivateReferenceSet(AdminPrincipal who, String name) throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        Activation a = store.deactivate(DocumentKind.REFERENCE_SET, name, who.subject(), clock.instant());
        engine.invalidateActive();
        return a;
    }

    /**
     * Revokes one value: a new version (JSON) of the set, based on the version in force (or the
     * latest when none is), with the value moved to {@code revoked} together with who, when and
     * why. If the base version was in force, the new one is put in force at once.
     */
    public StoredDocument revokeReferenceValue(AdminPrincipal who, String name, String key, Object value, String reason)
            throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        Optional<Integer> activeVersion = store.activeVersion(DocumentKind.REFERENCE_SET, name);
        StoredDocument base = activeVersion.isPresent()
                ? get(DocumentKind.REFERENCE_SET, name, activeVersion.get())
                : get(DocumentKind.REFERENCE_SET, name, null);
        ReferenceValueSet revoked = engine.referenceSet(base).revoke(key, value, reason, clock.instant(), who.subject());
        StoredDocument stored = store.append(new VersionedDocumentStore.NewVersion(DocumentKind.REFERENCE_SET, name,
                null, DocumentFormat.JSON, json(revoked), null, null, who.subject(), clock.instant(),
                "revoked " + key + " from version " + base.version() + (reason == null ? "" : ": " + reason)));
        if (activeVersion.isPresent()) {
            store.activate(DocumentKind.REFERENCE_SET, name, stored.version(), who.subject(), clock.instant());
        }
        engine.invalidateActive();
        return stored;
    }

    /**
     * Imports a signed CoRIM as a new version (JSON) of reference set {@code name}, verified
     * against the configured CoRIM signers; the signed file is kept beside the version. Not put in
     * force: activate it like any other version.
     */
    public StoredDocument importCorim(AdminPrincipal who, String name, byte[] signedCorim) throws PolicyException {
        who.require(Role.POLICY_ADMIN);
        if (corimImporter == null) {
            throw new PolicyException(PolicyException.Code.SIGNATURE_INVALID, "corim", "no CoRIM signer is configured");
        }
        CorimImporter.Imported imported = corimImporter.importSigned(limited(signedCorim), name);
        StoredDocument stored = store.append(new VersionedDocumentStore.NewVersion(DocumentKind.REFERENCE_SET, name,
                null, DocumentFormat.JSON, json(imported.set()), null, imported.signerKeyId(), who.subject(),
                clock.instant(), "imported from CoRIM " + imported.set().provenance().get("corim_id")));
        store.recordImport(name, stored.version(), "corim+cose", signedCorim, imported.signerKeyId());
        engine.invalidateActive();
        return stored;
    }

    // ---- helpers --------------------------------------------------------------------------

    private static byte[] limited(byte[] content) throws PolicyException {
        if (content.length > MAX_DOCUMENT_BYTES) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "document",
                    "larger than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        return content;
    }

    private StoredDocument get(DocumentKind kind, String name, Integer version) throws PolicyException {
        Optional<StoredDocument> d = version == null ? store.latest(kind, name) : store.get(kind, name, version);
        return d.orElseThrow(() -> new PolicyException(PolicyException.Code.NOT_FOUND, kind.column() + ":" + name,
                kind.column() + " " + name + (version == null ? "" : " version " + version) + " not found"));
    }

    private static List<StoredDocument> nonEmpty(DocumentKind kind, String name, List<StoredDocument> versions)
            throws PolicyException {
        if (versions.isEmpty()) {
            throw new PolicyException(PolicyException.Code.NOT_FOUND, kind.column() + ":" + name, "not found");
        }
        return versions;
    }

    private static byte[] json(ReferenceValueSet set) {
        try {
            return JSON.writeValueAsBytes(set.toDocument());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize reference set", e);
        }
    }
}

package org.openanolis.attestation.verifier.service.log;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.policies.CompiledPolicy;
import org.openanolis.attestation.policies.DocumentFormat;
import org.openanolis.attestation.policies.DocumentSource;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyDocument;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.PolicyIdentity;
import org.openanolis.attestation.policies.ReferenceSetUse;
import org.openanolis.attestation.policies.ReferenceValueSet;
import org.openanolis.attestation.policies.ReferenceValues;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.PolicyAppraiser;
import org.openanolis.attestation.verifier.log.AppliedPolicy;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.PolicyReference;
import org.openanolis.attestation.verifier.log.ReferenceSetReference;
import org.openanolis.attestation.verifier.log.ReplayEngine.CollateralResolver;
import org.openanolis.attestation.verifier.log.ReplayEngine.ReplayException;
import org.openanolis.attestation.verifier.log.Sha256Digest;

/**
 * The appraisal side of a replay of a version 2 entry: each device is appraised with the policy
 * document the entry recorded for it, compiled under the recorded id, version and digest, against
 * the reference-value set documents the entry recorded, judged valid or not at the recorded
 * instant. Nothing comes from a policy store: a policy activated after the decision cannot change
 * the replay. A device whose policy was recorded without its document (an appraiser other than the
 * policy engine made it) is appraised by the replay's fallback {@link ServiceReplayEngine.PolicyResolver}
 * (offline: the built-in defaults, which refuse any stored version); the replay then checks that
 * the policy it used is the recorded one.
 *
 * <p>Compiled policies and parsed sets are cached by digest (compiling CEL is the expensive part of
 * a replay; a log holds few distinct documents). Thread-safe.
 */
final class RecordedPolicies {
    private final PolicyCompiler compiler = new PolicyCompiler();
    private final Map<String, CompiledPolicy> compiled = new ConcurrentHashMap<>();
    private final Map<Sha256Digest, ReferenceValueSet> sets = new ConcurrentHashMap<>();

    /** One device's recorded policy, compiled, with the reference values it saw. */
    private record Prepared(CompiledPolicy policy, ReferenceValues references) {}

    /**
     * An appraiser for {@code entry}'s devices, prepared up front (so that every problem with the
     * recorded documents is a {@link ReplayException} before verification runs).
     */
    Appraiser appraiserFor(LogEntry entry, CollateralResolver blobs, ServiceReplayEngine.PolicyResolver fallback)
            throws ReplayException {
        Map<String, Prepared> byDevice = new LinkedHashMap<>();
        Map<String, Appraiser> byFallback = new LinkedHashMap<>();
        for (AppliedPolicy p : entry.policies()) {
            if (p.documentRecorded()) {
                CompiledPolicy policy = policy(p, blobs);
                byDevice.put(p.submodule(), new Prepared(policy, referenceValues(p, policy, entry.instant(), blobs)));
            } else {
                byFallback.put(p.submodule(), fallback.appraiserFor(p.policy()));
            }
        }
        return new Appraiser() {
            @Override
            public Appraisal appraise(String device, VerifiedEvidence evidence, String policyId) {
                Appraiser other = byFallback.get(device);
                if (other != null) {
                    return other.appraise(device, evidence, policyId);
                }
                Prepared prepared = byDevice.get(device);
                if (prepared == null) {
                    throw new IllegalStateException("the replay appraised " + device
                            + " but the entry records no policy for it (verification failed before appraisal)");
                }
                try {
                    return PolicyAppraiser.convert(prepared.policy().evaluate(PolicyAppraiser.policyInput(evidence),
                            prepared.references()), true);
                } catch (PolicyException e) {
                    throw new IllegalStateException("the recorded policy of " + device + " cannot appraise it: "
                            + e.getMessage(), e);
                }
            }
        };
    }

    private CompiledPolicy policy(AppliedPolicy p, CollateralResolver blobs) throws ReplayException {
        PolicyReference ref = p.policy();
        String hash = ref.sha256().hex();
        if (ref.version() > Integer.MAX_VALUE) {
            throw new ReplayException("policy " + ref.id() + " has an impossible version " + ref.version());
        }
        String key = ref.id() + "@" + ref.version() + "#" + hash;
        CompiledPolicy cached = compiled.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = document(blobs, new CollateralReference(p.submodule(), LogEntry.POLICY_DOCUMENT_KIND,
                ref.sha256()), "policy document of " + p.submodule());
        DocumentFormat format = DocumentFormat.valueOf(p.format().toUpperCase(Locale.ROOT));
        CompiledPolicy fresh;
        try {
            PolicyDocument doc = PolicyDocument.parse(bytes, format);
            if (!doc.id().equals(ref.id())) {
                throw new ReplayException("the recorded policy document of " + p.submodule() + " has id "
                        + doc.id() + ", the entry names " + ref.id());
            }
            fresh = compiler.compile(doc, new PolicyIdentity(ref.id(), (int) ref.version(), hash),
                    new DocumentSource(format, hash, bytes));
        } catch (PolicyException e) {
            throw new ReplayException("the recorded policy document of " + p.submodule() + " does not compile: "
                    + e.getMessage(), e);
        }
        compiled.putIfAbsent(key, fresh);
        return fresh;
    }

    /**
     * The reference values the decision saw: each recorded set's document, valid or not at the
     * recorded instant; the sets must be those the policy declares, in its order.
     */
    private ReferenceValues referenceValues(AppliedPolicy p, CompiledPolicy policy, Instant at, CollateralResolver blobs)
            throws ReplayException {
        List<String> declared = policy.document().references();
        List<String> recorded = new ArrayList<>();
        p.referenceSets().forEach(r -> recorded.add(r.name()));
        if (!declared.equals(recorded)) {
            throw new ReplayException("the policy of " + p.submodule() + " declares reference sets " + declared
                    + " but the entry records " + recorded);
        }
        Map<String, Object> views = new LinkedHashMap<>();
        List<ReferenceSetUse> uses = new ArrayList<>();
        for (ReferenceSetReference r : p.referenceSets()) {
            if (r.state().equals(ReferenceSetUse.MISSING)) {
                uses.add(new ReferenceSetUse(r.name(), 0, null, ReferenceSetUse.MISSING));
                continue;
            }
            String hash = r.sha256().hex();
            if (!r.documentRecorded()) {
                if (r.state().equals(ReferenceSetUse.USED)) {
                    throw new ReplayException("reference set " + r.name() + " of " + p.submodule()
                            + " was used but its document is not recorded");
                }
                uses.add(new ReferenceSetUse(r.name(), (int) r.version(), hash, r.state()));
                continue;
            }
            ReferenceValueSet set = referenceSet(p, r, blobs);
            String state = set.isValidAt(at) ? ReferenceSetUse.USED : ReferenceSetUse.NOT_VALID;
            if (!state.equals(r.state())) {
                throw new ReplayException("reference set " + r.name() + " of " + p.submodule() + " was recorded "
                        + r.state() + " but its recorded document is " + state + " at " + at);
            }
            if (state.equals(ReferenceSetUse.USED)) {
                views.put(r.name(), set.policyView());
            }
            uses.add(new ReferenceSetUse(r.name(), (int) r.version(), hash, state));
        }
        return new ReferenceValues(views, uses);
    }

    private ReferenceValueSet referenceSet(AppliedPolicy p, ReferenceSetReference r, CollateralResolver blobs)
            throws ReplayException {
        ReferenceValueSet cached = sets.get(r.sha256());
        if (cached != null) {
            return cached;
        }
        byte[] bytes = document(blobs, new CollateralReference(p.submodule(),
                LogEntry.REFERENCE_SET_KIND_PREFIX + r.name(), r.sha256()), "reference set " + r.name());
        try {
            ReferenceValueSet set = ReferenceValueSet.parse(bytes, DocumentFormat.valueOf(r.format().toUpperCase(Locale.ROOT)));
            if (!set.name().equals(r.name())) {
                throw new ReplayException("the recorded document of reference set " + r.name() + " names " + set.name());
            }
            sets.putIfAbsent(r.sha256(), set);
            return set;
        } catch (PolicyException e) {
            throw new ReplayException("the recorded document of reference set " + r.name() + " does not parse: "
                    + e.getMessage(), e);
        }
    }

    /** A recorded document's bytes, checked against their digest (whoever resolved them). */
    private static byte[] document(CollateralResolver blobs, CollateralReference ref, String what) throws ReplayException {
        byte[] bytes = blobs.bytes(ref);
        if (!Sha256Digest.digest(bytes).equals(ref.sha256())) {
            throw new ReplayException("the " + what + " does not hash to its recorded digest " + ref.sha256().hex()
                    + " (got " + Hex.encode(Sha256Digest.digest(bytes).bytes()) + ")");
        }
        return bytes;
    }
}

package org.openanolis.attestation.verifier.attest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.policies.Appraisal;
import org.openanolis.attestation.policies.EarStatus;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.PolicyIdentity;
import org.openanolis.attestation.policies.ReferenceSetUse;
import org.openanolis.attestation.policies.RuleOutcome;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * The attest path's appraiser: the CEL {@link PolicyEngine}. The CPU is appraised with the policy
 * named in {@code policy_ids.cpu} (which must cover its TEE) or the default of its TEE; each GPU or
 * NVSwitch with {@code policy_ids.gpu} when that policy covers the device's TEE, else the default
 * of its TEE (a request naming a GPU policy for a board with switches appraises the switches with
 * theirs). A contraindicated appraisal is a denial when {@code denyContraindicated} is set.
 */
public final class PolicyAppraiser implements Appraiser {
    private final PolicyEngine engine;
    private final boolean denyContraindicated;

    public PolicyAppraiser(PolicyEngine engine, boolean denyContraindicated) {
        this.engine = engine;
        this.denyContraindicated = denyContraindicated;
    }

    @Override
    public Appraisal appraise(String device, VerifiedEvidence evidence, String policyId) {
        Map<String, Object> claims = policyInput(evidence);
        boolean cpu = "cpu".equals(device);
        org.openanolis.attestation.policies.Appraisal a;
        try {
            if (policyId == null) {
                a = engine.appraise(null, claims);
            } else if (cpu) {
                a = engine.appraise(policyId, claims);
            } else {
                a = engine.appraiseWithAny(List.of(policyId), claims);
            }
        } catch (PolicyException e) {
            if (e.code() == PolicyException.Code.STORED_DOCUMENT_CORRUPT) {
                // The store, not the request: fail closed with the document named (policy:<id>).
                throw new PolicyUnavailableException(e.field(), e.getMessage(), e, true);
            }
            String field = policyId == null ? "cpu.tee" : "policy_ids." + (cpu ? "cpu" : "gpu");
            throw new PolicyUnavailableException(field, e.getMessage(), e);
        }
        return convert(a, denyContraindicated);
    }

    /** The claims a policy sees: the verified claims plus {@code tee}, {@code tcb_status}, {@code advisory_ids}. */
    public static Map<String, Object> policyInput(VerifiedEvidence evidence) {
        Map<String, Object> claims = new LinkedHashMap<>(evidence.claims());
        claims.putIfAbsent("tee", evidence.tee());
        if (evidence.tcbStatus() != null) {
            claims.putIfAbsent("tcb_status", evidence.tcbStatus());
            claims.putIfAbsent("advisory_ids", evidence.advisoryIds());
        }
        return claims;
    }

    /** The engine's appraisal in the service's shape. */
    public static Appraisal convert(org.openanolis.attestation.policies.Appraisal a, boolean denyContraindicated) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (RuleOutcome r : a.rules()) {
            rules.add(r.toMap());
        }
        List<Map<String, Object>> refs = new ArrayList<>();
        for (ReferenceSetUse u : a.references()) {
            refs.add(u.toMap());
        }
        boolean denied = denyContraindicated && a.status() == EarStatus.CONTRAINDICATED;
        return new Appraisal(a.status().value(), a.trustVector().toEarMap(), policyReference(a.policy()), rules, refs,
                denied, new Provenance(a.policySource(), a.references()));
    }

    /** {@code <id>@<version>#sha256:<hex>}: what {@code ear.appraisal-policy-id} carries. */
    public static String policyReference(PolicyIdentity p) {
        return p.id() + "@" + p.version() + "#sha256:" + p.contentHash();
    }
}

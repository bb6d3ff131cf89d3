package org.openanolis.attestation.policies;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy version with every rule compiled to a CEL program, ready to evaluate many times
 * concurrently. Made only by {@link PolicyCompiler}; cached per policy version by {@link PolicyEngine}.
 *
 * <p>Trust-vector semantics: a component decided by at least one failing rule gets the most severe
 * failure claim among them; a component whose rules all hold gets the highest of their pass
 * claims; a component no rule decides stays 0 (no claim). The EAR status is the most severe tier
 * in the vector ({@code none} only if no rule exists, which the document format forbids).
 */
public final class CompiledPolicy {
    /** One compiled rule with the constant claim and reference paths it reads. */
    record CompiledRule(PolicyRule rule, CelRuntime.Program program,
                        List<ReadPath> claimPaths, List<ReadPath> referencePaths) {}

    /** A path read by a rule: its segments and its dotted name in explanations (computed once). */
    record ReadPath(List<String> segments, String key) {
        static ReadPath of(List<String> segments) {
            return new ReadPath(List.copyOf(segments), segments.isEmpty() ? "*" : String.join(".", segments));
        }
    }

    private final PolicyIdentity identity;
    private final PolicyDocument document;
    private final List<CompiledRule> rules;
    private final DocumentSource source;

    CompiledPolicy(PolicyIdentity identity, PolicyDocument document, List<CompiledRule> rules, DocumentSource source) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.document = Objects.requireNonNull(document, "document");
        this.rules = List.copyOf(rules);
        this.source = source;
        if (source != null && !source.sha256().equals(identity.contentHash())) {
            throw new IllegalArgumentException("the source's hash is not the identity's content hash");
        }
    }

    public PolicyIdentity identity() { return identity; }

    public PolicyDocument document() { return document; }

    /**
     * The document bytes this policy was compiled from (stored and built-in policies; empty for
     * drafts compiled without them), for the verification log.
     */
    public Optional<DocumentSource> source() { return Optional.ofNullable(source); }

    /**
     * Appraises one device's verified claims against this policy.
     *
     * @param claims     the verified claims; {@code claims.tee} must be a TEE the policy covers
     * @param references the reference-value sets (see {@link PolicyEngine#referenceValuesFor})
     * @throws PolicyException {@link PolicyException.Code#TEE_NOT_COVERED} when the TEE is not covered
     */
    public Appraisal evaluate(Map<String, ?> claims, ReferenceValues references) throws PolicyException {
        Map<String, Object> input = ClaimValues.normalizeMap(claims);
        Object teeValue = input.get("tee");
        if (!(teeValue instanceof String tee) || !document.appliesTo(tee)) {
            throw new PolicyException(PolicyException.Code.TEE_NOT_COVERED, "claims.tee",
                    "policy " + identity.id() + " covers " + document.tees() + ", not " + teeValue);
        }
        Map<String, Object> reference = references.sets();
        CelVariableResolver resolver = name -> switch (name) {
            case PolicyCompiler.CLAIMS -> Optional.of(input);
            case PolicyCompiler.REFERENCE -> Optional.of(reference);
            case PolicyCompiler.TEE -> Optional.of(tee);
            default -> Optional.empty();
        };
        List<RuleOutcome> outcomes = new ArrayList<>(rules.size());
        EnumMap<TrustComponent, Integer> vector = new EnumMap<>(TrustComponent.class);
        EnumMap<TrustComponent, Boolean> componentFailed = new EnumMap<>(TrustComponent.class);
        for (CompiledRule compiled : rules) {
            PolicyRule rule = compiled.rule();
            RuleOutcome.Result result;
            String error = null;
            try {
                Object value = compiled.program().eval(resolver);
                result = Boolean.TRUE.equals(value) ? RuleOutcome.Result.PASS : RuleOutcome.Result.FAIL;
            } catch (CelEvaluationException | RuntimeException e) {
                result = RuleOutcome.Result.ERROR;
                error = e.getMessage();
            }
            boolean failed = result != RuleOutcome.Result.PASS;
            int claim = failed ? rule.failClaim() : rule.passClaim();
            EarStatus status = failed ? rule.onFail() : EarStatus.AFFIRMING;
            TrustComponent c = rule.component();
            Integer current = vector.get(c);
            boolean currentFailed = componentFailed.getOrDefault(c, false);
            if (current == null) {
                vector.put(c, claim);
                componentFailed.put(c, failed);
            } else if (failed) {
                if (!currentFailed || moreSevere(claim, current)) {
                    vector.put(c, claim);
                }
                componentFailed.put(c, true);
            } else if (!currentFailed && claim > current) {
                vector.put(c, claim);
            }
            outcomes.add(new RuleOutcome(rule.name(), rule.description(), rule.expression(), c, result, status,
                    claim, error, read(input, compiled.claimPaths()), read(reference, compiled.referencePaths())));
        }
        TrustVector trustVector = TrustVector.of(vector);
        return new Appraisal(identity, tee, trustVector.status(), trustVector, outcomes, references.uses(), source);
    }

    private static boolean moreSevere(int a, int b) {
        EarStatus ta = EarStatus.tierOf(a);
        EarStatus tb = EarStatus.tierOf(b);
        return ta != tb ? ta.ordinal() > tb.ordinal() : Math.abs(a) > Math.abs(b);
    }

    /** The values at {@code paths} under {@code root}, keyed by dotted path; null where absent. */
    private static Map<String, Object> read(Map<String, Object> root, List<ReadPath> paths) {
        if (paths.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>(paths.size() * 2);
        for (ReadPath path : paths) {
            Object v = root;
            for (String segment : path.segments()) {
                v = v instanceof Map<?, ?> m ? m.get(segment) : null;
            }
            out.put(path.key(), v);
        }
        return out;
    }
}

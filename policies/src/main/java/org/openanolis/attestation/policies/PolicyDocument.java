package org.openanolis.attestation.policies;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed appraisal policy (YAML or JSON). Shape:
 * <pre>
 * id: tdx-prod                  # required, [a-z0-9][a-z0-9._-]*
 * version: 3                    # optional; when given it must be the next version in the store
 * description: ...              # optional
 * tees: [tdx]                   # required: tdx, sgx, snp, nvgpu, nvswitch
 * references: [tdx_images]      # optional: reference-value sets the rules read as reference.NAME
 * rules:                        # required, non-empty
 *   - name: not-debug
 *     component: configuration  # an AR4SI component (TrustComponent#key)
 *     expr: claims.debug == false
 *     on_fail: contraindicated  # or warning
 *     fail_claim: 96            # optional, in the on_fail tier
 *     pass_claim: 2             # optional, affirming (2..31)
 *     description: ...          # optional
 * </pre>
 * Unknown keys anywhere are errors. Expressions are type-checked by {@link PolicyCompiler}.
 */
public record PolicyDocument(String id, Integer version, String description, List<String> tees,
                             List<String> references, List<PolicyRule> rules) {
    /** The TEE names of the bundle format ({@code bundle-format.md}). */
    public static final Set<String> KNOWN_TEES = Set.of("tdx", "sgx", "snp", "nvgpu", "nvswitch");

    private static final Set<String> TOP_KEYS = Set.of("id", "version", "description", "tees", "references", "rules");
    private static final Set<String> RULE_KEYS = Set.of("name", "description", "component", "expr", "on_fail",
            "fail_claim", "pass_claim");

    public PolicyDocument {
        Objects.requireNonNull(id, "id");
        tees = List.copyOf(tees);
        references = List.copyOf(references);
        rules = List.copyOf(rules);
    }

    /** Parses {@code content}, rejecting unknown keys and ill-typed values (expressions are not checked here). */
    public static PolicyDocument parse(byte[] content, DocumentFormat format) throws PolicyException {
        JsonNode root = format.parse(content);
        DocumentFields f = new DocumentFields(root, "", TOP_KEYS);
        String id = f.requiredName("id");
        Integer version = f.optionalInt("version", 1, Integer.MAX_VALUE);
        String description = f.optionalText("description");
        List<String> tees = f.textList("tees", true, null);
        for (int i = 0; i < tees.size(); i++) {
            if (!KNOWN_TEES.contains(tees.get(i))) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "tees[" + i + "]",
                        "unknown tee " + tees.get(i) + " (known: " + KNOWN_TEES + ")");
            }
        }
        List<String> references = f.textList("references", false, ReferenceValueSet.NAME);
        if (!f.has("rules")) {
            throw DocumentFields.invalid(PolicyException.Code.MISSING_KEY, "rules", "required");
        }
        JsonNode ruleNodes = f.get("rules");
        if (!ruleNodes.isArray() || ruleNodes.isEmpty()) {
            throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, "rules", "must be a non-empty list");
        }
        List<PolicyRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ruleNodes.size(); i++) {
            String path = "rules[" + i + "]";
            DocumentFields r = new DocumentFields(ruleNodes.get(i), path, RULE_KEYS);
            String name = r.requiredName("name");
            if (!names.add(name)) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, r.field("name"), "duplicate rule name " + name);
            }
            String componentKey = r.requiredText("component");
            TrustComponent component = TrustComponent.fromKey(componentKey).orElseThrow(() ->
                    DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, r.field("component"),
                            "unknown component " + componentKey));
            String expr = r.requiredText("expr");
            if (expr.isBlank()) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, r.field("expr"), "must not be blank");
            }
            String onFailText = r.requiredText("on_fail");
            EarStatus onFail = EarStatus.fromValue(onFailText)
                    .filter(s -> s == EarStatus.WARNING || s == EarStatus.CONTRAINDICATED)
                    .orElseThrow(() -> DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, r.field("on_fail"),
                            "must be warning or contraindicated"));
            Integer failClaim = r.optionalInt("fail_claim", -128, 127);
            if (failClaim != null && EarStatus.tierOf(failClaim) != onFail) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, r.field("fail_claim"),
                        "claim " + failClaim + " is not in the " + onFail.value() + " tier");
            }
            Integer passClaim = r.optionalInt("pass_claim", -128, 127);
            if (passClaim != null && EarStatus.tierOf(passClaim) != EarStatus.AFFIRMING) {
                throw DocumentFields.invalid(PolicyException.Code.INVALID_VALUE, r.field("pass_claim"),
                        "claim " + passClaim + " is not in the affirming tier");
            }
            rules.add(new PolicyRule(name, r.optionalText("description"), component, expr, onFail,
                    failClaim != null ? failClaim : PolicyRule.defaultFailClaim(onFail),
                    passClaim != null ? passClaim : PolicyRule.DEFAULT_PASS_CLAIM));
        }
        return new PolicyDocument(id, version, description, tees, references, rules);
    }

    /** Whether the policy covers claims of {@code tee}. */
    public boolean appliesTo(String tee) {
        return tees.contains(tee);
    }
}

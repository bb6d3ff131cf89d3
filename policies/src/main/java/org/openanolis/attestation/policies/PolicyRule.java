package org.openanolis.attestation.policies;

import java.util.Objects;

/**
 * One rule of a policy: a CEL expression that must evaluate to {@code true}, the trust-vector
 * component it decides, the status it yields when it fails ({@code on_fail}) and the AR4SI claim
 * values it puts into the vector on failure and on success.
 *
 * @param name        unique within the policy, shown in explanations
 * @param description optional free text for the explanation
 * @param component   the AR4SI component this rule decides
 * @param expression  CEL over {@code claims}, {@code reference} and {@code tee}; must be bool
 * @param onFail      {@link EarStatus#WARNING} or {@link EarStatus#CONTRAINDICATED}
 * @param failClaim   the claim value on failure; its tier is {@code onFail}
 * @param passClaim   the claim value on success; an affirming value (2..31)
 */
public record PolicyRule(String name, String description, TrustComponent component, String expression,
                         EarStatus onFail, int failClaim, int passClaim) {
    /** AR4SI's generic affirming value ("approved", "genuine", ...). */
    public static final int DEFAULT_PASS_CLAIM = 2;
    /** AR4SI's generic warning value (e.g. {@code unsafe_config}, {@code unsafe_hardware}). */
    public static final int DEFAULT_WARNING_CLAIM = 32;
    /** AR4SI's generic contraindicated value (e.g. {@code unsupportable_config}). */
    public static final int DEFAULT_CONTRAINDICATED_CLAIM = 96;

    public PolicyRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(onFail, "onFail");
        if (onFail != EarStatus.WARNING && onFail != EarStatus.CONTRAINDICATED) {
            throw new IllegalArgumentException("on_fail must be warning or contraindicated");
        }
        if (EarStatus.tierOf(failClaim) != onFail) {
            throw new IllegalArgumentException("fail claim " + failClaim + " is not " + onFail.value());
        }
        if (EarStatus.tierOf(passClaim) != EarStatus.AFFIRMING) {
            throw new IllegalArgumentException("pass claim " + passClaim + " is not affirming");
        }
    }

    /** The default claim value for a failure of the given status. */
    public static int defaultFailClaim(EarStatus onFail) {
        return onFail == EarStatus.CONTRAINDICATED ? DEFAULT_CONTRAINDICATED_CLAIM : DEFAULT_WARNING_CLAIM;
    }
}

package org.openanolis.attestation.policies;

import java.util.Objects;

/**
 * One problem found in an uploaded document: where it is ({@code field}, e.g. {@code rules[2].expr};
 * for an expression also the rule name and the 1-based line and column inside the expression) and
 * what is wrong. Line and column are 0 when the problem has no position.
 */
public record PolicyIssue(String field, String rule, int line, int column, String message) {
    public PolicyIssue {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** An issue without an expression position. */
    public static PolicyIssue at(String field, String message) {
        return new PolicyIssue(field, null, 0, 0, message);
    }

    @Override
    public String toString() {
        String where = rule == null ? field : field + " (rule " + rule + ", " + line + ":" + column + ")";
        return where + ": " + message;
    }
}

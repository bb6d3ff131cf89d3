package org.openanolis.attestation.policies;

import java.util.List;
import java.util.Objects;

/**
 * A rejected request to the policy layer: an invalid document, a missing or conflicting version,
 * a denied role or signature. Carries one {@link Code} (tests and the HTTP layer switch on it,
 * never on the message) plus the field it concerns and every {@link PolicyIssue} found.
 * Faults of the verifier itself (the database is down) are {@link org.openanolis.attestation.policies.store.StoreException}.
 */
public final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the request was rejected. The comment gives the HTTP status the service should use. */
    public enum Code {
        /** Not YAML/JSON, or the wrong shape (400). */
        MALFORMED_DOCUMENT,
        /** A key the schema does not know; typos must not silently drop a check (400). */
        UNKNOWN_KEY,
        /** A required key is absent (400). */
        MISSING_KEY,
        /** A value of the wrong type or out of range (400). */
        INVALID_VALUE,
        /** A CEL expression does not parse or type-check; see {@link #issues()} (400). */
        EXPRESSION_INVALID,
        /** No such policy, reference set or version (404). */
        NOT_FOUND,
        /** The document's version is not the next one, or an id is reused wrongly (409). */
        VERSION_CONFLICT,
        /** The claims are of a TEE the policy does not cover (422). */
        TEE_NOT_COVERED,
        /** No or an invalid bearer token (401). */
        UNAUTHENTICATED,
        /** The caller lacks the role (403). */
        FORBIDDEN,
        /** Signed-policy mode is on and the document is not signed (403). */
        SIGNATURE_REQUIRED,
        /** A JWS or COSE signature does not verify with a registered key (403). */
        SIGNATURE_INVALID,
        /**
         * A stored version's content does not hash to its recorded {@code content_hash}: the
         * policy store was changed outside the admin API. A fault of the verifier, not of the
         * request (500); nothing is appraised with it.
         */
        STORED_DOCUMENT_CORRUPT
    }

    private final Code code;
    private final String field;
    private final List<PolicyIssue> issues;

    public PolicyException(Code code, String field, String message) {
        this(code, field, message, List.of(), null);
    }

    public PolicyException(Code code, String field, String message, Throwable cause) {
        this(code, field, message, List.of(), cause);
    }

    public PolicyException(Code code, String field, String message, List<PolicyIssue> issues, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.field = Objects.requireNonNull(field, "field");
        this.issues = List.copyOf(issues);
    }

    public Code code() { return code; }

    /** The field, rule or resource concerned, e.g. {@code rules[1].component} or {@code policy:tdx-prod}. */
    public String field() { return field; }

    /** Every issue found (for {@link Code#EXPRESSION_INVALID} one per CEL error); may be empty. */
    public List<PolicyIssue> issues() { return issues; }
}

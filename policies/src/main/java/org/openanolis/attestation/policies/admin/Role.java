package org.openanolis.attestation.policies.admin;

import java.util.Optional;

/** The roles a bearer token can carry, named as in tokens and configuration. */
public enum Role {
    /** May change policies and reference values, and run dry runs. */
    POLICY_ADMIN("policy-admin"),
    /** May read policies, reference values and their history, and run dry runs. */
    AUDITOR("auditor"),
    /** May call the attest endpoint when client authentication is on; no admin rights. */
    ATTESTER("attester");

    private final String value;

    Role(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The role named {@code value}, if any. */
    public static Optional<Role> fromValue(String value) {
        for (Role r : values()) {
            if (r.value.equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}

package org.openanolis.attestation.policies.admin;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.openanolis.attestation.policies.PolicyException;

/**
 * An authenticated caller: the subject recorded as "who" on every change, and its roles. Made by
 * a {@link BearerTokenAuthenticator}.
 */
public record AdminPrincipal(String subject, Set<Role> roles) {
    public AdminPrincipal {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    /**
     * Returns normally when the principal has at least one of {@code anyOf}.
     *
     * @throws PolicyException {@code FORBIDDEN} otherwise
     */
    public void require(Role... anyOf) throws PolicyException {
        for (Role r : anyOf) {
            if (roles.contains(r)) {
                return;
            }
        }
        throw new PolicyException(PolicyException.Code.FORBIDDEN, "role",
                subject + " lacks one of the roles " + java.util.Arrays.toString(anyOf));
    }
}

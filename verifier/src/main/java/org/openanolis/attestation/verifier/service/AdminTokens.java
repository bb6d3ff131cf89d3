package org.openanolis.attestation.verifier.service;

import java.util.EnumSet;
import java.util.Set;
import org.openanolis.attestation.policies.admin.Role;
import org.openanolis.attestation.policies.admin.StaticTokenAuthenticator;

/**
 * The configuration syntax of a static admin token ({@code admin_tokens}):
 * {@code <subject>:<role>[+<role>…]:<token>}, e.g. {@code alice:policy-admin:3f9c…} or
 * {@code audit-bot:auditor:…}. The token is everything after the second colon and must be at least
 * {@value StaticTokenAuthenticator#MIN_TOKEN_LENGTH} characters.
 */
final class AdminTokens {
    private AdminTokens() {}

    /** Parses one entry; the message of the exception says what is wrong (never the token). */
    static StaticTokenAuthenticator.StaticToken parse(String entry) {
        if (entry == null) {
            throw new IllegalArgumentException("empty entry");
        }
        String[] parts = entry.split(":", 3);
        if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("expected <subject>:<role>[+<role>]:<token>");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : parts[1].split("\\+")) {
            roles.add(Role.fromValue(r.strip()).orElseThrow(() ->
                    new IllegalArgumentException("unknown role '" + r + "' (policy-admin, auditor, attester)")));
        }
        if (parts[2].length() < StaticTokenAuthenticator.MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token of " + parts[0] + " is shorter than "
                    + StaticTokenAuthenticator.MIN_TOKEN_LENGTH + " characters");
        }
        return new StaticTokenAuthenticator.StaticToken(parts[2], parts[0].strip(), roles);
    }
}

package org.openanolis.attestation.policies.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.policies.PolicyException;

/**
 * Static bearer tokens from configuration, for the embedded single-machine default. Only the
 * SHA-256 of each token is kept, and a presented token is compared with every entry in constant
 * time per entry. Tokens must have at least 32 characters.
 */
public final class StaticTokenAuthenticator implements BearerTokenAuthenticator {
    /** The minimum token length accepted in configuration. */
    public static final int MIN_TOKEN_LENGTH = 32;

    /** One configured token and who it stands for. */
    public record StaticToken(String token, String subject, Set<Role> roles) {}

    private record Entry(byte[] digest, AdminPrincipal principal) {}

    private final List<Entry> entries = new ArrayList<>();

    public StaticTokenAuthenticator(List<StaticToken> tokens) {
        for (StaticToken t : tokens) {
            if (t.token() == null || t.token().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("static token for " + t.subject() + " is shorter than "
                        + MIN_TOKEN_LENGTH + " characters");
            }
            entries.add(new Entry(digest(t.token()), new AdminPrincipal(t.subject(), t.roles())));
        }
    }

    /** Convenience: token to (subject, roles). */
    public static StaticTokenAuthenticator of(Map<String, AdminPrincipal> tokens) {
        List<StaticToken> list = new ArrayList<>();
        tokens.forEach((token, p) -> list.add(new StaticToken(token, p.subject(), p.roles())));
        return new StaticTokenAuthenticator(list);
    }

    @Override
    public AdminPrincipal authenticate(String authorizationHeader) throws PolicyException {
        byte[] presented = digest(BearerTokenAuthenticator.bearerToken(authorizationHeader));
        AdminPrincipal match = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), presented)) {
                match = e.principal();
            }
        }
        if (match == null) {
            throw new PolicyException(PolicyException.Code.UNAUTHENTICATED, "authorization", "unknown token");
        }
        return match;
    }

    private static byte[] digest(String token) {
        return Digests.sha256(token.getBytes(StandardCharsets.UTF_8));
    }
}

package org.openanolis.attestation.verifier.service.log;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the auditor-role routes. A small pluggable check so that the shared bearer-token
 * authenticator of the policy integration can replace {@link #staticToken}.
 */
@FunctionalInterface
public interface AuditorAuth {
    /** Whether the request carries the auditor role. */
    boolean permits(RoutingContext ctx);

    /**
     * {@code Authorization: Bearer <token>} compared in constant time with the configured token;
     * with no token configured, every request is refused.
     */
    static AuditorAuth staticToken(String token) {
        if (token == null) {
            return ctx -> false;
        }
        byte[] want = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return ctx -> {
            String header = ctx.request().getHeader("Authorization");
            return header != null && MessageDigest.isEqual(want, header.getBytes(StandardCharsets.UTF_8));
        };
    }
}

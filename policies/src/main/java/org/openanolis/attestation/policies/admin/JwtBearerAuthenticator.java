package org.openanolis.attestation.policies.admin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openanolis.attestation.policies.PolicyException;

/**
 * Bearer JWTs from a configured OIDC issuer. The signature is checked with the issuer's keys
 * (any nimbus {@link JWKSource}: a cached remote JWKS in production, an in-memory set in tests),
 * limited to ES256, ES384, PS256 and RS256; {@code iss} must equal the issuer, {@code aud} must
 * contain the audience, {@code exp} is required and, like {@code nbf}, is checked against the
 * injected clock with a small skew. Roles come from a claim ({@code roles} by default; a dotted
 * path such as {@code realm_access.roles} reaches into objects) holding a list or a
 * space-separated string; names that are not {@link Role}s are ignored.
 */
public final class JwtBearerAuthenticator implements BearerTokenAuthenticator {
    /** The algorithms accepted for admin tokens. */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.PS256, JWSAlgorithm.RS256);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String rolesClaim;

    /**
     * @param keys       the issuer's signing keys
     * @param issuer     the expected {@code iss}
     * @param audience   the expected member of {@code aud}
     * @param rolesClaim the claim (or dotted path) holding roles
     * @param clock      the clock for {@code exp}/{@code nbf}
     * @param skew       tolerated clock skew
     */
    public JwtBearerAuthenticator(JWKSource<SecurityContext> keys, String issuer, String audience, String rolesClaim,
                                  Clock clock, Duration skew) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(skew, "skew");
        this.rolesClaim = Objects.requireNonNull(rolesClaim, "rolesClaim");
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> {
            if (!issuer.equals(claims.getIssuer())) {
                throw new BadJWTException("wrong issuer");
            }
            if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
                throw new BadJWTException("wrong audience");
            }
            Instant now = clock.instant();
            Date exp = claims.getExpirationTime();
            if (exp == null) {
                throw new BadJWTException("no expiration");
            }
            if (!now.minus(skew).isBefore(exp.toInstant())) {
                throw new BadJWTException("expired");
            }
            Date nbf = claims.getNotBeforeTime();
            if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
                throw new BadJWTException("not yet valid");
            }
            if (claims.getSubject() == null || claims.getSubject().isBlank()) {
                throw new BadJWTException("no subject");
            }
        });
    }

    @Override
    public AdminPrincipal authenticate(String authorizationHeader) throws PolicyException {
        String token = BearerTokenAuthenticator.bearerToken(authorizationHeader);
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new PolicyException(PolicyException.Code.UNAUTHENTICATED, "authorization",
                    "bearer token rejected: " + e.getMessage(), e);
        }
        return new AdminPrincipal(claims.getSubject(), roles(claims));
    }

    private Set<Role> roles(JWTClaimsSet claims) {
        Object v = claims.getClaims();
        for (String segment : rolesClaim.split("\\.")) {
            v = v instanceof Map<?, ?> m ? m.get(segment) : null;
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (v instanceof String s) {
            for (String name : s.trim().split("\\s+")) {
                Role.fromValue(name).ifPresent(roles::add);
            }
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String name) {
                    Role.fromValue(name).ifPresent(roles::add);
                }
            }
        }
        return roles;
    }
}

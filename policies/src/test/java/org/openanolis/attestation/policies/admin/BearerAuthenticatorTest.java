package org.openanolis.attestation.policies.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.policies.MutableClock;
import org.openanolis.attestation.policies.PolicyException;

class BearerAuthenticatorTest {
    private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
    private static final String ISSUER = "https://idp.example.test/realms/attest";

    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void staticTokensMapToPrincipals() throws Exception {
        String adminToken = "a".repeat(40);
        String auditorToken = "b".repeat(40);
        StaticTokenAuthenticator auth = StaticTokenAuthenticator.of(Map.of(
                adminToken, new AdminPrincipal("ops", Set.of(Role.POLICY_ADMIN)),
                auditorToken, new AdminPrincipal("audit", Set.of(Role.AUDITOR))));
        AdminPrincipal p = auth.authenticate("Bearer " + adminToken);
        assertEquals("ops", p.subject());
        assertEquals(Set.of(Role.POLICY_ADMIN), p.roles());
        assertEquals("audit", auth.authenticate("bearer " + auditorToken).subject());
        for (String bad : new String[] {null, "", "Basic abc", "Bearer ", "Bearer " + "c".repeat(40)}) {
            assertEquals(PolicyException.Code.UNAUTHENTICATED,
                    assertThrows(PolicyException.class, () -> auth.authenticate(bad)).code(), String.valueOf(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> StaticTokenAuthenticator.of(
                Map.of("short", new AdminPrincipal("x", Set.of(Role.AUDITOR)))));
    }

    @Test
    void jwtFromTheIssuerWithRolesIsAccepted() throws Exception {
        ECKey idpKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        JwtBearerAuthenticator auth = new JwtBearerAuthenticator(new ImmutableJWKSet<>(new JWKSet(idpKey.toPublicJWK())),
                ISSUER, "attestation-admin", "realm_access.roles", clock, Duration.ofSeconds(30));
        String token = token(idpKey, claims().claim("realm_access", Map.of("roles", List.of("policy-admin", "offline_access"))).build());
        AdminPrincipal p = auth.authenticate("Bearer " + token);
        assertEquals("alice", p.subject());
        assertEquals(Set.of(Role.POLICY_ADMIN), p.roles());
        p.require(Role.POLICY_ADMIN);
        assertEquals(PolicyException.Code.FORBIDDEN, assertThrows(PolicyException.class, () -> p.require(Role.AUDITOR)).code());
    }

    @Test
    void spaceSeparatedRolesClaim() throws Exception {
        ECKey idpKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        JwtBearerAuthenticator auth = new JwtBearerAuthenticator(new ImmutableJWKSet<>(new JWKSet(idpKey.toPublicJWK())),
                ISSUER, "attestation-admin", "roles", clock, Duration.ZERO);
        AdminPrincipal p = auth.authenticate("Bearer " + token(idpKey, claims().claim("roles", "auditor attester").build()));
        assertEquals(Set.of(Role.AUDITOR, Role.ATTESTER), p.roles());
    }

    @Test
    void badJwtsAreUnauthenticated() throws Exception {
        ECKey idpKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        ECKey otherKey = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        JwtBearerAuthenticator auth = new JwtBearerAuthenticator(new ImmutableJWKSet<>(new JWKSet(idpKey.toPublicJWK())),
                ISSUER, "attestation-admin", "roles", clock, Duration.ofSeconds(30));
        Map<String, String> cases = Map.of(
                "wrong key", token(otherKey, claims().build()),
                "wrong issuer", token(idpKey, claims().issuer("https://evil.test").build()),
                "wrong audience", token(idpKey, claims().audience("other").build()),
                "no expiry", token(idpKey, claims().expirationTime(null).build()),
                "expired", token(idpKey, claims().expirationTime(Date.from(NOW.minusSeconds(31))).build()),
                "not yet valid", token(idpKey, claims().notBeforeTime(Date.from(NOW.plusSeconds(60))).build()),
                "no subject", token(idpKey, claims().subject(null).build()),
                "garbage", "not.a.jwt");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            PolicyException e = assertThrows(PolicyException.class, () -> auth.authenticate("Bearer " + c.getValue()), c.getKey());
            assertEquals(PolicyException.Code.UNAUTHENTICATED, e.code(), c.getKey());
        }
        String valid = token(idpKey, claims().build());
        auth.authenticate("Bearer " + valid);
        clock.advance(Duration.ofHours(2));
        assertEquals(PolicyException.Code.UNAUTHENTICATED,
                assertThrows(PolicyException.class, () -> auth.authenticate("Bearer " + valid)).code());
        assertTrue(JwtBearerAuthenticator.ALGORITHMS.contains(JWSAlgorithm.ES256));
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience("attestation-admin")
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plus(Duration.ofHours(1))));
    }

    private static String token(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}

package org.openanolis.attestation.verifier.service;

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
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.admin.BearerTokenAuthenticator;

/**
 * The OIDC issuer's JWKS ({@code oidc_jwks_url}) is fetched through BoundedHttp: an answer past
 * Nimbus's 50 KiB limit refuses the admin token (401) naming the limit, one at it is read.
 */
class OidcJwksBoundsTest {
    private static final String ISSUER = "https://idp.example";
    private static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");

    @TempDir
    Path data;
    private HttpServer server;
    private ECKey key;
    private volatile int padding;

    @BeforeEach
    void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", ex -> {
            try (ex) {
                byte[] body = (" ".repeat(padding) + jwks).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private BearerTokenAuthenticator authenticator() throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of("ATTESTATION_DATA_DIR", data.toString()));
        c.oidcIssuer = ISSUER;
        c.oidcJwksUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
        c.oidcAudience = "attestation-admin";
        c.validate();
        return PolicyServices.authenticator(c, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private String token() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("idp-1").build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("attestation-admin").subject("alice")
                        .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5)))).build());
        jwt.sign(new ECDSASigner(key));
        return "Bearer " + jwt.serialize();
    }

    private int jwksBytes() {
        return new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aJwksAtTheLimitIsRead() throws Exception {
        padding = JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT - jwksBytes();
        assertEquals("alice", authenticator().authenticate(token()).subject());
    }

    @Test
    void aJwksPastTheLimitRefusesTheToken() throws Exception {
        padding = JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT + 1 - jwksBytes();
        PolicyException e = assertThrows(PolicyException.class, () -> authenticator().authenticate(token()));
        assertEquals(PolicyException.Code.UNAUTHENTICATED, e.code());
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append(" <- ");
        }
        assertTrue(chain.toString().contains("more than the limit of 51200 bytes"), chain.toString());
    }
}

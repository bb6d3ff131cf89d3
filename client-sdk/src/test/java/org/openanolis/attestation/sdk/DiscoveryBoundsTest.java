package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.MutableClock;

/**
 * The discovery document and the JWKS it names are read through the configured client and
 * bounded: a loopback issuer pads either answer just past its limit, and the verifier refuses with
 * {@link TokenFailure#JWKS_UNAVAILABLE} naming the limit instead of reading it.
 */
class DiscoveryBoundsTest {
    private HttpServer server;
    private String issuer;
    private TestTokens tokens;
    /** Bytes of padding in each answer (JSON whitespace, so a padded answer still parses). */
    private volatile int discoveryPadding;
    private volatile int jwksPadding;
    private final AtomicInteger jwksRequests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        tokens = new TestTokens();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", ex -> {
            try (ex) {
                answer(ex, JSONObjectUtils.toJSONString(Map.of("issuer", issuer, "jwks_uri", issuer + "/jwks")),
                        discoveryPadding);
            }
        });
        server.createContext("/jwks", ex -> {
            try (ex) {
                jwksRequests.incrementAndGet();
                answer(ex, tokens.jwks().toString(), jwksPadding);
            }
        });
        server.start();
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, String json, int padding) throws IOException {
        byte[] body = (" ".repeat(padding) + json).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private TokenVerifier verifier() {
        return TokenVerifier.builder().issuer(issuer).jwksFromDiscovery()
                .jwksCache(new JwksCachePolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO))
                .audience(TestTokens.AUDIENCE).clock(new MutableClock(TestTokens.NOW)).maxClockSkew(Duration.ZERO)
                .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays().build();
    }

    private String token() throws Exception {
        return tokens.token(b -> b.issuer(issuer));
    }

    @Test
    void answersAtTheirLimitsAreRead() throws Exception {
        String json = tokens.jwks().toString();
        jwksPadding = JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT - json.getBytes(StandardCharsets.UTF_8).length;
        discoveryPadding = 1000;
        verifier().verify(token());
        assertEquals(1, jwksRequests.get());
    }

    @Test
    void aJwksPastItsLimitIsRefused() throws Exception {
        String json = tokens.jwks().toString();
        jwksPadding = JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT + 1 - json.getBytes(StandardCharsets.UTF_8).length;
        TokenVerificationException e = assertThrows(TokenVerificationException.class, () -> verifier().verify(token()));
        assertEquals(TokenFailure.JWKS_UNAVAILABLE, e.failure());
        assertTrue(e.getMessage().contains("more than the limit of 51200 bytes"), e.getMessage());
    }

    @Test
    void aDiscoveryDocumentPastItsLimitIsRefused() throws Exception {
        String json = JSONObjectUtils.toJSONString(Map.of("issuer", issuer, "jwks_uri", issuer + "/jwks"));
        discoveryPadding = DiscoveryJwkSource.MAX_DISCOVERY_BYTES + 1 - json.getBytes(StandardCharsets.UTF_8).length;
        TokenVerificationException e = assertThrows(TokenVerificationException.class, () -> verifier().verify(token()));
        assertEquals(TokenFailure.JWKS_UNAVAILABLE, e.failure());
        assertTrue(e.getMessage().contains("more than the limit of 65536 bytes"), e.getMessage());
        assertEquals(0, jwksRequests.get());
    }
}

package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.MutableClock;

/**
 * The client side of release receipts against a loopback endpoint that behaves as docs/sdk.md
 * specifies the service's {@code POST /v1/release-receipts} (the real service is exercised by the
 * model gateway's EndToEndTest and the verifier's ReleaseReceiptServiceTest):
 * it signs the receipt with the issuer's token key. {@code mutate} lets a test make it lie.
 */
class ReleaseReceiptClientTest {
    private TestTokens tokens;
    private TokenVerifier verifier;
    private HttpServer endpoint;
    private final AtomicReference<UnaryOperator<JWTClaimsSet.Builder>> mutate = new AtomicReference<>(b -> b);
    private final AtomicReference<Map<String, Object>> received = new AtomicReference<>();

    @BeforeEach
    void setUp() throws Exception {
        tokens = new TestTokens();
        verifier = TokenVerifier.builder().issuer(TestTokens.ISSUER).jwks(tokens.jwks()).audience(TestTokens.AUDIENCE)
                .clock(new MutableClock(TestTokens.NOW)).maxClockSkew(Duration.ZERO).acceptStatus(EarStatus.AFFIRMING)
                .ignorePolicyIds().ignoreReplays().build();
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/v1/release-receipts", ex -> {
            try (ex) {
                Map<String, Object> req = JSONObjectUtils.parse(new String(ex.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                received.set(req);
                JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(TestTokens.ISSUER)
                        .issueTime(java.util.Date.from(TestTokens.NOW))
                        .claim("token_jti", com.nimbusds.jwt.SignedJWT.parse((String) req.get("token"))
                                .getJWTClaimsSet().getJWTID())
                        .claim("model_key_id", req.get("model_key_id"))
                        .claim("tee_key_thumbprint", req.get("tee_key_thumbprint"))
                        .claim("released_at", req.get("released_at"))
                        .claim("gateway", req.get("gateway"))
                        .claim("log_index", 7L);
                String receipt = tokens.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(new JOSEObjectType(ReleaseReceipt.TYPE)).keyID(tokens.signingKey.getKeyID()).build(),
                        mutate.get().apply(c).build());
                byte[] body = JSONObjectUtils.toJSONString(Map.of("receipt", receipt, "log_index", 7L))
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
        });
        endpoint.start();
    }

    @AfterEach
    void stop() {
        endpoint.stop(0);
    }

    private ReleaseReceiptClient client() {
        return new ReleaseReceiptClient(URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort()), verifier,
                TestTokens.AUDIENCE, HttpClient.newHttpClient());
    }

    @Test
    void aReceiptNamesTokenKeyAndTeeKeyAndIsSignedByTheIssuer() throws Exception {
        VerifiedToken t = verifier.verify(tokens.token(b -> b));
        ReleaseReceipt r = client().record(t, "k1", TestTokens.NOW.plusMillis(1500));
        assertEquals(t.jti(), r.tokenJti());
        assertEquals(t.teeKeyThumbprint(), r.teeKeyThumbprint());
        assertEquals(7L, r.logIndex());
        assertEquals(Instant.ofEpochSecond(TestTokens.NOW.getEpochSecond() + 1), r.releasedAt());
        assertEquals(t.compact(), received.get().get("token"));
    }

    @Test
    void aReceiptThatDiffersFromTheRequestOrIsSignedByAnotherKeyIsRefused() throws Exception {
        VerifiedToken t = verifier.verify(tokens.token(b -> b));
        mutate.set(b -> b.claim("model_key_id", "another-key"));
        assertThrows(ReleaseReceiptClient.ReceiptException.class, () -> client().record(t, "k1", TestTokens.NOW));
        mutate.set(b -> b.claim("tee_key_thumbprint", "x"));
        assertThrows(ReleaseReceiptClient.ReceiptException.class, () -> client().record(t, "k1", TestTokens.NOW));
        mutate.set(b -> b.issuer("https://other.test"));
        assertThrows(ReleaseReceiptClient.ReceiptException.class, () -> client().record(t, "k1", TestTokens.NOW));
        mutate.set(b -> b.claim("log_index", 8L));
        assertThrows(ReleaseReceiptClient.ReceiptException.class, () -> client().record(t, "k1", TestTokens.NOW));
        // Same claims, but the verifier knows another signing key.
        mutate.set(b -> b);
        TestTokens other = new TestTokens();
        TokenVerifier otherKeys = TokenVerifier.builder().issuer(TestTokens.ISSUER).jwks(other.jwks())
                .audience(TestTokens.AUDIENCE).clock(new MutableClock(TestTokens.NOW)).maxClockSkew(Duration.ZERO)
                .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays().build();
        ReleaseReceiptClient c = new ReleaseReceiptClient(URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort()),
                otherKeys, TestTokens.AUDIENCE, HttpClient.newHttpClient());
        assertThrows(ReleaseReceiptClient.ReceiptException.class, () -> c.record(t, "k1", TestTokens.NOW));
        client().record(t, "k1", TestTokens.NOW);
    }

    @Test
    void anAnswerOverTheLimitIsRefusedWithoutReadingIt() throws Exception {
        VerifiedToken t = verifier.verify(tokens.token(b -> b));
        mutate.set(b -> b.claim("padding", "x".repeat(ReleaseReceiptClient.MAX_ANSWER_BYTES)));
        ReleaseReceiptClient.ReceiptException e = assertThrows(ReleaseReceiptClient.ReceiptException.class,
                () -> client().record(t, "k1", TestTokens.NOW));
        assertEquals("release receipt answer larger than 65536 bytes", e.getMessage());
    }
}

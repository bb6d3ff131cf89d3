package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;

/** {@code POST /v1/admin/token-keys/rotate}: admin authentication and role as the other admin routes. */
class TokenKeyAdminTest {
    static final String ADMIN = "admin-token-for-key-rotation-0123456789";
    static final String AUDITOR = "auditor-token-for-key-rotation-0123456789";

    @Test
    void anAdminRotatesTheTokenKeyNowAndTheJwksPublishesBoth(@TempDir Path data) throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = data.toString();
        c.rateLimitPerSecond = 0;
        c.adminTokens = new ArrayList<>(List.of("alice:policy-admin:" + ADMIN, "audit:auditor:" + AUDITOR));
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        ServiceLauncher.Running running = ServiceLauncher.start(c, clock,
                a -> new AttestationServerTest.EchoVerifiers(), AttestationRecorder.NONE);
        try {
            String base = "http://127.0.0.1:" + running.port();
            HttpClient http = HttpClient.newHttpClient();
            String before = running.keys().current().kid();
            assertEquals(401, rotate(http, base, null).statusCode());
            assertEquals(401, rotate(http, base, "not-a-valid-token-at-all-0123456789").statusCode());
            HttpResponse<String> forbidden = rotate(http, base, AUDITOR);
            assertEquals(403, forbidden.statusCode(), forbidden.body());
            assertEquals("FORBIDDEN", new JsonObject(forbidden.body()).getString("code"));
            assertEquals(before, running.keys().current().kid(), "a refused request rotates nothing");

            clock.advance(java.time.Duration.ofSeconds(10));
            HttpResponse<String> ok = rotate(http, base, ADMIN);
            assertEquals(200, ok.statusCode(), ok.body());
            JsonObject answer = new JsonObject(ok.body());
            String kid = answer.getString("kid");
            assertNotEquals(before, kid);
            assertEquals(kid, running.keys().current().kid());
            assertEquals("2026-06-01T00:00:10Z", answer.getString("created_at"));
            assertEquals(2, answer.getJsonArray("published").size());
            JWKSet jwks = JWKSet.parse(http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/jwks.json"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertNotNull(jwks.getKeyByKeyId(kid), "the new key is published");
            assertNotNull(jwks.getKeyByKeyId(before), "the retired key stays published for its tokens");
        } finally {
            running.close().await();
        }
    }

    private static HttpResponse<String> rotate(HttpClient http, String base, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/admin/token-keys/rotate"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

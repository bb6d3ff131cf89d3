package org.openanolis.attestation.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.sdk.AttestationToken;
import org.openanolis.attestation.sdk.AttesterClient;
import org.openanolis.attestation.sdk.EarStatus;
import org.openanolis.attestation.sdk.KeyRelease;
import org.openanolis.attestation.sdk.KeyReleaseException;
import org.openanolis.attestation.sdk.ReleaseReceiptClient;
import org.openanolis.attestation.sdk.ReleasedKey;
import org.openanolis.attestation.sdk.ReplayGuard;
import org.openanolis.attestation.sdk.TokenVerifier;
import org.openanolis.attestation.sdk.testing.StandInProviders;
import org.openanolis.attestation.sdk.testing.VerifierFixture;

/**
 * Simulated TDX host with two GPUs → verifier service → EAR token → model gateway → the host
 * unwraps the model key; and every refusal the gateway must make. The service is the real one
 * ({@code ServiceLauncher}) with stand-in evidence engines; every party reads one pinned clock.
 */
class EndToEndTest {
    private static final Instant START = Instant.parse("2026-11-29T00:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);
    private static final byte[] MODEL_KEY = new byte[32];
    private static final String KEY_ID = "llama-3-70b/2026-11";
    @TempDir
    static Path dir;
    static VerifierFixture service;
    static VerifierFixture otherIssuer;
    static VerifierFixture impostor;
    static VerifierFixture stranger;
    static ModelGateway gateway;
    static ModelKeyFetcher fetcher;

    @BeforeAll
    static void start() throws Exception {
        new SecureRandom().nextBytes(MODEL_KEY);
        service = VerifierFixture.start(dir.resolve("service"), CLOCK);
        // Another issuer that signs with the same keys (one keystore shared by two deployments).
        java.nio.file.Files.createDirectories(dir.resolve("other"));
        java.nio.file.Files.copy(dir.resolve("service").resolve("token-keys.p12"),
                dir.resolve("other").resolve("token-keys.p12"));
        otherIssuer = VerifierFixture.start(dir.resolve("other"), CLOCK);
        // A wholly separate service: other issuer, other keys.
        stranger = VerifierFixture.start(dir.resolve("stranger"), CLOCK);
        // Same iss as the real service, but its own keys: a look-alike signing as the real one.
        impostor = VerifierFixture.start(dir.resolve("impostor"), CLOCK, service.issuer());
        TokenVerifier verifier = TokenVerifier.builder()
                .issuer(service.issuer()).jwksFromDiscovery()
                .audience("model-gateway")
                .clock(CLOCK).maxClockSkew(Duration.ofSeconds(5))
                .acceptStatus(EarStatus.AFFIRMING)
                .requirePolicyId("cpu", "default-tdx")
                .replayGuard(ReplayGuard.inMemory(1000))
                .build();
        gateway = ModelGateway.start(new InetSocketAddress("127.0.0.1", 0), verifier, Map.of(KEY_ID, MODEL_KEY),
                null, CLOCK);
        fetcher = new ModelKeyFetcher(gateway.uri(), HttpClient.newHttpClient());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        impostor.close();
        stranger.close();
        otherIssuer.close();
        service.close();
    }

    @AfterEach
    void resetClock() {
        CLOCK.set(START);
    }

    /** A TDX host with two GPUs attesting to {@code verifier} for {@code audience}. */
    private static AttestationToken attest(VerifierFixture verifier, ECKey tee, boolean debug, String audience)
            throws Exception {
        return AttesterClient.builder(verifier.uri()).teePublicKey(tee.toPublicJWK())
                .cpu(StandInProviders.tdx(debug)).gpus(List.of(StandInProviders.gpu(0), StandInProviders.gpu(1)))
                .audience(audience).build().attest();
    }

    private static String refusal(AttestationToken token, ECKey tee) {
        ModelKeyFetcher.RefusedException e = assertThrows(ModelKeyFetcher.RefusedException.class,
                () -> fetcher.fetch(KEY_ID, token, tee));
        assertEquals(401, e.status());
        return e.code();
    }

    @Test
    void anAttestedHostUnwrapsTheModelKey() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        AttestationToken token = attest(service, tee, false, "model-gateway");
        ReleasedKey k = fetcher.fetch(KEY_ID, token, tee);
        assertArrayEquals(MODEL_KEY, k.key());
        assertEquals(KEY_ID, k.modelKeyId());
        assertEquals(token.jti(), k.tokenJti());
    }

    @Test
    void expiredToken() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        AttestationToken token = attest(service, tee, false, "model-gateway");
        CLOCK.set(token.expiresAt().plusSeconds(5)); // exactly at exp + skew
        assertEquals("EXPIRED", refusal(token, tee));
    }

    @Test
    void wrongAudience() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        assertEquals("AUDIENCE_MISMATCH", refusal(attest(service, tee, false, "billing-gateway"), tee));
    }

    @Test
    void tokenFromAnotherIssuer() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        // Signed with a key the gateway knows, but for another issuer.
        assertEquals("ISSUER_MISMATCH", refusal(attest(otherIssuer, tee, false, "model-gateway"), tee));
        // Another service altogether: its key is not in the issuer's JWKS (checked before any claim is read).
        assertEquals("UNKNOWN_KEY", refusal(attest(stranger, tee, false, "model-gateway"), tee));
        // Claims to be the real issuer, signed with a key the real issuer never published.
        assertEquals("UNKNOWN_KEY", refusal(attest(impostor, tee, false, "model-gateway"), tee));
    }

    @Test
    void contraindicatedStatus() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        AttestationToken debugTd = attest(service, tee, true, "model-gateway");
        assertEquals("contraindicated", debugTd.statuses().get("cpu"));
        assertEquals("STATUS_NOT_ACCEPTED", refusal(debugTd, tee));
    }

    @Test
    void replayedToken() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        AttestationToken token = attest(service, tee, false, "model-gateway");
        fetcher.fetch(KEY_ID, token, tee);
        assertEquals("REPLAYED", refusal(token, tee));
    }

    @Test
    void tamperedToken() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        AttestationToken token = attest(service, tee, false, "model-gateway");
        // Swap cnf.jwk for the attacker's key and keep the service's signature.
        ECKey attacker = KeyRelease.generateTeeKey();
        String[] parts = token.token().split("\\.");
        Map<String, Object> claims = JSONObjectUtils.parse(Base64URL.from(parts[1]).decodeToString());
        claims.put("cnf", Map.of("jwk", attacker.toPublicJWK().toJSONObject()));
        String forged = parts[0] + "." + Base64URL.encode(JSONObjectUtils.toJSONString(claims)
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        ModelKeyFetcher.RefusedException e = assertThrows(ModelKeyFetcher.RefusedException.class,
                () -> fetcher.fetch(KEY_ID, forged, token.jti(), attacker));
        assertEquals("SIGNATURE_INVALID", e.code());
        // The genuine token still works afterwards: a refused forgery consumed nothing.
        assertArrayEquals(MODEL_KEY, fetcher.fetch(KEY_ID, token, tee).key());
    }

    @Test
    void aStolenTokenIsUselessWithoutTheTeeKey() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        AttestationToken token = attest(service, tee, false, "model-gateway");
        ECKey thief = KeyRelease.generateTeeKey();
        KeyReleaseException e = assertThrows(KeyReleaseException.class, () -> fetcher.fetch(KEY_ID, token, thief));
        assertEquals(KeyReleaseException.Failure.WRONG_RECIPIENT, e.failure());
        assertEquals(SignedJWT.parse(token.token()).getJWTClaimsSet().getJWTID(), token.jti());
    }

    @Test
    void withReceiptsRequiredNoKeyLeavesWithoutOne() throws Exception {
        // The service does not serve /v1/release-receipts yet (docs/notes/sdk.md): fail closed.
        TokenVerifier v = TokenVerifier.builder().issuer(service.issuer()).jwksFromDiscovery().audience("model-gateway")
                .clock(CLOCK).maxClockSkew(Duration.ofSeconds(5)).acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds()
                .replayGuard(ReplayGuard.inMemory(10)).build();
        try (ModelGateway audited = ModelGateway.start(new InetSocketAddress("127.0.0.1", 0), v, Map.of(KEY_ID, MODEL_KEY),
                new ReleaseReceiptClient(service.uri(), v, "model-gateway", HttpClient.newHttpClient()), CLOCK)) {
            ECKey tee = KeyRelease.generateTeeKey();
            AttestationToken token = attest(service, tee, false, "model-gateway");
            assertEquals(503, assertThrows(ModelKeyFetcher.RefusedException.class,
                    () -> new ModelKeyFetcher(audited.uri(), HttpClient.newHttpClient()).fetch(KEY_ID, token, tee)).status());
        }
    }

    @Test
    void unknownKeyAndMissingToken() throws Exception {
        ECKey tee = KeyRelease.generateTeeKey();
        AttestationToken token = attest(service, tee, false, "model-gateway");
        assertEquals(404, assertThrows(ModelKeyFetcher.RefusedException.class,
                () -> fetcher.fetch("no-such-key", token, tee)).status());
        assertEquals(400, assertThrows(ModelKeyFetcher.RefusedException.class,
                () -> new ModelKeyFetcher(gateway.uri(), HttpClient.newHttpClient()).fetch(KEY_ID, "", "x", tee)).status());
        // Neither consumed the token.
        assertArrayEquals(MODEL_KEY, fetcher.fetch(KEY_ID, token, tee).key());
    }
}

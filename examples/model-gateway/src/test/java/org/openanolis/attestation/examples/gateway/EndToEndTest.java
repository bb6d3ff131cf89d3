package org.openanolis.attestation.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.sdk.AttestationFailedException;
import org.openanolis.attestation.sdk.AttestationToken;
import org.openanolis.attestation.sdk.CpuEvidenceProvider;
import org.openanolis.attestation.sdk.AttesterClient;
import org.openanolis.attestation.sdk.EarStatus;
import org.openanolis.attestation.sdk.KeyRelease;
import org.openanolis.attestation.sdk.KeyReleaseException;
import org.openanolis.attestation.sdk.ReleaseReceipt;
import org.openanolis.attestation.sdk.ReleaseReceiptClient;
import org.openanolis.attestation.sdk.ReleasedKey;
import org.openanolis.attestation.sdk.ReplayGuard;
import org.openanolis.attestation.sdk.TokenVerifier;
import org.openanolis.attestation.sdk.testing.SimulatedHostProviders;
import org.openanolis.attestation.sdk.testing.SimulatedWorld;
import org.openanolis.attestation.sdk.testing.VerifierFixture;
import org.openanolis.attestation.simulator.host.SimulatedHost;
import org.openanolis.attestation.verifier.cli.Main;

/**
 * Simulated TDX host with two GPUs ({@code SimulatedHost}: vendor-signed DCAP quotes and SPDM
 * evidence) → {@code AttesterClient} → verifier service on the REAL engines (offline Intel
 * collateral, loopback RIM service and OCSP responder of a {@code SimulatedEnvironment}) → EAR
 * token → model gateway → the host unwraps the model key with its TEE key; and every refusal the
 * gateway must make. Every party reads one pinned clock (the world's collateral is valid at it).
 */
class EndToEndTest {
    private static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final MutableClock CLOCK = new MutableClock(START);
    private static final byte[] MODEL_KEY = new byte[32];
    private static final String KEY_ID = "llama-3-70b/2026-11";
    @TempDir
    static Path dir;
    static SimulatedWorld world;
    static VerifierFixture service;
    static VerifierFixture otherIssuer;
    static VerifierFixture impostor;
    static VerifierFixture stranger;
    static ModelGateway gateway;
    static ModelKeyFetcher fetcher;

    @BeforeAll
    static void start() throws Exception {
        new SecureRandom().nextBytes(MODEL_KEY);
        world = SimulatedWorld.create(dir.resolve("world"), START, CLOCK);
        service = VerifierFixture.startOnRealEngines(world, dir.resolve("service"), CLOCK, null);
        // Another issuer that signs with the same keys (one keystore shared by two deployments).
        java.nio.file.Files.createDirectories(dir.resolve("other"));
        java.nio.file.Files.copy(dir.resolve("service").resolve("token-keys.p12"),
                dir.resolve("other").resolve("token-keys.p12"));
        otherIssuer = VerifierFixture.startOnRealEngines(world, dir.resolve("other"), CLOCK, null);
        // A wholly separate service: other issuer, other keys.
        stranger = VerifierFixture.startOnRealEngines(world, dir.resolve("stranger"), CLOCK, null);
        // Same iss as the real service, but its own keys: a look-alike signing as the real one.
        impostor = VerifierFixture.startOnRealEngines(world, dir.resolve("impostor"), CLOCK, service.issuer());
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
        world.close();
    }

    @AfterEach
    void resetClock() {
        CLOCK.set(START);
    }

    /** A new simulated TDX host with two GPUs (a debug TD when {@code debug}). */
    private static SimulatedHost host(boolean debug) {
        return SimulatedHost.tdx(world.environment()).gpus(2).debug(debug).build();
    }

    /** {@code host} attesting to {@code verifier} for {@code audience} through the SDK's recipe. */
    private static AttestationToken attest(VerifierFixture verifier, SimulatedHost host, String audience)
            throws Exception {
        return attest(verifier, host, SimulatedHostProviders.cpu(host), audience);
    }

    private static AttestationToken attest(VerifierFixture verifier, SimulatedHost host, CpuEvidenceProvider cpu,
                                           String audience) throws Exception {
        return AttesterClient.builder(verifier.uri()).teePublicKey(SimulatedHostProviders.teeKey(host).toPublicJWK())
                .cpu(cpu).gpus(SimulatedHostProviders.gpus(host)).audience(audience).build().attest();
    }

    private static String refusal(AttestationToken token, ECKey tee) {
        ModelKeyFetcher.RefusedException e = assertThrows(ModelKeyFetcher.RefusedException.class,
                () -> fetcher.fetch(KEY_ID, token, tee));
        assertEquals(401, e.status());
        return e.code();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAttestedHostUnwrapsTheModelKey() throws Exception {
        SimulatedHost host = host(false);
        AttestationToken token = attest(service, host, "model-gateway");
        assertEquals(Map.of("cpu", "affirming", "gpu0", "affirming", "gpu1", "affirming"), token.statuses());
        // Appraised by the real engines: the quote's TCB against the offline Intel collateral, the
        // GPUs' measurements against the RIM service's RIMs, their chains by OCSP.
        Map<String, Object> submods = (Map<String, Object>) SignedJWT.parse(token.token()).getJWTClaimsSet()
                .getJSONObjectClaim("submods");
        assertEquals("UpToDate", ((Map<String, Object>) submods.get("cpu")).get("tcb_status"));
        assertEquals("success", ((Map<String, Object>) submods.get("gpu1")).get("measurement_result"));
        // (both cache, so earlier tests may have made the requests; none would exist with stand-ins)
        assertTrue(world.vendors().rimRequests() > 0, "RIM service consulted");
        assertTrue(world.vendors().ocspResponder().requestCount() > 0, "OCSP responder consulted");
        ReleasedKey k = fetcher.fetch(KEY_ID, token, SimulatedHostProviders.teeKey(host));
        assertArrayEquals(MODEL_KEY, k.key());
        assertEquals(KEY_ID, k.modelKeyId());
        assertEquals(token.jti(), k.tokenJti());
    }

    @Test
    void anSnpHostIsAffirmedButNotUnderTheGatewaysTdxPolicy() throws Exception {
        // The VCEK travels in the request (CpuEvidenceProvider.certificates()): AMD KDS is unreachable here.
        SimulatedHost host = SimulatedHost.snp(world.environment()).gpus(1).build();
        AttestationToken token = attest(service, host, "model-gateway");
        assertEquals(Map.of("cpu", "affirming", "gpu0", "affirming"), token.statuses());
        assertEquals("POLICY_MISMATCH", refusal(token, SimulatedHostProviders.teeKey(host)));
    }

    @Test
    void aForgedQuoteGetsNoToken() throws Exception {
        SimulatedHost host = host(false);
        CpuEvidenceProvider real = SimulatedHostProviders.cpu(host);
        CpuEvidenceProvider forging = new CpuEvidenceProvider() {
            @Override
            public String tee() {
                return real.tee();
            }

            @Override
            public byte[] evidence(byte[] reportData) throws java.io.IOException {
                byte[] q = real.evidence(reportData);
                q[48 + 136] ^= 1; // MRTD, inside the signed TD report
                return q;
            }
        };
        AttestationFailedException e = assertThrows(AttestationFailedException.class,
                () -> attest(service, host, forging, "model-gateway"));
        assertEquals(403, e.httpStatus());
        assertEquals("SIGNATURE_INVALID", e.reasonCode());
    }

    @Test
    void aTamperedGpuIsContraindicatedAndRefused() throws Exception {
        byte[] rogue = new byte[48];
        rogue[0] = 0x5a;
        SimulatedHost host = SimulatedHost.tdx(world.environment()).gpus(2).tamperedMeasurement(1, 7, rogue).build();
        AttestationToken token = attest(service, host, "model-gateway");
        assertEquals(Map.of("cpu", "affirming", "gpu0", "affirming", "gpu1", "contraindicated"), token.statuses());
        assertEquals("STATUS_NOT_ACCEPTED", refusal(token, SimulatedHostProviders.teeKey(host)));
    }

    @Test
    void expiredToken() throws Exception {
        SimulatedHost host = host(false);
        ECKey tee = SimulatedHostProviders.teeKey(host);
        AttestationToken token = attest(service, host, "model-gateway");
        CLOCK.set(token.expiresAt().plusSeconds(5)); // exactly at exp + skew
        assertEquals("EXPIRED", refusal(token, tee));
    }

    @Test
    void wrongAudience() throws Exception {
        SimulatedHost host = host(false);
        assertEquals("AUDIENCE_MISMATCH", refusal(attest(service, host, "billing-gateway"),
                SimulatedHostProviders.teeKey(host)));
    }

    @Test
    void tokenFromAnotherIssuer() throws Exception {
        SimulatedHost host = host(false);
        ECKey tee = SimulatedHostProviders.teeKey(host);
        // Signed with a key the gateway knows, but for another issuer.
        assertEquals("ISSUER_MISMATCH", refusal(attest(otherIssuer, host, "model-gateway"), tee));
        // Another service altogether: its key is not in the issuer's JWKS (checked before any claim is read).
        assertEquals("UNKNOWN_KEY", refusal(attest(stranger, host, "model-gateway"), tee));
        // Claims to be the real issuer, signed with a key the real issuer never published.
        assertEquals("UNKNOWN_KEY", refusal(attest(impostor, host, "model-gateway"), tee));
    }

    @Test
    void contraindicatedStatus() throws Exception {
        SimulatedHost debug = host(true);
        ECKey tee = SimulatedHostProviders.teeKey(debug);
        AttestationToken debugTd = attest(service, debug, "model-gateway");
        assertEquals("contraindicated", debugTd.statuses().get("cpu"));
        assertEquals("STATUS_NOT_ACCEPTED", refusal(debugTd, tee));
    }

    @Test
    void replayedToken() throws Exception {
        SimulatedHost host = host(false);
        ECKey tee = SimulatedHostProviders.teeKey(host);
        AttestationToken token = attest(service, host, "model-gateway");
        fetcher.fetch(KEY_ID, token, tee);
        assertEquals("REPLAYED", refusal(token, tee));
    }

    @Test
    void tamperedToken() throws Exception {
        SimulatedHost host = host(false);
        ECKey tee = SimulatedHostProviders.teeKey(host);
        AttestationToken token = attest(service, host, "model-gateway");
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
        SimulatedHost host = host(false);
        ECKey tee = SimulatedHostProviders.teeKey(host);
        AttestationToken token = attest(service, host, "model-gateway");
        ECKey thief = KeyRelease.generateTeeKey();
        KeyReleaseException e = assertThrows(KeyReleaseException.class, () -> fetcher.fetch(KEY_ID, token, thief));
        assertEquals(KeyReleaseException.Failure.WRONG_RECIPIENT, e.failure());
        assertEquals(SignedJWT.parse(token.token()).getJWTClaimsSet().getJWTID(), token.jti());
    }

    @Test
    void withReceiptsTheReleaseIsRecordedSignedAndTheLogReplaysClean() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (VerifierFixture logged = VerifierFixture.startOnRealEngines(world, dir.resolve("logged"), CLOCK, null, true)) {
            TokenVerifier v = TokenVerifier.builder().issuer(logged.issuer()).jwksFromDiscovery().audience("model-gateway")
                    .clock(CLOCK).maxClockSkew(Duration.ofSeconds(5)).acceptStatus(EarStatus.AFFIRMING)
                    .requirePolicyId("cpu", "default-tdx").replayGuard(ReplayGuard.inMemory(10)).build();
            try (ModelGateway audited = ModelGateway.start(new InetSocketAddress("127.0.0.1", 0), v,
                    Map.of(KEY_ID, MODEL_KEY), new ReleaseReceiptClient(logged.uri(), v, "model-gateway", http), CLOCK)) {
                ModelKeyFetcher host = new ModelKeyFetcher(audited.uri(), http);
                // host → verifier → token → gateway → receipt (recorded, signed) → the host unwraps.
                SimulatedHost first = host(false);
                ECKey tee = SimulatedHostProviders.teeKey(first);
                AttestationToken token = attest(logged, first, "model-gateway");
                assertArrayEquals(MODEL_KEY, host.fetch(KEY_ID, token, tee).key());
                assertEquals(1, audited.receipts().size());
                ReleaseReceipt receipt = audited.receipts().get(0);
                assertEquals(token.jti(), receipt.tokenJti());
                assertEquals(KEY_ID, receipt.modelKeyId());
                assertEquals(tee.computeThumbprint().toString(), receipt.teeKeyThumbprint());
                assertEquals("model-gateway", receipt.gateway());
                assertEquals(CLOCK.instant().getEpochSecond(), receipt.releasedAt().getEpochSecond());
                // The SDK checked it against the service's JWKS; check it once more here, independently.
                SignedJWT jws = SignedJWT.parse(receipt.compact());
                JWKSet jwks = JWKSet.load(URI.create(logged.uri() + "/.well-known/jwks.json").toURL());
                assertTrue(jws.verify(new ECDSAVerifier((ECKey) jwks.getKeyByKeyId(jws.getHeader().getKeyID()))));
                assertEquals("release-receipt+jwt", jws.getHeader().getType().getType());
                assertEquals(receipt.logIndex(), jws.getJWTClaimsSet().getLongClaim("log_index"));
                // A retry of the same release answers the same record (the gateway would not retry:
                // its replay guard consumed the token; the SDK client can).
                assertEquals(receipt.logIndex(), new ReleaseReceiptClient(logged.uri(), v, "model-gateway", http)
                        .record(verifiedAgain(logged, token), KEY_ID, receipt.releasedAt()).logIndex());

                // A second host attests; then the whole log (entries and the receipt) replays clean.
                SimulatedHost second = host(false);
                ECKey secondTee = SimulatedHostProviders.teeKey(second);
                AttestationToken secondToken = attest(logged, second, "model-gateway");
                HttpRequest checkpoint = HttpRequest.newBuilder(URI.create(logged.uri() + "/v1/log/checkpoint"))
                        .header("Authorization", "Bearer " + VerifierFixture.AUDITOR_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()).build();
                assertEquals(200, http.send(checkpoint, HttpResponse.BodyHandlers.ofString()).statusCode());
                Path vkey = dir.resolve("logged.vkey");
                Files.writeString(vkey, logged.running().log().signer().verifierKey() + "\n");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int exit = Main.run(new String[] {"replay", "--url", logged.uri().toString(), "--token",
                        VerifierFixture.AUDITOR_TOKEN, "--log-key", vkey.toString(), "--trust-anchors",
                        world.trustAnchors().toString(), "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), CLOCK);
                String report = out.toString(StandardCharsets.UTF_8);
                assertEquals(0, exit, report + err.toString(StandardCharsets.UTF_8));
                Map<String, Object> json = JSONObjectUtils.parse(report);
                assertEquals(3L, ((Number) json.get("entries_checked")).longValue(), report);
                assertEquals(2L, ((Number) json.get("entries_replayed")).longValue(), "the receipt is checked, not replayed");
                assertEquals(List.of(), json.get("findings"), report);

                // The log cannot commit: the release cannot be recorded, so no key leaves.
                logged.running().log().store().close();
                assertEquals(503, assertThrows(ModelKeyFetcher.RefusedException.class,
                        () -> host.fetch(KEY_ID, secondToken, secondTee)).status());
                assertEquals(1, audited.receipts().size());
            }
        }
    }

    /** {@code token} verified by a fresh verifier (no replay state) of {@code service}'s tokens. */
    private static org.openanolis.attestation.sdk.VerifiedToken verifiedAgain(VerifierFixture service,
                                                                             AttestationToken token) throws Exception {
        return TokenVerifier.builder().issuer(service.issuer()).jwksFromDiscovery().audience("model-gateway")
                .clock(CLOCK).maxClockSkew(Duration.ofSeconds(5)).acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds()
                .ignoreReplays().build().verify(token.token());
    }

    @Test
    void withReceiptsRequiredNoKeyLeavesWithoutOne() throws Exception {
        // This service records no appraisals (AttestationRecorder.NONE): its tokens have no
        // attestation entry, so it refuses to record releases against them (TOKEN_NOT_LOGGED),
        // and the gateway fails closed.
        TokenVerifier v = TokenVerifier.builder().issuer(service.issuer()).jwksFromDiscovery().audience("model-gateway")
                .clock(CLOCK).maxClockSkew(Duration.ofSeconds(5)).acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds()
                .replayGuard(ReplayGuard.inMemory(10)).build();
        try (ModelGateway audited = ModelGateway.start(new InetSocketAddress("127.0.0.1", 0), v, Map.of(KEY_ID, MODEL_KEY),
                new ReleaseReceiptClient(service.uri(), v, "model-gateway", HttpClient.newHttpClient()), CLOCK)) {
            SimulatedHost host = host(false);
            ECKey tee = SimulatedHostProviders.teeKey(host);
            AttestationToken token = attest(service, host, "model-gateway");
            assertEquals(503, assertThrows(ModelKeyFetcher.RefusedException.class,
                    () -> new ModelKeyFetcher(audited.uri(), HttpClient.newHttpClient()).fetch(KEY_ID, token, tee)).status());
        }
    }

    @Test
    void unknownKeyAndMissingToken() throws Exception {
        SimulatedHost host = host(false);
        ECKey tee = SimulatedHostProviders.teeKey(host);
        AttestationToken token = attest(service, host, "model-gateway");
        assertEquals(404, assertThrows(ModelKeyFetcher.RefusedException.class,
                () -> fetcher.fetch("no-such-key", token, tee)).status());
        assertEquals(400, assertThrows(ModelKeyFetcher.RefusedException.class,
                () -> new ModelKeyFetcher(gateway.uri(), HttpClient.newHttpClient()).fetch(KEY_ID, "", "x", tee)).status());
        // Neither consumed the token.
        assertArrayEquals(MODEL_KEY, fetcher.fetch(KEY_ID, token, tee).key());
    }
}

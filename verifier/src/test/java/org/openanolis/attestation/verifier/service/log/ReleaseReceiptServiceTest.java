package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.log.LogRecords;
import org.openanolis.attestation.verifier.log.LogReplayCommand;
import org.openanolis.attestation.verifier.log.ReleaseReceiptRecord;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * {@code POST /v1/release-receipts} on a running service (stand-in evidence engines, the real
 * log): a receipt for a token of this service, signed with a key of its JWKS, recorded in the log
 * before it is answered; the retry answers the same record; every refusal has its code and
 * records nothing; the log with receipts audits and replays clean.
 */
class ReleaseReceiptServiceTest {
    static final Instant START = Instant.parse("2026-05-01T10:00:00Z");
    static final MutableClock CLOCK = new MutableClock(START);
    @TempDir
    static Path data;
    @TempDir
    static Path work;
    static ServiceLauncher.Running running;
    static LogTestClient client;
    static String issuer;

    @BeforeAll
    static void start() throws Exception {
        running = ServiceLauncher.start(config(data), CLOCK, a -> LogServiceVolumeTest.StandInEngines.live(), null);
        client = new LogTestClient("http://127.0.0.1:" + running.port());
        issuer = config(data).issuer;
    }

    static ServiceConfig config(Path dir) throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = dir.toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = LogTestClient.TOKEN;
        c.logCheckpointIntervalSeconds = 3600;
        c.bodyLimitBytes = 64 * 1024;
        c.issuer = "https://verifier.test";
        return c;
    }

    @AfterAll
    static void stop() {
        running.close().await();
    }

    @AfterEach
    void resetClock() {
        CLOCK.set(START);
    }

    /** An attested TEE: its key, and the token the service issued for it. */
    record Attested(ECKey tee, String token, String jti, long logIndex) {
        String thumbprint() throws Exception {
            return tee.computeThumbprint().toString();
        }
    }

    static Attested attest(LogTestClient c, String audience) throws Exception {
        ECKey tee = new ECKeyGenerator(Curve.P_256).generate();
        String nonce = c.nonce();
        byte[] nonceBytes = Base64.getUrlDecoder().decode(nonce);
        byte[] runtime = AttestationService.runtimeData(tee.toPublicJWK().toJSONObject(), List.of());
        byte[] quote = Digests.sha512(nonceBytes, runtime);
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(quote));
        if (audience != null) {
            body.put("audience", audience);
        }
        JsonNode r = c.attest(body);
        assertEquals(200, r.get("http_status").asInt(), r.toString());
        return new Attested(tee, r.get("token").asText(), r.get("jti").asText(), r.get("log_index").asLong());
    }

    static ObjectNode request(String token, String modelKeyId, String thumbprint, long releasedAt, String gateway) {
        ObjectNode b = LogTestClient.JSON.createObjectNode();
        b.put("token", token);
        b.put("model_key_id", modelKeyId);
        b.put("tee_key_thumbprint", thumbprint);
        b.put("released_at", releasedAt);
        b.put("gateway", gateway);
        return b;
    }

    static ObjectNode request(Attested a, String modelKeyId) throws Exception {
        return request(a.token(), modelKeyId, a.thumbprint(), CLOCK.instant().getEpochSecond(), "model-gateway");
    }

    static long treeSize() throws Exception {
        return running.log().store().treeSize();
    }

    /** Posts {@code body}; asserts the refusal's status and code, and that the log did not grow. */
    static JsonNode refused(String body, int status, String code) throws Exception {
        long before = treeSize();
        HttpResponse<String> r = client.post("/v1/release-receipts", body, null);
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode p = LogTestClient.JSON.readTree(r.body());
        if (code != null) {
            assertEquals(code, p.get("code").asText(), r.body());
        }
        assertEquals(before, treeSize(), "a refused request records nothing");
        return p;
    }

    /** Signs {@code claims} as a token with the service's own current key (or {@code key}). */
    static String token(JWTClaimsSet claims, ECKey key, String type) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(type))
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static ECKey serviceKey() {
        var k = running.keys().current();
        return new ECKey.Builder(Curve.P_256, k.publicKey()).privateKey(k.privateKey()).keyID(k.kid()).build();
    }

    @Test
    void aReceiptIsSignedWithTheServiceKeyAfterItsRecordCommitsAndTheRetryGetsTheSameRecord() throws Exception {
        Attested a = attest(client, "model-gateway");
        long before = treeSize();
        HttpResponse<String> r = client.post("/v1/release-receipts", request(a, "llama/1").toString(), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = LogTestClient.JSON.readTree(r.body());
        long index = answer.get("log_index").asLong();
        assertEquals(before, index, "the receipt is the next record of the log");
        assertEquals(before + 1, treeSize(), "committed before the answer");

        SignedJWT receipt = SignedJWT.parse(answer.get("receipt").asText());
        assertEquals(JWSAlgorithm.ES256, receipt.getHeader().getAlgorithm());
        assertEquals("release-receipt+jwt", receipt.getHeader().getType().getType());
        JWKSet jwks = JWKSet.parse(new String(client.get("/.well-known/jwks.json", null).body(), StandardCharsets.UTF_8));
        ECKey signing = (ECKey) jwks.getKeyByKeyId(receipt.getHeader().getKeyID());
        assertNotNull(signing, "the receipt's kid is in the JWKS");
        assertTrue(receipt.verify(new ECDSAVerifier(signing)));
        JWTClaimsSet c = receipt.getJWTClaimsSet();
        assertEquals(issuer, c.getIssuer());
        assertEquals(a.jti(), c.getStringClaim("token_jti"));
        assertEquals("llama/1", c.getStringClaim("model_key_id"));
        assertEquals(a.thumbprint(), c.getStringClaim("tee_key_thumbprint"));
        assertEquals(START.getEpochSecond(), c.getLongClaim("released_at"));
        assertEquals("model-gateway", c.getStringClaim("gateway"));
        assertEquals(index, c.getLongClaim("log_index"));
        assertEquals(Date.from(START), c.getIssueTime());

        // The log record: the new kind, pointing at the token's attestation entry.
        byte[] stored = running.log().store().entries(index, index + 1).get(index);
        ReleaseReceiptRecord rec = ((LogRecords.Receipt) LogRecords.decode(stored)).receipt();
        assertEquals(a.logIndex(), rec.attestationIndex());
        assertEquals(a.jti(), rec.tokenJti());
        assertEquals(a.thumbprint(), rec.teeKeyThumbprint());

        // A retry of the same request answers the same record; nothing new is appended.
        CLOCK.advance(Duration.ofSeconds(20));
        HttpResponse<String> again = client.post("/v1/release-receipts", request(a.token(), "llama/1", a.thumbprint(),
                START.getEpochSecond(), "model-gateway").toString(), null);
        assertEquals(200, again.statusCode(), again.body());
        SignedJWT second = SignedJWT.parse(LogTestClient.JSON.readTree(again.body()).get("receipt").asText());
        assertEquals(index, second.getJWTClaimsSet().getLongClaim("log_index"));
        assertEquals(c.getIssueTime(), second.getJWTClaimsSet().getIssueTime(), "iat is the record's instant");
        assertEquals(before + 1, treeSize());

        // Another release against the same token is a conflict naming the recorded receipt.
        JsonNode conflict = refused(request(a.token(), "other-key", a.thumbprint(), START.getEpochSecond(),
                "model-gateway").toString(), 409, "RECEIPT_CONFLICT");
        assertEquals(index, conflict.get("log_index").asLong());

        // The auditor's entry API shows the record kind; its "bundle" is receipt.json.
        JsonNode shown = LogTestClient.JSON.readTree(client.get("/v1/log/entries/" + index, LogTestClient.TOKEN).body());
        assertEquals("release_receipt", shown.get("record").asText());
        assertEquals(a.jti(), shown.get("token_jti").asText());
        assertEquals(a.logIndex(), shown.get("attestation_index").asLong());
        JsonNode att = LogTestClient.JSON.readTree(client.get("/v1/log/entries/" + a.logIndex(), LogTestClient.TOKEN).body());
        assertEquals("attestation", att.get("record").asText());
        var zip = client.get("/v1/log/entries/" + index + "/bundle", LogTestClient.TOKEN);
        assertEquals(200, zip.statusCode());
        Set<String> names = new HashSet<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertEquals(Set.of("receipt.json", "entry.cbor"), names);
    }

    @Test
    void anExpiredTokenIsRefusedUnlessTheReleaseWasInsideItsValidityAndIsRecordedWithinTheGrace() throws Exception {
        Attested a = attest(client, "model-gateway");
        JWTClaimsSet c = SignedJWT.parse(a.token()).getJWTClaimsSet();
        long exp = c.getExpirationTime().toInstant().getEpochSecond();
        // Released after exp: refused.
        CLOCK.set(Instant.ofEpochSecond(exp + 10));
        refused(request(a.token(), "k", a.thumbprint(), exp + 10, "model-gateway").toString(), 401, "TOKEN_EXPIRED");
        // Released in the future: refused.
        refused(request(a.token(), "k", a.thumbprint(), exp + 10 + 3600, "model-gateway").toString(), 422,
                "RELEASE_TIME_INVALID");
        // Asked long after exp (beyond the grace), even for a release inside the validity: refused.
        CLOCK.set(Instant.ofEpochSecond(exp + ReleaseReceiptRoutes.GRACE_SECONDS + 1));
        refused(request(a.token(), "k", a.thumbprint(), exp - 5, "model-gateway").toString(), 401, "TOKEN_EXPIRED");
        // Released while valid, recorded just after exp (within the grace): accepted.
        CLOCK.set(Instant.ofEpochSecond(exp + 30));
        HttpResponse<String> late = client.post("/v1/release-receipts",
                request(a.token(), "k", a.thumbprint(), exp - 5, "model-gateway").toString(), null);
        assertEquals(200, late.statusCode(), late.body());
    }

    @Test
    void everyRefusalHasItsCodeAndRecordsNothing() throws Exception {
        Attested a = attest(client, "model-gateway");
        long now = CLOCK.instant().getEpochSecond();
        // Malformed bodies.
        refused("not json", 400, "MALFORMED_REQUEST");
        refused("[1, 2]", 400, "MALFORMED_REQUEST");
        ObjectNode extra = request(a, "k");
        extra.put("admin", true);
        refused(extra.toString(), 400, "MALFORMED_REQUEST");
        ObjectNode missing = request(a, "k");
        missing.remove("released_at");
        assertEquals("released_at", refused(missing.toString(), 400, "MALFORMED_REQUEST").get("field").asText());
        ObjectNode fractional = request(a, "k");
        fractional.put("released_at", now + 0.5);
        refused(fractional.toString(), 400, "MALFORMED_REQUEST");
        refused(request(a.token(), "k", "not-a-thumbprint", now, "model-gateway").toString(), 400, "MALFORMED_REQUEST");
        refused(request(a.token(), "key with spaces", a.thumbprint(), now, "model-gateway").toString(), 400,
                "MALFORMED_REQUEST");
        refused(request(a.token(), "k".repeat(300), a.thumbprint(), now, "model-gateway").toString(), 400,
                "MALFORMED_REQUEST");
        refused(request("x".repeat(ReleaseReceiptRoutes.MAX_TOKEN_LENGTH + 1), "k", a.thumbprint(), now,
                "model-gateway").toString(), 400, "MALFORMED_REQUEST");
        // Oversized body: the service's body limit (413, problem+json).
        long before = treeSize();
        HttpResponse<String> big = client.post("/v1/release-receipts",
                request("x".repeat(100_000), "k", a.thumbprint(), now, "model-gateway").toString(), null);
        assertEquals(413, big.statusCode());
        assertEquals(before, treeSize());

        // Tokens that are not this service's, or not tokens.
        refused(request("abc.def", "k", a.thumbprint(), now, "model-gateway").toString(), 400, "TOKEN_MALFORMED");
        String[] parts = a.token().split("\\.");
        char last = parts[2].charAt(5);
        String badSig = parts[0] + "." + parts[1] + "." + parts[2].substring(0, 5) + (last == 'A' ? 'B' : 'A')
                + parts[2].substring(6);
        refused(request(badSig, "k", a.thumbprint(), now, "model-gateway").toString(), 401, "SIGNATURE_INVALID");
        JWTClaimsSet claims = SignedJWT.parse(a.token()).getJWTClaimsSet();
        ECKey foreign = new ECKeyGenerator(Curve.P_256).keyID(serviceKey().getKeyID()).generate();
        refused(request(token(claims, foreign, "JWT"), "k", a.thumbprint(), now, "model-gateway").toString(), 401,
                "SIGNATURE_INVALID");
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        refused(request(token(claims, stranger, "JWT"), "k", a.thumbprint(), now, "model-gateway").toString(), 401,
                "UNKNOWN_KEY");
        JWTClaimsSet otherIss = new JWTClaimsSet.Builder(claims).issuer("https://other.example").build();
        refused(request(token(otherIss, serviceKey(), "JWT"), "k", a.thumbprint(), now, "model-gateway").toString(), 401,
                "ISSUER_MISMATCH");
        refused(request(token(claims, serviceKey(), "release-receipt+jwt"), "k", a.thumbprint(), now,
                "model-gateway").toString(), 400, "TOKEN_MALFORMED");
        // Signed by the service but never issued for an attestation of this log.
        JWTClaimsSet unlogged = new JWTClaimsSet.Builder(claims).jwtID(UUID.randomUUID().toString()).build();
        refused(request(token(unlogged, serviceKey(), "JWT"), "k", a.thumbprint(), now, "model-gateway").toString(), 422,
                "TOKEN_NOT_LOGGED");

        // The thumbprint must be the token's cnf.jwk's; the gateway one of its audiences.
        String otherThumbprint = new ECKeyGenerator(Curve.P_256).generate().computeThumbprint().toString();
        refused(request(a.token(), "k", otherThumbprint, now, "model-gateway").toString(), 422, "THUMBPRINT_MISMATCH");
        refused(request(a.token(), "k", a.thumbprint(), now, "other-gateway").toString(), 403, "AUDIENCE_MISMATCH");

        // After all that, the genuine request still works.
        HttpResponse<String> ok = client.post("/v1/release-receipts", request(a, "k").toString(), null);
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void theLogWithReceiptsAuditsAndReplaysClean() throws Exception {
        for (int i = 0; i < 3; i++) {
            Attested a = attest(client, i == 0 ? null : "model-gateway");
            assertEquals(200, client.post("/v1/release-receipts", request(a, "m" + i).toString(), null).statusCode());
        }
        attest(client, null); // an attestation without a release
        assertEquals(200, client.post("/v1/log/checkpoint", "", LogTestClient.TOKEN).statusCode());
        long size = treeSize();
        long receipts = 0;
        for (long i = 0; i < size; i++) {
            if (LogRecords.decode(running.log().store().entries(i, i + 1).get(i)) instanceof LogRecords.Receipt) {
                receipts++;
            }
        }
        assertTrue(receipts >= 3);
        Path vkey = work.resolve("log.vkey");
        Files.writeString(vkey, new String(client.get("/v1/log/key", LogTestClient.TOKEN).body(), StandardCharsets.UTF_8));
        LogTestClient.Run replay = LogTestClient.run(s -> LogReplayCommand.run(List.of("--url", client.base, "--token",
                LogTestClient.TOKEN, "--log-key", vkey.toString(), "--json"),
                Optional.of(LogServiceVolumeTest.replayEngine()), s[0], s[1]));
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        assertEquals(size, replay.json().get("entries_checked").asLong());
        assertEquals(size - receipts, replay.json().get("entries_replayed").asLong(), "receipts are checked, not replayed");
        assertFalse(replay.json().get("findings").elements().hasNext(), replay.out());
    }

    @Test
    void whileTheLogCannotCommitNoReceiptIsIssued(@TempDir Path dir) throws Exception {
        ServiceLauncher.Running own = ServiceLauncher.start(config(dir), CLOCK,
                a -> LogServiceVolumeTest.StandInEngines.live(), null);
        try {
            LogTestClient c = new LogTestClient("http://127.0.0.1:" + own.port());
            Attested a = attest(c, "model-gateway");
            long size = own.log().store().treeSize();
            own.log().store().close(); // the writer stops: every append fails
            HttpResponse<String> r = c.post("/v1/release-receipts", request(a, "k").toString(), null);
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            JsonNode p = LogTestClient.JSON.readTree(r.body());
            assertEquals("LOG_UNAVAILABLE", p.get("code").asText());
            assertFalse(p.has("receipt"));
            assertEquals(size, own.log().store().treeSize(), "nothing was recorded");
        } finally {
            own.close().await();
        }
    }
}

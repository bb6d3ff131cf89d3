package org.openanolis.attestation.verifier.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.simulator.db.EmbeddedPostgresServer;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.LogReplayCommand;
import org.openanolis.attestation.verifier.log.NoteSigner;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * Three service replicas (in-process {@link ServiceLauncher}s, each with its own data directory)
 * on one PostgreSQL, sharing {@code database_url}, {@code nonce_key_hex}, {@code log_signing_key}
 * and one token keystore file (so the JWKS of every replica holds the key of every token).
 * Attestations run concurrently across them (nonce from one replica, attest at another), one
 * replica is killed while requests are in flight, and then the log is read back and replayed:
 * every issued token has exactly one entry, indexes are dense, the tree verifies. Also: one
 * checkpointer at a time (the lease), a policy change on one replica reaching the others within
 * {@code policy_cache_ttl_seconds}, and the database going away and coming back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasTest {
    private static final String DB = "replicas";
    private static final String ADMIN = "admin-token-0123456789abcdef0123456789abcdef";
    @TempDir
    static Path work;
    private static EmbeddedPostgres postgres;
    private static final List<ServiceLauncher.Running> replicas = new ArrayList<>();
    private static final List<String> bases = new ArrayList<>();
    private static Path logKey;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.get();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DB);
            st.execute("CREATE DATABASE " + DB);
        }
        byte[] nonceKey = new byte[32];
        new SecureRandom().nextBytes(nonceKey);
        String issuer = "http://verifier.replicas.test";
        NoteSigner signer = NoteSigner.generate("verifier.replicas.test/verification-log", new SecureRandom());
        logKey = work.resolve("log.vkey");
        Files.writeString(logKey, signer.verifierKey() + "\n");
        for (int i = 0; i < 3; i++) {
            ServiceConfig c = ScaleFixture.config(work.resolve("replica" + i));
            c.issuer = issuer;
            c.databaseUrl = postgres.getJdbcUrl("postgres", DB);
            c.databaseUser = "postgres";
            c.databasePassword = "postgres";
            c.nonceKeyHex = Hex.encode(nonceKey);
            c.logSigningKey = signer.skey();
            c.keystorePath = work.resolve("token-keys.p12").toString(); // one keystore: one JWKS
            c.logCheckpointIntervalSeconds = 1;
            c.policyCacheTtlSeconds = 1;
            c.adminTokens = new ArrayList<>(List.of("alice:policy-admin:" + ADMIN));
            // With the database gone, a request waits for a connection until this limit (then 503).
            c.requestTimeoutMs = 4_000;
            // Started one after the other: the first creates the keystore, the others open it.
            ServiceLauncher.Running r = ServiceLauncher.start(c, Clock.systemUTC(),
                    a -> ScaleFixture.standIn(() -> ScaleFixture.TCB_INFO), null);
            replicas.add(r);
            bases.add(ScaleFixture.base(r.port()));
        }
    }

    @AfterAll
    static void stop() {
        for (int i = replicas.size() - 1; i >= 0; i--) {
            try {
                replicas.get(i).close().await();
            } catch (RuntimeException ignored) {
                // the killed replica is closed already
            }
        }
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(postgres.getJdbcUrl("postgres", DB), "postgres", "postgres");
    }

    private static Set<String> leaseHolders() throws Exception {
        Set<String> holders = new HashSet<>();
        try (Connection c = db(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT holder FROM log_lease WHERE name = 'checkpointer'")) {
            while (rs.next()) {
                holders.add(rs.getString(1));
            }
        }
        return holders;
    }

    @Test
    @Order(1)
    void concurrentAttestationsAcrossReplicasWithOneKilledLoseNothing() throws Exception {
        // One checkpointer at a time: the lease stays with one replica while it renews it.
        Set<String> holders = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            Thread.sleep(1100);
            holders.addAll(leaseHolders());
        }
        assertEquals(1, holders.size(), holders.toString());

        int n = 150;
        ExecutorService pool = Executors.newFixedThreadPool(9);
        CountDownLatch third = new CountDownLatch(n / 3);
        List<Future<JsonNode>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String nonceAt = bases.get(i % 3);
            String attestAt = bases.get((i + 1) % 3);
            results.add(pool.submit(() -> {
                try {
                    return ScaleFixture.attest(nonceAt, attestAt);
                } catch (java.io.IOException e) {
                    return null; // the killed replica's connection went away: no answer, no token
                } finally {
                    third.countDown();
                }
            }));
        }
        assertTrue(third.await(60, TimeUnit.SECONDS));
        // Kill replica 2 abruptly while requests are in flight (its Vert.x, not a graceful drain).
        ServiceLauncher.Running killed = replicas.get(2);
        killed.vertx().close();

        Map<String, String> issuedBy = new HashMap<>();
        int answered = 0;
        for (int i = 0; i < n; i++) {
            JsonNode r = results.get(i).get(60, TimeUnit.SECONDS);
            if (r == null) {
                continue;
            }
            answered++;
            int status = r.get("http_status").asInt();
            if (status == 200) {
                assertTrue(issuedBy.put(r.get("jti").asText(), r.get("token").asText()) == null, "jti issued twice");
            } else {
                assertFalse(r.has("token"), r.toString());
                assertTrue(status == 503 || status == 403, r.toString());
            }
        }
        pool.shutdown();
        killed.log().close();
        killed.database().close();
        assertTrue(issuedBy.size() >= n / 3, "tokens issued: " + issuedBy.size() + " of " + answered + " answers");

        // Every token has exactly one entry; indexes are dense from 0; entries decode to their jti.
        Map<String, Integer> entriesByJti = new HashMap<>();
        long expectedIdx = 0;
        try (Connection c = db(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT idx, jti, entry FROM log_entry ORDER BY idx")) {
            while (rs.next()) {
                assertEquals(expectedIdx++, rs.getLong(1));
                LogEntry e = LogEntry.decode(rs.getBytes(3));
                assertEquals(rs.getString(2), e.jti());
                entriesByJti.merge(e.jti(), 1, Integer::sum);
            }
        }
        for (String jti : issuedBy.keySet()) {
            assertEquals(1, entriesByJti.getOrDefault(jti, 0), "entries for token " + jti);
        }
        assertTrue(entriesByJti.values().stream().allMatch(v -> v == 1), "an entry is doubled");

        // A token from any replica verifies against the JWKS of any surviving replica.
        for (String base : bases.subList(0, 2)) {
            JWKSet jwks = JWKSet.parse(ScaleFixture.get(base, "/.well-known/jwks.json", null).body());
            for (String token : issuedBy.values().stream().limit(20).toList()) {
                SignedJWT jwt = SignedJWT.parse(token);
                ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
                assertTrue(jwt.verify(new ECDSAVerifier(key)), "token verifies at " + base);
            }
        }

        // A fresh checkpoint from a survivor, then the auditor's replay over the shared store:
        // every entry included in the signed tree (proofs only; stand-in engines).
        assertEquals(200, ScaleFixture.post(bases.get(0), "/v1/log/checkpoint", "", ScaleFixture.AUDITOR_TOKEN)
                .statusCode());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LogReplayCommand.run(List.of("--url", bases.get(1), "--token", ScaleFixture.AUDITOR_TOKEN,
                "--log-key", logKey.toString(), "--json"), Optional.empty(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, report + err.toString(StandardCharsets.UTF_8));
        assertEquals(expectedIdx, ScaleFixture.JSON.readTree(report).get("entries_checked").asLong(), report);
    }

    @Test
    @Order(2)
    void policyChangeOnOneReplicaReachesTheOthersWithinTheCacheTtl() throws Exception {
        String denyAll = """
                id: default-tdx
                tees: [tdx]
                rules:
                  - name: only-debug-tds
                    component: configuration
                    expr: claims.debug == true
                    on_fail: contraindicated
                """;
        var created = ScaleFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(bases.get(0) + "/v1/admin/policies"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/yaml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(denyAll)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(created.statusCode() == 200 || created.statusCode() == 201, created.body());
        int version = ScaleFixture.JSON.readTree(created.body()).get("version").asInt();
        assertEquals(200, ScaleFixture.post(bases.get(0), "/v1/admin/policies/default-tdx/activate",
                "{\"version\":" + version + "}", ADMIN).statusCode());
        long activated = System.nanoTime();
        JsonNode r;
        do {
            r = ScaleFixture.attest(bases.get(1), bases.get(1));
        } while (r.get("http_status").asInt() == 200 && System.nanoTime() - activated < 5_000_000_000L);
        long seenAfterMs = (System.nanoTime() - activated) / 1_000_000;
        assertEquals(403, r.get("http_status").asInt(), r.toString());
        assertEquals("POLICY_DENIED", r.get("code").asText());
        assertTrue(seenAfterMs <= 1_000 + 500, "seen after " + seenAfterMs + " ms with a 1 s cache");

        assertEquals(200, ScaleFixture.post(bases.get(0), "/v1/admin/policies/default-tdx/deactivate", "", ADMIN)
                .statusCode());
        Thread.sleep(1_100);
        assertEquals(200, ScaleFixture.attest(bases.get(0), bases.get(1)).get("http_status").asInt());
    }

    @Test
    @Order(3)
    void databaseDownFailsClosedAndRecoversByItself() throws Exception {
        String base = bases.get(0);
        assertEquals(200, ScaleFixture.attest(base, base).get("http_status").asInt());
        long entriesBefore = entries();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + DB + " ALLOW_CONNECTIONS false");
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DB + "'");
        }
        try {
            for (int i = 0; i < 2; i++) {
                JsonNode down = ScaleFixture.attest(base, base);
                assertEquals(503, down.get("http_status").asInt(), down.toString());
                assertFalse(down.has("token"));
                assertTrue(down.has("retry_after"));
            }
        } finally {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE " + DB + " ALLOW_CONNECTIONS true");
            }
        }
        // Back without a restart: the pool reconnects.
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode back;
        do {
            back = ScaleFixture.attest(base, base);
        } while (back.get("http_status").asInt() != 200 && System.nanoTime() < deadline);
        assertEquals(200, back.get("http_status").asInt(), back.toString());
        try (Connection c = db(); var ps = c.prepareStatement("SELECT count(*) FROM log_entry WHERE jti = ?")) {
            ps.setString(1, back.get("jti").asText());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getLong(1));
            }
        }
        assertTrue(entries() > entriesBefore);
    }

    private static long entries() throws Exception {
        try (Connection c = db(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM log_entry")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

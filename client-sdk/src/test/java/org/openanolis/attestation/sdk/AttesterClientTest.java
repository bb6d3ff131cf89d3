package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.sdk.testing.StandInProviders;
import org.openanolis.attestation.sdk.testing.VerifierFixture;
import org.openanolis.attestation.verifier.attest.AttestationService;

/**
 * {@link AttesterClient} against the real service (stand-in engines), and its retry behaviour
 * against a loopback server that answers 503/429.
 */
class AttesterClientTest {
    @TempDir
    static Path data;
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
    static VerifierFixture service;
    static final ECKey TEE = KeyRelease.generateTeeKey();

    @BeforeAll
    static void start() throws Exception {
        service = VerifierFixture.start(data, CLOCK);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static AttesterClient.Builder client(URI uri) {
        return AttesterClient.builder(uri).teePublicKey(TEE.toPublicJWK()).cpu(StandInProviders.tdx(false))
                .gpus(List.of(StandInProviders.gpu(0), StandInProviders.gpu(1))).audience("model-gateway");
    }

    @Test
    void theRecipeProducesATokenThatVerifies() throws Exception {
        AttestationToken t = client(service.uri()).build().attest();
        assertEquals(Map.of("cpu", "affirming", "gpu0", "affirming", "gpu1", "affirming"), t.statuses());
        VerifiedToken v = TokenVerifier.builder().issuer(service.issuer()).jwksFromDiscovery().audience("model-gateway")
                .clock(CLOCK).maxClockSkew(Duration.ofSeconds(5)).acceptStatus(EarStatus.AFFIRMING)
                .requirePolicyId("cpu", "default-tdx").replayGuard(ReplayGuard.inMemory(10)).build()
                .verify(t.token());
        assertEquals(t.jti(), v.jti());
        assertEquals(TEE.toPublicJWK(), v.teePublicKey());
        assertEquals(t.expiresAt(), v.expiresAt());
        assertTrue(!t.toString().contains(t.token()));
    }

    @Test
    void runtimeDataIsTheDocumentedRecipe() throws Exception {
        List<GpuEvidence> gpus = List.of(StandInProviders.gpu(0).evidence(new byte[32]));
        byte[] ours = AttesterClient.runtimeData(TEE.toPublicJWK().toJSONObject(), gpus);
        Map<String, Object> parsed = JSONObjectUtils.parse(new String(ours, StandardCharsets.UTF_8));
        byte[] theirs = AttestationService.runtimeData(TEE.toPublicJWK().toJSONObject(), List.of(gpus.get(0).report()));
        assertEquals(JSONObjectUtils.parse(new String(theirs, StandardCharsets.UTF_8)), parsed);
        assertEquals(List.of(AttesterClient.hex(AttesterClient.sha("SHA-256", gpus.get(0).report()))),
                parsed.get("gpu_evidence_sha256"));
    }

    @Test
    void aRefusalCarriesTheServiceReasonCode() {
        CpuEvidenceProvider wrongReportData = new CpuEvidenceProvider() {
            @Override
            public String tee() {
                return "tdx";
            }

            @Override
            public byte[] evidence(byte[] reportData) {
                byte[] q = reportData.clone();
                q[0] ^= 1;
                return q;
            }
        };
        AttestationFailedException e = assertThrows(AttestationFailedException.class,
                () -> client(service.uri()).cpu(wrongReportData).build().attest());
        assertEquals(403, e.httpStatus());
        assertEquals("BINDING_MISMATCH", e.reasonCode());
        assertEquals("cpu.report_data", e.field());

        GpuEvidenceProvider staleGpu = nonce -> StandInProviders.gpu(0).evidence(new byte[32]);
        e = assertThrows(AttestationFailedException.class,
                () -> client(service.uri()).gpus(List.of(staleGpu)).build().attest());
        assertEquals("BINDING_MISMATCH", e.reasonCode());

        CpuEvidenceProvider truncated = new CpuEvidenceProvider() {
            @Override
            public String tee() {
                return "tdx";
            }

            @Override
            public byte[] evidence(byte[] reportData) {
                return java.util.Arrays.copyOf(reportData, 10);
            }
        };
        e = assertThrows(AttestationFailedException.class, () -> client(service.uri()).cpu(truncated).build().attest());
        assertEquals(400, e.httpStatus());
        assertEquals("MALFORMED_EVIDENCE", e.reasonCode());

        GpuEvidenceProvider broken = nonce -> {
            throw new java.io.IOException("device lost");
        };
        e = assertThrows(AttestationFailedException.class,
                () -> client(service.uri()).gpus(List.of(broken)).build().attest());
        assertEquals(0, e.httpStatus());
        assertEquals("gpus[0]", e.field());
    }

    @Test
    void builderRefusesPrivateKeysAndMissingProviders() {
        assertThrows(IllegalStateException.class,
                () -> AttesterClient.builder(service.uri()).teePublicKey(TEE).cpu(StandInProviders.tdx(false)).build());
        assertThrows(IllegalStateException.class,
                () -> AttesterClient.builder(service.uri()).teePublicKey(TEE.toPublicJWK()).build());
        assertThrows(IllegalArgumentException.class, () -> AttesterClient.builder(URI.create("ftp://x")));
    }

    /** A loopback service that answers /v1/attest with {@code busy} 503/429s, then proxies to the real one. */
    private static HttpServer flaky(List<Integer> busy, AtomicInteger attestCalls) throws Exception {
        return flaky(busy, attestCalls, new ArrayList<>());
    }

    private static HttpServer flaky(List<Integer> busy, AtomicInteger attestCalls, List<String> attestBodies)
            throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        s.createContext("/", ex -> {
            try (ex) {
                int n = ex.getRequestURI().getPath().equals("/v1/attest") ? attestCalls.getAndIncrement() : -1;
                if (n >= 0 && n < busy.size()) {
                    ex.getResponseHeaders().add("Content-Type", "application/problem+json");
                    if (busy.get(n) == 429) {
                        ex.getResponseHeaders().add("Retry-After", "3");
                    }
                    byte[] b = ("{\"status\":" + busy.get(n) + "}").getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(busy.get(n), b.length);
                    ex.getResponseBody().write(b);
                    return;
                }
                var req = java.net.http.HttpRequest.newBuilder(service.uri().resolve(ex.getRequestURI().getPath()))
                        .header("Content-Type", "application/json");
                byte[] body = ex.getRequestBody().readAllBytes();
                if (n >= 0) {
                    synchronized (attestBodies) {
                        attestBodies.add(new String(body, StandardCharsets.UTF_8));
                    }
                }
                var r = http.send("POST".equals(ex.getRequestMethod())
                        ? req.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build() : req.GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                ex.sendResponseHeaders(r.statusCode(), r.body().length);
                ex.getResponseBody().write(r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.start();
        return s;
    }

    @Test
    void busyAnswersAreRetriedWithBackoffFromAFreshNonce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = flaky(List.of(503, 429), calls);
        try {
            List<Duration> slept = new ArrayList<>();
            AttestationToken t = client(URI.create("http://127.0.0.1:" + s.getAddress().getPort()))
                    .retry(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2))).sleeper(slept::add)
                    .build().attest();
            assertEquals(3, calls.get());
            // first back-off is the policy's, the second the server's Retry-After (3 s) capped at 2 s
            assertEquals(List.of(Duration.ofMillis(100), Duration.ofSeconds(2)), slept);
            assertEquals("affirming", t.statuses().get("cpu"));
        } finally {
            s.stop(0);
        }
    }

    @Test
    void exhaustedRetriesReportTheLastStatus() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = flaky(List.of(503, 503, 503), calls);
        try {
            List<Duration> slept = new ArrayList<>();
            AttestationFailedException e = assertThrows(AttestationFailedException.class,
                    () -> client(URI.create("http://127.0.0.1:" + s.getAddress().getPort()))
                            .retry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10)))
                            .sleeper(slept::add).build().attest());
            assertEquals(503, e.httpStatus());
            assertEquals(2, calls.get());
            assertEquals(1, slept.size());
        } finally {
            s.stop(0);
        }
    }

    /** A loopback service whose nonce answer is endless (chunked), or stalls after the headers. */
    private static HttpServer hostile(boolean stall, AtomicInteger nonceCalls, java.util.concurrent.CountDownLatch release)
            throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "attester-client-test");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/v1/nonce", ex -> {
            try (ex) {
                nonceCalls.incrementAndGet();
                if (stall) {
                    ex.sendResponseHeaders(200, 100);
                    ex.getResponseBody().write("{\"nonce\"".getBytes(StandardCharsets.UTF_8));
                    ex.getResponseBody().flush();
                    release.await();
                    return;
                }
                ex.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[8192];
                java.util.Arrays.fill(chunk, (byte) ' ');
                while (true) {
                    ex.getResponseBody().write(chunk); // until the client goes away
                }
            } catch (java.io.IOException e) {
                // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.start();
        return s;
    }

    @Test
    void anEndlessAnswerIsRefusedAtTheLimitAndNotRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer s = hostile(false, calls, release);
        try {
            AttestationFailedException e = assertThrows(AttestationFailedException.class,
                    () -> client(URI.create("http://127.0.0.1:" + s.getAddress().getPort()))
                            .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1))).sleeper(d -> { })
                            .build().attest());
            assertEquals("GET /v1/nonce: answer too large (more than 262144 bytes)", e.getMessage());
            assertEquals(1, calls.get());
        } finally {
            release.countDown();
            s.stop(0);
        }
    }

    @Test
    void aBodyThatStallsAfterItsHeadersEndsAtTheRequestTimeout() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer s = hostile(true, calls, release);
        try {
            AttestationFailedException e = assertThrows(AttestationFailedException.class,
                    () -> client(URI.create("http://127.0.0.1:" + s.getAddress().getPort()))
                            .requestTimeout(Duration.ofSeconds(2)).retry(new RetryPolicy(1, Duration.ofMillis(1),
                                    Duration.ofMillis(1))).build().attest());
            assertTrue(e.getMessage().startsWith("gave up after 1 attempts: service unreachable"), e.getMessage());
            assertTrue(e.getMessage().contains("no complete answer within 2000 ms (headers arrived, 8 body bytes read)"),
                    e.getMessage());
        } finally {
            release.countDown();
            s.stop(0);
        }
    }

    @Test
    void snpHostCertificatesTravelWithTheReport() throws Exception {
        String vek = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        CpuEvidenceProvider snp = new CpuEvidenceProvider() {
            @Override
            public String tee() {
                return "snp";
            }

            @Override
            public byte[] evidence(byte[] reportData) {
                return reportData.clone();
            }

            @Override
            public Map<String, String> certificates() {
                return Map.of("vek", vek);
            }
        };
        List<String> bodies = new ArrayList<>();
        HttpServer s = flaky(List.of(), new AtomicInteger(), bodies);
        try {
            client(URI.create("http://127.0.0.1:" + s.getAddress().getPort())).cpu(snp).gpus(List.of()).build().attest();
            Map<String, Object> cpu = JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(bodies.get(0)), "cpu");
            assertEquals("snp", cpu.get("tee"));
            assertEquals(vek, cpu.get("vek"));
        } finally {
            s.stop(0);
        }
        assertThrows(IllegalStateException.class, () -> client(service.uri()).cpu(new CpuEvidenceProvider() {
            @Override
            public String tee() {
                return "tdx";
            }

            @Override
            public byte[] evidence(byte[] reportData) {
                return reportData;
            }

            @Override
            public Map<String, String> certificates() {
                return Map.of("vek", vek);
            }
        }).build());
    }

    @Test
    void backoffDoublesUpToTheCap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(3));
        assertEquals(Duration.ofMillis(500), p.backoff(1, null));
        assertEquals(Duration.ofSeconds(1), p.backoff(2, null));
        assertEquals(Duration.ofSeconds(2), p.backoff(3, null));
        assertEquals(Duration.ofSeconds(3), p.backoff(4, null));
        assertEquals(Duration.ofSeconds(3), p.backoff(9, null));
        assertEquals(Duration.ofSeconds(1), p.backoff(5, Duration.ofSeconds(1)));
    }
}

package org.openanolis.attestation.verifier.collateral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.certs.MutableClock;

class CollateralCacheTest {
    private static final String PATH = "/sgx/certification/v4/tcb?fmspc=00a067110000";
    /** Callers run here; the cache loads on its own pool (sharing one would deadlock when full). */
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final ExecutorService loaders = Executors.newCachedThreadPool();
    private FakeUpstream primary;
    private FakeUpstream mirror;

    @BeforeEach
    void up() throws Exception {
        primary = new FakeUpstream();
        mirror = new FakeUpstream();
    }

    @AfterEach
    void down() {
        primary.close();
        mirror.close();
        pool.shutdownNow();
        loaders.shutdownNow();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private CollateralCache<String> cache(CollateralFetcher f, Instant validUntil, CollateralStore store,
                                          java.time.Clock clock) {
        return new CollateralCache<>("tcb_info", key -> {
            CollateralFetcher.Response r = f.get(key, "tcb_info");
            return new CollateralCache.Item(r.body(), r.headers(), clock.instant(), validUntil);
        }, store, clock, Duration.ofHours(1), 1000, loaders);
    }

    @Test
    void failsOverFrom500AndTimeoutsToTheNextBase() throws Exception {
        primary.on(PATH, FakeUpstream.Answer.status(500, Map.of()));
        mirror.on(PATH, FakeUpstream.Answer.ok(bytes("tcb"), Map.of("TCB-Info-Issuer-Chain", "chain")));
        CollateralFetcher f = new CollateralFetcher(List.of(primary.base(), mirror.base()), Duration.ofSeconds(2));
        CollateralFetcher.Response r = f.get(PATH, "tcb_info");
        assertArrayEquals(bytes("tcb"), r.body());
        assertEquals("chain", r.header("TCB-Info-Issuer-Chain").orElseThrow());

        primary.on(PATH, FakeUpstream.Answer.slow(1500, bytes("late")));
        CollateralFetcher quick = new CollateralFetcher(List.of(primary.base(), mirror.base()), Duration.ofMillis(300));
        assertArrayEquals(bytes("tcb"), quick.get(PATH, "tcb_info").body());
    }

    @Test
    void anOversizedAnswerFailsOverToTheNextBaseAndAloneIsUnavailable() throws Exception {
        primary.on(PATH, FakeUpstream.Answer.ok(new byte[CollateralFetcher.MAX_BODY_BYTES + 1], Map.of()));
        mirror.on(PATH, FakeUpstream.Answer.ok(bytes("tcb"), Map.of()));
        CollateralFetcher f = new CollateralFetcher(List.of(primary.base(), mirror.base()), Duration.ofSeconds(10));
        assertArrayEquals(bytes("tcb"), f.get(PATH, "tcb_info").body());

        CollateralFetcher alone = new CollateralFetcher(List.of(primary.base()), Duration.ofSeconds(10));
        CollateralFetcher.Unavailable u = assertThrows(CollateralFetcher.Unavailable.class, () -> alone.get(PATH, "tcb_info"));
        assertEquals(ReasonCode.COLLATERAL_MISSING, u.code());
        assertEquals("tcb_info", u.field());
        assertTrue(u.getMessage().contains(primary.base() + PATH + ": answer larger than 4194304 bytes"), u.getMessage());
        assertNull(u.retryAfter());
    }

    @Test
    void aBodyThatStallsAfterItsHeadersFailsOverAtTheTimeout() throws Exception {
        // HttpRequest.timeout alone covers only the headers: this answer used to hold the fetch for ever.
        primary.on(PATH, FakeUpstream.Answer.stalledBody(bytes("tcb info that never finishes")));
        mirror.on(PATH, FakeUpstream.Answer.ok(bytes("tcb"), Map.of()));
        CollateralFetcher f = new CollateralFetcher(List.of(primary.base(), mirror.base()), Duration.ofSeconds(2));
        assertArrayEquals(bytes("tcb"), f.get(PATH, "tcb_info").body());

        CollateralFetcher alone = new CollateralFetcher(List.of(primary.base()), Duration.ofSeconds(2));
        CollateralFetcher.Unavailable u = assertThrows(CollateralFetcher.Unavailable.class, () -> alone.get(PATH, "tcb_info"));
        assertEquals(ReasonCode.COLLATERAL_MISSING, u.code());
        assertTrue(u.getMessage().contains(primary.base() + PATH + ": timed out"), u.getMessage());
    }

    @Test
    void notFoundIsCollateralMissingAndThrottlingReportsRetryAfter() throws Exception {
        CollateralFetcher f = new CollateralFetcher(List.of(primary.base()), Duration.ofSeconds(2));
        assertEquals(ReasonCode.COLLATERAL_MISSING, assertThrows(VerificationException.class, () -> f.get(PATH, "x")).code());
        primary.on(PATH, FakeUpstream.Answer.status(429, Map.of("Retry-After", "17")));
        CollateralFetcher.Unavailable u = assertThrows(CollateralFetcher.Unavailable.class, () -> f.get(PATH, "x"));
        assertEquals(Duration.ofSeconds(17), u.retryAfter());
    }

    @Test
    void bootStormMakesOneUpstreamCall() throws Exception {
        primary.on(PATH, new FakeUpstream.Answer(200, bytes("tcb"), Map.of(), 200));
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        CollateralCache<String> c = cache(new CollateralFetcher(List.of(primary.base()), Duration.ofSeconds(5)),
                Instant.parse("2026-02-01T00:00:00Z"), CollateralStore.NONE, clock);
        List<Future<CollateralCache.Item>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(pool.submit(() -> c.get(PATH)));
        }
        for (Future<CollateralCache.Item> f : all) {
            assertArrayEquals(bytes("tcb"), f.get().body());
        }
        assertEquals(1, primary.hits(PATH));
    }

    @Test
    void servesStaleWhileValidThenFailsClosed(@TempDir Path dir) throws Exception {
        primary.on(PATH, FakeUpstream.Answer.ok(bytes("v1"), Map.of()));
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Instant validUntil = Instant.parse("2026-01-01T05:00:00Z");
        CollateralStore store = CollateralStore.directory(dir);
        CollateralFetcher f = new CollateralFetcher(List.of(primary.base()), Duration.ofSeconds(2));
        CollateralCache<String> c = cache(f, validUntil, store, clock);
        assertArrayEquals(bytes("v1"), c.get(PATH).body());

        // Upstream goes down; two hours later a refresh is due and fails: the valid copy keeps serving.
        primary.on(PATH, FakeUpstream.Answer.status(500, Map.of()));
        clock.set(Instant.parse("2026-01-01T02:00:00Z"));
        assertArrayEquals(bytes("v1"), c.get(PATH).body());
        Thread.sleep(200); // let the background refresh fail
        assertArrayEquals(bytes("v1"), c.get(PATH).body());

        // A restarted replica reads the persisted copy without upstream.
        CollateralCache<String> restarted = cache(f, validUntil, store, clock);
        assertArrayEquals(bytes("v1"), restarted.get(PATH).body());

        // Past the item's own validity: fail closed.
        clock.set(Instant.parse("2026-01-01T05:00:01Z"));
        VerificationException e = assertThrows(VerificationException.class, () -> c.get(PATH));
        assertEquals(ReasonCode.COLLATERAL_MISSING, e.code());
        assertTrue(c.status().get("last_error") != null);
    }
}

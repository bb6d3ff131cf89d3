package org.openanolis.attestation.verifier.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.verifier.collateral.CollateralCache;
import org.openanolis.attestation.verifier.collateral.CollateralFetcher;
import org.openanolis.attestation.verifier.collateral.CollateralStore;
import org.openanolis.attestation.verifier.collateral.FakeUpstream;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * Collateral services down or slow, through the HTTP service: a cached item keeps serving while it
 * is valid, then attestations fail closed with 503 {@code COLLATERAL_MISSING} and the upstream's
 * own {@code Retry-After} (the default 5 s when the upstream gave none, e.g. a timeout), and the
 * service recovers when the upstream returns.
 */
class CollateralFaultTest {
    private static final String PATH = "/tcb";

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        volatile Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void servesFromCacheWhileValidThen503WithUpstreamRetryAfterAndRecovers(@TempDir Path data) throws Exception {
        MovableClock clock = new MovableClock();
        Instant start = clock.now;
        ExecutorService loaders = Executors.newFixedThreadPool(2);
        try (FakeUpstream upstream = new FakeUpstream()) {
            upstream.on(PATH, FakeUpstream.Answer.ok(ScaleFixture.TCB_INFO, Map.of()));
            CollateralFetcher fetcher = new CollateralFetcher(List.of(upstream.base()), Duration.ofMillis(400));
            // Each fetched copy is valid for 5 hours (the item's own nextUpdate in real collateral).
            CollateralCache<String> cache = new CollateralCache<>("tcb_info", key -> {
                CollateralFetcher.Response r = fetcher.get(key, "tcb_info");
                return new CollateralCache.Item(r.body(), r.headers(), clock.instant(),
                        clock.instant().plus(Duration.ofHours(5)));
            }, CollateralStore.NONE, clock, Duration.ofHours(1), 100, loaders);
            ServiceLauncher.Running running = ServiceLauncher.start(ScaleFixture.config(data), clock,
                    a -> ScaleFixture.standIn(() -> cache.get(PATH).body()), null);
            try {
                String base = ScaleFixture.base(running.port());
                assertEquals(200, ScaleFixture.attest(base, base).get("http_status").asInt());

                // Upstream throttles (503, Retry-After 17); two hours on, the refresh is due and fails:
                // the cached copy is still valid and keeps serving.
                upstream.on(PATH, FakeUpstream.Answer.status(503, Map.of("Retry-After", "17")));
                clock.now = start.plus(Duration.ofHours(2));
                assertEquals(200, ScaleFixture.attest(base, base).get("http_status").asInt());
                Thread.sleep(200); // the background refresh fails
                assertEquals(200, ScaleFixture.attest(base, base).get("http_status").asInt());

                // Past the copy's validity: fail closed, carrying the upstream's Retry-After.
                clock.now = start.plus(Duration.ofHours(6));
                JsonNode down = ScaleFixture.attest(base, base);
                assertEquals(503, down.get("http_status").asInt(), down.toString());
                assertEquals("COLLATERAL_MISSING", down.get("code").asText());
                assertEquals("17", down.path("retry_after").asText());
                assertFalse(down.has("token"));

                // Slow upstream (longer than collateral_timeout): 503 with the default Retry-After.
                upstream.on(PATH, FakeUpstream.Answer.slow(1500, ScaleFixture.TCB_INFO));
                JsonNode slow = ScaleFixture.attest(base, base);
                assertEquals(503, slow.get("http_status").asInt(), slow.toString());
                assertEquals("COLLATERAL_MISSING", slow.get("code").asText());
                assertEquals("5", slow.path("retry_after").asText());

                // The upstream returns: attestations succeed again without a restart.
                upstream.on(PATH, FakeUpstream.Answer.ok(ScaleFixture.TCB_INFO, Map.of()));
                JsonNode back = ScaleFixture.attest(base, base);
                assertEquals(200, back.get("http_status").asInt(), back.toString());
                assertTrue(back.has("token"));
            } finally {
                running.close().await();
            }
        } finally {
            loaders.shutdownNow();
        }
    }
}

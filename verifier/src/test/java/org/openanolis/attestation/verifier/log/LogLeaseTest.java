package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpointer lease on a real SQLite database: one holder at a time, taken over after expiry. */
class LogLeaseTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

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
    void oneHolderAtATimeUntilTheLeaseExpires() throws Exception {
        LogDatabase db = LogDatabase.sqlite(dir.resolve("log.db"), LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        MovableClock clock = new MovableClock();
        LogLease a = new LogLease(db, "checkpointer", "replica-a", Duration.ofSeconds(30), clock);
        LogLease b = new LogLease(db, "checkpointer", "replica-b", Duration.ofSeconds(30), clock);
        assertTrue(a.tryAcquire());
        assertFalse(b.tryAcquire());
        clock.now = clock.now.plusSeconds(20);
        assertTrue(a.tryAcquire(), "the holder renews");
        clock.now = clock.now.plusSeconds(20);
        assertFalse(b.tryAcquire(), "renewed 20 s ago for 30 s");
        clock.now = clock.now.plusSeconds(11);
        assertTrue(b.tryAcquire(), "expired: another replica takes over");
        assertFalse(a.tryAcquire());
    }
}

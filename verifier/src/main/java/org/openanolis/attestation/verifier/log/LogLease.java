package org.openanolis.attestation.verifier.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * A named lease in the log's database ({@code log_lease}), so that of several replicas sharing one
 * PostgreSQL (or SQLite) log only one runs a periodic task at a time. {@link #tryAcquire()} takes
 * or renews the lease with one conditional UPDATE: it succeeds when this holder has it or the
 * previous holder let it expire. Times come from the injected clock; replicas' clocks should agree
 * to well within the lease duration.
 */
public final class LogLease {
    private final LogDatabase db;
    private final String name;
    private final String holder;
    private final Duration duration;
    private final Clock clock;

    public LogLease(LogDatabase db, String name, String holder, Duration duration, Clock clock) {
        this.db = Objects.requireNonNull(db);
        this.name = LogNames.requireName(name, "lease name");
        this.holder = LogNames.requireName(holder, "lease holder");
        this.duration = Objects.requireNonNull(duration);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Takes or renews the lease for {@code duration} from now; false when another holder has a live one. */
    public boolean tryAcquire() throws LogStorageException {
        long now = clock.millis();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE log_lease SET holder = ?, expires_at = ? "
                     + "WHERE name = ? AND (holder = ? OR expires_at < ?)")) {
            ps.setString(1, holder);
            ps.setLong(2, now + duration.toMillis());
            ps.setString(3, name);
            ps.setString(4, holder);
            ps.setLong(5, now);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new LogStorageException("taking the lease " + name + " failed", e);
        }
    }
}

package org.openanolis.attestation.verifier.log;

import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The database the log lives in: a {@link DataSource} and its dialect. The shared
 * {@code Database} plumbing of the policy store will hand these over; until then
 * {@link #migrate()} runs Flyway over {@code db/migration/common} and
 * {@code db/migration/<vendor>} (the log's scripts are V100 and up).
 *
 * @param dataSource connections to the database
 * @param dialect which SQL the database speaks
 */
public record LogDatabase(DataSource dataSource, SqlDialect dialect) {
    public LogDatabase {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dialect, "dialect");
    }

    /** How hard SQLite pushes commits to disk. */
    public enum SqliteDurability {
        /** {@code synchronous=FULL}: a commit survives power loss (one fsync per group commit). */
        FULL,
        /** {@code synchronous=NORMAL} in WAL mode: survives a process crash, not a power loss. */
        NORMAL
    }

    /** An SQLite file in WAL mode with a busy timeout, so several processes can share it. */
    public static LogDatabase sqlite(Path file, SqliteDurability durability) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(durability == SqliteDurability.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return new LogDatabase(ds, SqlDialect.SQLITE);
    }

    /** A PostgreSQL data source (pooled or not) shared by every replica. */
    public static LogDatabase postgresql(DataSource dataSource) {
        return new LogDatabase(dataSource, SqlDialect.POSTGRESQL);
    }

    /** Applies the migrations of {@code db/migration/common} and {@code db/migration/<vendor>}. */
    public void migrate() {
        Flyway.configure(LogDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.vendor())
                .failOnMissingLocations(false)
                .load()
                .migrate();
    }
}

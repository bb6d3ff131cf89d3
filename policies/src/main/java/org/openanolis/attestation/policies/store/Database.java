package org.openanolis.attestation.policies.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The one database of a verifier: policies, reference values and (from the verifier module) the
 * verification log. SQLite in a data directory (WAL mode) by default; PostgreSQL, shared by
 * several replicas, by JDBC URL. Opening runs the Flyway migrations found on the class path under
 * {@code db/migration/common} and {@code db/migration/<vendor>} ({@code sqlite} or
 * {@code postgresql}: the names of the {@code {vendor}} location placeholder, which is a Spring
 * Boot feature that Flyway itself (11.1) does not expand, so the folder is chosen here). Versions V1..V99 belong to the policies module, V100 and up to the
 * verification log; out-of-order application is allowed so that either range can grow later.
 */
public final class Database implements AutoCloseable {
    /** The SQLite file name inside the data directory. */
    public static final String SQLITE_FILE = "attestation.db";

    /** The supported database products, with the migration folder of each. */
    public enum Vendor {
        SQLITE("sqlite"), POSTGRESQL("postgresql");

        private final String flywayName;

        Vendor(String flywayName) {
            this.flywayName = flywayName;
        }

        /** The folder name under {@code db/migration}. */
        public String migrationFolder() {
            return flywayName;
        }
    }

    /** Work done on one connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource dataSource;
    private final Vendor vendor;

    private Database(HikariDataSource dataSource, Vendor vendor) {
        this.dataSource = dataSource;
        this.vendor = vendor;
    }

    /**
     * Opens (creating if needed) {@code dataDirectory/attestation.db} in WAL mode with foreign keys
     * on, write transactions that take the write lock at BEGIN, and a busy timeout, then migrates it.
     */
    public static Database openSqlite(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + dataDirectory, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a committed log entry (and so an issued token) survives a power loss too.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + dataDirectory.resolve(SQLITE_FILE).toAbsolutePath());
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqlite);
        hikari.setMaximumPoolSize(4);
        hikari.setMinimumIdle(1);
        hikari.setPoolName("sqlite");
        return open(new HikariDataSource(hikari), Vendor.SQLITE);
    }

    /** Connects to PostgreSQL at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db}) and migrates it. */
    public static Database openPostgres(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(user);
        hikari.setPassword(password);
        hikari.setMaximumPoolSize(8);
        hikari.setMinimumIdle(1);
        hikari.setPoolName("postgresql");
        // Fail fast while the database is down: attest answers 503 in seconds, not after 30 s.
        hikari.setConnectionTimeout(3_000);
        return open(new HikariDataSource(hikari), Vendor.POSTGRESQL);
    }

    private static Database open(HikariDataSource ds, Vendor vendor) {
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor.migrationFolder())
                    .outOfOrder(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("database migration failed", e);
        }
        return new Database(ds, vendor);
    }

    public Vendor vendor() { return vendor; }

    /** The pooled data source, for modules that keep their own tables here. */
    public DataSource dataSource() { return dataSource; }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Runs read-only {@code work} on one auto-commit connection. */
    public <T> T read(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}

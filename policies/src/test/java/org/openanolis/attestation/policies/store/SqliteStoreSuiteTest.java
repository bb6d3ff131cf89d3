package org.openanolis.attestation.policies.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store suite on SQLite in a temporary data directory. */
class SqliteStoreSuiteTest extends AbstractStoreSuite {
    @TempDir
    Path dataDirectory;

    @Override
    Database openDatabase() {
        return Database.openSqlite(dataDirectory);
    }

    @Override
    Database.Vendor expectedVendor() {
        return Database.Vendor.SQLITE;
    }

    @Test
    void sqliteRunsInWalModeInTheDataDirectory() throws Exception {
        String mode = database.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertEquals("wal", mode);
        assertEquals(true, java.nio.file.Files.exists(dataDirectory.resolve(Database.SQLITE_FILE)));
    }

    @Test
    void logMigrationsInTheV100RangeCoexist() throws Exception {
        database.close();
        // The verifier module migrates the same database with its V100+ scripts beside ours.
        org.flywaydb.core.Flyway.configure()
                .dataSource("jdbc:sqlite:" + dataDirectory.resolve(Database.SQLITE_FILE), null, null)
                .locations("classpath:db/migration/common", "classpath:db/migration/sqlite", "classpath:db/testlog")
                .outOfOrder(true).load().migrate();
        database = Database.openSqlite(dataDirectory);
        int tables = database.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'verification_log_stub'")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertEquals(1, tables);
        admin = new org.openanolis.attestation.policies.admin.PolicyAdministration(new VersionedDocumentStore(database),
                engine, compiler, new org.openanolis.attestation.policies.BuiltInPolicies(compiler),
                org.openanolis.attestation.policies.admin.DocumentSigning.off(), null, clock);
        assertEquals(1, admin.createPolicy(ALICE, upload(TDX_PROD)).version());
    }

    @Test
    void reopeningKeepsDataAndDoesNotRemigrate() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        database.close();
        database = Database.openSqlite(dataDirectory);
        assertEquals(1, new VersionedDocumentStore(database).versions(DocumentKind.POLICY, "tdx-prod").size());
    }
}

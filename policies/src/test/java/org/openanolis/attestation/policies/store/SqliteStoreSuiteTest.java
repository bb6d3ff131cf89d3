package org.openanolis.attestation.policies.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A document_versions row edited behind the admin API's back (triggers dropped, content
     * changed, content_hash left alone): a fresh engine refuses to compile it under the identity of
     * the document it replaced, naming the policy or set, id and version; an engine that compiled
     * the genuine version before keeps it (its cache key holds the hash the log records).
     */
    @Test
    void aStoredDocumentEditedInTheDatabaseIsRefusedWithItsNameAndVersion() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        admin.activateReferenceSet(ALICE, "tdx_images", admin.createReferenceSet(ALICE, upload(TDX_IMAGES)).version());
        assertEquals(org.openanolis.attestation.policies.EarStatus.AFFIRMING,
                engine.appraise("tdx-prod", org.openanolis.attestation.policies.TestClaims.tdx()).status());

        database.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DROP TRIGGER document_versions_no_update");
                // Trailing whitespace: the document still parses and means the same, only its hash differs.
                return s.executeUpdate("UPDATE document_versions SET content = content || ' ' WHERE name = 'tdx-prod'");
            }
        });
        org.openanolis.attestation.policies.PolicyCompiler compiler = new org.openanolis.attestation.policies.PolicyCompiler();
        org.openanolis.attestation.policies.PolicyEngine fresh = new org.openanolis.attestation.policies.PolicyEngine(
                new VersionedDocumentStore(database), compiler,
                new org.openanolis.attestation.policies.BuiltInPolicies(compiler), clock, java.time.Duration.ZERO);
        org.openanolis.attestation.policies.PolicyException e = assertThrows(
                org.openanolis.attestation.policies.PolicyException.class,
                () -> fresh.appraise("tdx-prod", org.openanolis.attestation.policies.TestClaims.tdx()));
        assertEquals(org.openanolis.attestation.policies.PolicyException.Code.STORED_DOCUMENT_CORRUPT, e.code());
        assertEquals("policy:tdx-prod", e.field());
        assertTrue(e.getMessage().contains("policy tdx-prod version 1"), e.getMessage());
        // The engine that compiled the genuine version before the edit still appraises with it.
        assertEquals(org.openanolis.attestation.policies.EarStatus.AFFIRMING,
                engine.appraise("tdx-prod", org.openanolis.attestation.policies.TestClaims.tdx()).status());

        database.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("UPDATE document_versions SET content = content || ' ' WHERE name = 'tdx_images'");
            }
        });
        org.openanolis.attestation.policies.PolicyEngine third = new org.openanolis.attestation.policies.PolicyEngine(
                new VersionedDocumentStore(database), compiler,
                new org.openanolis.attestation.policies.BuiltInPolicies(compiler), clock, java.time.Duration.ZERO);
        StoredDocument set = new VersionedDocumentStore(database).get(DocumentKind.REFERENCE_SET, "tdx_images", 1).orElseThrow();
        org.openanolis.attestation.policies.PolicyException s = assertThrows(
                org.openanolis.attestation.policies.PolicyException.class, () -> third.referenceSet(set));
        assertEquals(org.openanolis.attestation.policies.PolicyException.Code.STORED_DOCUMENT_CORRUPT, s.code());
        assertEquals("reference_set:tdx_images", s.field());
        assertTrue(s.getMessage().contains("reference set tdx_images version 1"), s.getMessage());
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

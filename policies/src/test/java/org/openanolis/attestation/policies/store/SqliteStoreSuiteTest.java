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
    void reopeningKeepsDataAndDoesNotRemigrate() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        database.close();
        database = Database.openSqlite(dataDirectory);
        assertEquals(1, new VersionedDocumentStore(database).versions(DocumentKind.POLICY, "tdx-prod").size());
    }
}

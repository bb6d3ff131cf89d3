package org.openanolis.attestation.verifier.log;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real SQLite file. */
class SqliteLogStoreTest extends LogStoreContract {
    @TempDir
    Path dir;
    private int databases;

    private Path lastFile;

    @Override
    LogDatabase newDatabase() {
        lastFile = dir.resolve("log-" + (databases++) + ".db");
        LogDatabase db = LogDatabase.sqlite(lastFile, LogDatabase.SqliteDurability.NORMAL);
        db.migrate();
        return db;
    }

    @Override
    String[] processArgs(LogDatabase db) {
        return new String[] {"sqlite", lastFile.toString()};
    }

    @Override
    void disableAppendOnlyTriggers(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            for (String t : new String[] {"log_entry_no_update", "log_entry_no_delete", "log_tree_node_no_update",
                    "log_tree_node_no_delete", "log_checkpoint_no_update", "log_checkpoint_no_delete"}) {
                st.executeUpdate("DROP TRIGGER " + t);
            }
        }
    }
}

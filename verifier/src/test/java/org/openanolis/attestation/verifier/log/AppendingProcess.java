package org.openanolis.attestation.verifier.log;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A second OS process appending to the same log (another verifier replica), started by
 * {@link LogStoreContract}: {@code sqlite <file> <from> <to>} or {@code postgresql <jdbc url> <from> <to>}.
 * Exits 0 once its appends are committed.
 */
public final class AppendingProcess {
    private AppendingProcess() {}

    public static void main(String[] args) throws Exception {
        LogDatabase db;
        if (args[0].equals("sqlite")) {
            db = LogDatabase.sqlite(Path.of(args[1]), LogDatabase.SqliteDurability.NORMAL);
        } else {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(args[1]);
            db = LogDatabase.postgresql(ds);
        }
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        try (JdbcLogStore store = JdbcLogStore.open(db, LogStoreContract.ORIGIN, 64)) {
            LogStoreContract.appendConcurrently(store, from, to);
        }
        System.exit(0);
    }

    /** Starts the process with this JVM's class path. */
    static Process start(String dialect, String location, int from, int to) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                AppendingProcess.class.getName(), dialect, location, Integer.toString(from), Integer.toString(to))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits for the process; kills it (only it) if it overruns. */
    static int await(Process p) throws InterruptedException {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("appending process did not finish");
        }
        return p.exitValue();
    }
}

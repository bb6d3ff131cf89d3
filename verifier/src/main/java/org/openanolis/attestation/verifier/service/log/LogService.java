package org.openanolis.attestation.verifier.service.log;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.openanolis.attestation.verifier.log.JdbcLogStore;
import org.openanolis.attestation.verifier.log.LogDatabase;
import org.openanolis.attestation.verifier.log.LogLease;
import org.openanolis.attestation.verifier.log.LogReadApi;
import org.openanolis.attestation.verifier.log.NoteSigner;
import org.openanolis.attestation.verifier.log.NoteVerificationException;
import org.openanolis.attestation.verifier.log.PeriodicCheckpointer;
import org.openanolis.attestation.verifier.service.ServiceConfig;

/**
 * The verification log inside the running service: the store on the service database, the
 * Ed25519 log key (configured, or created on first start in the data directory), the periodic
 * checkpointer (one replica at a time, through a {@link LogLease}), the recorder and the reads.
 */
public final class LogService implements AutoCloseable {
    private static final Logger LOG = System.getLogger(LogService.class.getName());

    private final LogDatabase db;
    private final JdbcLogStore store;
    private final NoteSigner signer;
    private final PeriodicCheckpointer checkpointer;
    private final LogRecorder recorder;
    private final LogReadApi reads;

    private LogService(LogDatabase db, JdbcLogStore store, NoteSigner signer, PeriodicCheckpointer checkpointer,
                       LogRecorder recorder) {
        this.db = db;
        this.store = store;
        this.signer = signer;
        this.checkpointer = checkpointer;
        this.recorder = recorder;
        this.reads = new LogReadApi(store);
    }

    /**
     * Opens the log on {@code db} (migrated here), loads or creates the key, and starts the
     * checkpointer.
     */
    public static LogService open(ServiceConfig config, LogDatabase db, Clock clock, String verifierVersion)
            throws IOException, NoteVerificationException {
        db.migrate();
        String origin = config.logOriginOrDefault();
        NoteSigner signer = signer(config, origin);
        JdbcLogStore store = JdbcLogStore.open(db, origin);
        LogLease lease = new LogLease(db, "checkpointer", "replica-" + UUID.randomUUID(),
                Duration.ofSeconds(config.logCheckpointIntervalSeconds * 3L), clock);
        PeriodicCheckpointer checkpointer = PeriodicCheckpointer.start(store, signer, clock,
                Duration.ofSeconds(config.logCheckpointIntervalSeconds), lease,
                e -> LOG.log(Level.WARNING, "periodic checkpoint failed", e));
        LogRecorder recorder = new LogRecorder(store, verifierVersion, Map.of("ocsp_mode", config.ocspMode));
        return new LogService(db, store, signer, checkpointer, recorder);
    }

    /** The signer key: {@code log_signing_key}, else the key file (created with a fresh key on first start). */
    static NoteSigner signer(ServiceConfig config, String origin) throws IOException, NoteVerificationException {
        if (config.logSigningKey != null) {
            return NoteSigner.parse(config.logSigningKey.strip());
        }
        Path file = config.logKeyPath != null ? Path.of(config.logKeyPath) : config.dataPath().resolve("log-key.skey");
        if (Files.exists(file)) {
            return NoteSigner.parse(Files.readString(file, StandardCharsets.US_ASCII).strip());
        }
        NoteSigner signer = NoteSigner.generate(origin, new SecureRandom());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, signer.skey() + "\n", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(file.resolveSibling("log-key.vkey"), signer.verifierKey() + "\n", StandardCharsets.US_ASCII);
        return signer;
    }

    public JdbcLogStore store() {
        return store;
    }

    public LogDatabase database() {
        return db;
    }

    public NoteSigner signer() {
        return signer;
    }

    public PeriodicCheckpointer checkpointer() {
        return checkpointer;
    }

    public LogRecorder recorder() {
        return recorder;
    }

    public LogReadApi reads() {
        return reads;
    }

    @Override
    public void close() {
        checkpointer.close();
        store.close();
    }
}

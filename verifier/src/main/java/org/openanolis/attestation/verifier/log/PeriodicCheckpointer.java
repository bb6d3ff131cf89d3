package org.openanolis.attestation.verifier.log;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Signs a checkpoint of the log every {@code interval} when the tree has grown since the last
 * one; {@link #checkpointNow()} makes one on demand (the service's admin endpoint). Failures go
 * to {@code onError} and the next period retries.
 */
public final class PeriodicCheckpointer implements AutoCloseable {
    private final JdbcLogStore store;
    private final NoteSigner signer;
    private final Clock clock;
    private final Consumer<Exception> onError;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong lastSize = new AtomicLong(-1);
    private volatile LogLease lease;

    private PeriodicCheckpointer(JdbcLogStore store, NoteSigner signer, Clock clock, Consumer<Exception> onError) {
        this.store = Objects.requireNonNull(store);
        this.signer = Objects.requireNonNull(signer);
        this.clock = Objects.requireNonNull(clock);
        this.onError = Objects.requireNonNull(onError);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "verification-log-checkpointer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts checkpointing every {@code interval}. */
    public static PeriodicCheckpointer start(JdbcLogStore store, NoteSigner signer, Clock clock, Duration interval,
                                             Consumer<Exception> onError) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        PeriodicCheckpointer c = new PeriodicCheckpointer(store, signer, clock, onError);
        c.scheduler.scheduleWithFixedDelay(c::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    /**
     * Like {@link #start(JdbcLogStore, NoteSigner, Clock, Duration, Consumer)}, but a period only
     * signs when {@code lease} is held (one replica of several at a time).
     */
    public static PeriodicCheckpointer start(JdbcLogStore store, NoteSigner signer, Clock clock, Duration interval,
                                             LogLease lease, Consumer<Exception> onError) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        PeriodicCheckpointer c = new PeriodicCheckpointer(store, signer, clock, onError);
        c.lease = Objects.requireNonNull(lease);
        c.scheduler.scheduleWithFixedDelay(c::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    private void tick() {
        try {
            LogLease l = lease;
            if (l != null && !l.tryAcquire()) {
                return;
            }
            if (store.treeSize() != lastSize.get()) {
                checkpointNow();
            }
        } catch (LogStorageException | RuntimeException e) {
            onError.accept(e);
        }
    }

    /** Signs and stores a checkpoint of the current tree; returns the signed note. */
    public synchronized String checkpointNow() throws LogStorageException {
        String note = store.checkpoint(signer, clock);
        try {
            lastSize.set(Checkpoint.parse(SignedNote.parse(note).text()).size());
        } catch (NoteVerificationException e) {
            throw new IllegalStateException("a checkpoint this process signed does not parse", e);
        }
        return note;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.openanolis.attestation.verifier.collateral;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * A cache of one kind of collateral in front of an upstream loader.
 *
 * <ul>
 *   <li>Single flight: concurrent misses for one key share one upstream call (a boot storm of
 *       hosts with the same FMSPC makes one request).</li>
 *   <li>Refresh ahead: an entry older than {@code refreshAfter} is reloaded in the background
 *       while the current copy keeps serving.</li>
 *   <li>Serve stale on error: when a reload fails, the old copy is served while it is still
 *       inside its own validity ({@link Item#validUntil()}, e.g. a TCB info's
 *       {@code nextUpdate}); after that the caller gets {@link ReasonCode#COLLATERAL_MISSING}.</li>
 *   <li>Persistence: every loaded item is written to a {@link CollateralStore} and read back
 *       after a restart before going upstream.</li>
 * </ul>
 *
 * <p>The {@code executor} runs upstream loads; it must not be the pool whose threads call
 * {@link #get} (a full pool waiting on loads queued behind it would deadlock).
 *
 * @param <K> the key (e.g. FMSPC and CA type)
 */
public final class CollateralCache<K> {
    /** One cached value with the end of its own validity. */
    public record Item(byte[] body, java.util.Map<String, String> headers, Instant fetchedAt, Instant validUntil) {}

    /** Loads one item from upstream (blocking). */
    @FunctionalInterface
    public interface Loader<K> {
        Item load(K key) throws VerificationException;
    }

    private final String name;
    private final Loader<K> loader;
    private final CollateralStore store;
    private final Clock clock;
    private final AsyncLoadingCache<K, Item> cache;
    private final ConcurrentMap<K, Item> lastGood = new ConcurrentHashMap<>();
    private volatile Instant lastSuccess;
    private volatile String lastError;

    public CollateralCache(String name, Loader<K> loader, CollateralStore store, Clock clock,
                           Duration refreshAfter, long maxEntries, Executor executor) {
        this.name = name;
        this.loader = loader;
        this.store = store;
        this.clock = clock;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .refreshAfterWrite(refreshAfter)
                .ticker(ticker)
                .executor(executor)
                .buildAsync((K key, Executor ex) -> CompletableFuture.supplyAsync(() -> loadOrStale(key), ex));
    }

    private Item loadOrStale(K key) {
        try {
            Item fresh = loader.load(key);
            lastGood.put(key, fresh);
            store.put(name, key.toString(), fresh);
            lastSuccess = clock.instant();
            lastError = null;
            return fresh;
        } catch (VerificationException e) {
            lastError = e.getMessage();
            Item stale = lastGood.get(key);
            if (stale == null) {
                stale = store.get(name, key.toString()).orElse(null);
            }
            if (stale != null && !clock.instant().isAfter(stale.validUntil())) {
                lastGood.put(key, stale);
                return stale;
            }
            throw new CompletionException(e);
        }
    }

    /**
     * The item for {@code key}: cached, persisted or fetched. Expired items are never returned.
     */
    public Item get(K key) throws VerificationException {
        Item item;
        try {
            item = cache.get(key).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof VerificationException ve) {
                throw ve;
            }
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, name, name + ": " + e.getCause(), e);
        }
        if (clock.instant().isAfter(item.validUntil())) {
            // Past its own validity: drop it and try upstream once more, synchronously.
            cache.synchronous().invalidate(key);
            lastGood.remove(key);
            try {
                item = cache.get(key).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof VerificationException ve) {
                    throw ve;
                }
                throw new VerificationException(ReasonCode.COLLATERAL_MISSING, name, name + ": " + e.getCause(), e);
            }
            if (clock.instant().isAfter(item.validUntil())) {
                throw new VerificationException(ReasonCode.COLLATERAL_MISSING, name,
                        name + " for " + key + " expired at " + item.validUntil() + " and no fresh copy is available");
            }
        }
        return item;
    }

    /** Freshness for {@code /v1/status}. */
    public java.util.Map<String, Object> status() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("source", name);
        m.put("entries", cache.synchronous().estimatedSize());
        m.put("last_success", Optional.ofNullable(lastSuccess).map(Instant::toString).orElse(null));
        m.put("last_error", lastError);
        Instant earliest = null;
        for (Item i : lastGood.values()) {
            if (earliest == null || i.validUntil().isBefore(earliest)) {
                earliest = i.validUntil();
            }
        }
        m.put("earliest_valid_until", earliest == null ? null : earliest.toString());
        return m;
    }
}

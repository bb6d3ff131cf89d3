package org.openanolis.attestation.verifier.tdx;

import java.util.concurrent.ConcurrentHashMap;
import org.openanolis.attestation.errors.VerificationException;

/**
 * A bounded map from a content digest (plus the digest of whatever it was verified against) to an
 * object whose signatures have been checked. Only successes are stored; time windows are not
 * part of the entry's validity and are re-checked by the caller on every use. When full it is
 * cleared, which costs one re-verification per collateral item.
 */
final class VerifiedCollateralCache {
    /** Builds a value, throwing the check that failed. */
    interface Loader<V> {
        V load() throws VerificationException;
    }

    private final int maxEntries;
    private final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();

    VerifiedCollateralCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    @SuppressWarnings("unchecked")
    <V> V get(String key, Loader<V> loader) throws VerificationException {
        Object v = entries.get(key);
        if (v != null) {
            return (V) v;
        }
        V loaded = loader.load();
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, loaded);
        return loaded;
    }

    int size() {
        return entries.size();
    }

    void clear() {
        entries.clear();
    }
}

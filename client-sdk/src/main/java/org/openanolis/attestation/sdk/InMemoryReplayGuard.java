package org.openanolis.attestation.sdk;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * {@link ReplayGuard} in one process's memory. Entries are forgotten once their token has
 * expired. When {@code maxEntries} live tokens are held, new ones are refused (fail closed)
 * rather than forgetting a live one, which would re-open it to replay.
 */
final class InMemoryReplayGuard implements ReplayGuard {
    private final int maxEntries;
    private final Map<String, Instant> seen = new HashMap<>();

    InMemoryReplayGuard(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
    }

    @Override
    public synchronized boolean firstUse(String jti, String nonce, Instant expiresAt, Instant now) {
        String jtiKey = "jti:" + jti;
        String nonceKey = "nonce:" + nonce;
        if (live(jtiKey, now) || live(nonceKey, now)) {
            return false;
        }
        if (seen.size() + 2 > maxEntries * 2) {
            purge(now);
            if (seen.size() + 2 > maxEntries * 2) {
                return false;
            }
        }
        seen.put(jtiKey, expiresAt);
        seen.put(nonceKey, expiresAt);
        return true;
    }

    private boolean live(String key, Instant now) {
        Instant until = seen.get(key);
        return until != null && !now.isAfter(until);
    }

    private void purge(Instant now) {
        for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
            if (now.isAfter(it.next())) {
                it.remove();
            }
        }
    }
}

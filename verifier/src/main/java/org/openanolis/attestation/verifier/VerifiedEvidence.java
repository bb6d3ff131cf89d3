package org.openanolis.attestation.verifier;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The output of a successful verification: authenticated claims (ordered, JSON-friendly values:
 * strings, numbers, booleans, lists and maps) plus the TCB status and advisories where the TEE has
 * them (Intel); {@code tcbStatus} is null for other TEEs.
 */
public record VerifiedEvidence(String tee, String tcbStatus, List<String> advisoryIds, Map<String, Object> claims) {
    public VerifiedEvidence {
        Objects.requireNonNull(tee, "tee");
        advisoryIds = List.copyOf(advisoryIds);
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }
}

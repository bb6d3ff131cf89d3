package org.openanolis.attestation.verifier.gpu;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pre-recorded OCSP responses by certificate serial (hex, as in a bundle's {@code ocsp} object).
 * They cannot echo a nonce of ours, so their freshness is judged by {@code thisUpdate} /
 * {@code nextUpdate} against the verification clock.
 */
public final class StaticOcspSource implements OcspSource {
    private final Map<BigInteger, byte[]> responses = new HashMap<>();

    /** @param bySerialHex certificate serial in hex (case and leading zeros ignored) → DER response */
    public StaticOcspSource(Map<String, byte[]> bySerialHex) {
        for (Map.Entry<String, byte[]> e : bySerialHex.entrySet()) {
            String hex = e.getKey().strip().toLowerCase(Locale.ROOT);
            if (hex.startsWith("0x")) {
                hex = hex.substring(2);
            }
            responses.put(new BigInteger(hex, 16), e.getValue().clone());
        }
    }

    @Override
    public Optional<Answer> fetch(Query query) {
        byte[] r = responses.get(query.subject().getSerialNumber());
        return r == null ? Optional.empty() : Optional.of(new Answer(r, false));
    }
}

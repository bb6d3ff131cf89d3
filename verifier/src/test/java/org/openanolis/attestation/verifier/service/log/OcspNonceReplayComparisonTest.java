package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replay cannot re-match an OCSP nonce (the service's request nonce is not recorded): the
 * recorded {@code nonce: matched} of a certificate's OCSP answer compares as {@code pre_recorded};
 * nothing else is relaxed.
 */
class OcspNonceReplayComparisonTest {
    private static Map<String, Object> devices(String nonce, String status) {
        return Map.of("gpu0", Map.of("status", "affirming", "rules", List.of(Map.of("claims_read", Map.of("ocsp",
                Map.of("device_chain", Map.of("status", "good", "certificates",
                        List.of(Map.of("serial", "106c", "nonce", nonce, "status", status)))))))));
    }

    @Test
    void onlyTheMatchedNonceOfAnOcspCertificateIsNormalised() {
        assertEquals(devices("pre_recorded", "good"), ServiceReplayEngine.withoutOcspNonceMatch(devices("matched", "good")));
        assertNotEquals(devices("pre_recorded", "good"),
                ServiceReplayEngine.withoutOcspNonceMatch(devices("matched", "revoked")));
        // A "nonce" that is not an OCSP certificate's stays as recorded.
        Map<String, Object> other = Map.of("nonce", "matched", "x", 1L);
        assertEquals(other, ServiceReplayEngine.withoutOcspNonceMatch(other));
    }
}

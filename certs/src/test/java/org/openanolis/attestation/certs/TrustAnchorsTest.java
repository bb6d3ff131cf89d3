package org.openanolis.attestation.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustAnchorsTest {

    @Test
    void everyBuiltInAnchorMatchesItsPinnedFingerprint() {
        TrustAnchors anchors = TrustAnchors.builtIn();
        assertEquals(TrustAnchors.PINNED_SHA256.keySet(), anchors.all().keySet());
        for (Map.Entry<String, X509Certificate> e : anchors.all().entrySet()) {
            assertEquals(TrustAnchors.PINNED_SHA256.get(e.getKey()), Certificates.fingerprint(e.getValue()), e.getKey());
        }
    }

    @Test
    void pinsAgreeWithSharedFingerprintsFile() throws IOException {
        Map<String, String> listed = new HashMap<>();
        for (String line : Files.readAllLines(SharedData.trustAnchors().resolve("FINGERPRINTS.txt"), StandardCharsets.UTF_8)) {
            String[] p = line.strip().split("\\s+");
            if (p.length == 2 && p[0].matches("[0-9a-f]{64}")) {
                listed.put(p[1], p[0]);
            }
        }
        assertEquals(TrustAnchors.PINNED_SHA256, listed);
    }

    @Test
    void sharedDirectoryLoadsTheSameAnchors() throws IOException {
        TrustAnchors fromDir = TrustAnchors.fromDirectory(SharedData.trustAnchors());
        assertEquals(TrustAnchors.builtIn().all(), fromDir.all());
    }

    @Test
    void directoryWithTamperedFingerprintIsRefused(@TempDir Path dir) throws IOException {
        Path intel = dir.resolve("intel");
        Files.createDirectories(intel);
        Files.copy(SharedData.trustAnchors().resolve(TrustAnchors.INTEL_SGX_ROOT), dir.resolve(TrustAnchors.INTEL_SGX_ROOT));
        Files.writeString(dir.resolve("FINGERPRINTS.txt"), "0".repeat(64) + "  " + TrustAnchors.INTEL_SGX_ROOT + "\n");
        IOException e = assertThrows(IOException.class, () -> TrustAnchors.fromDirectory(dir));
        assertTrue(e.getMessage().contains("FINGERPRINTS"));
    }
}

package org.openanolis.attestation.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

class AttestationBundleTest {
    private static void manifest(Path dir, String json) throws IOException {
        Files.writeString(dir.resolve("manifest.json"), json);
    }

    @Test
    void unknownTopLevelKeyIsRefused(@TempDir Path dir) throws IOException {
        manifest(dir, "{\"format\":\"attestation-bundle/v1\",\"tee\":\"tdx\",\"evidence\":{},\"colateral\":{}}");
        BundleException e = assertThrows(BundleException.class, () -> AttestationBundle.read(dir));
        assertTrue(e.getMessage().contains("colateral"));
    }

    @Test
    void unknownCollateralKeyIsRefused(@TempDir Path dir) throws IOException {
        manifest(dir, "{\"format\":\"attestation-bundle/v1\",\"tee\":\"tdx\",\"evidence\":{\"quote\":\"q\"},"
                + "\"collateral\":{\"tcb_inf\":\"x\"}}");
        assertThrows(BundleException.class, () -> AttestationBundle.read(dir));
    }

    @Test
    void pathsMayNotLeaveTheBundle(@TempDir Path dir) throws Exception {
        manifest(dir, "{\"format\":\"attestation-bundle/v1\",\"tee\":\"snp\",\"evidence\":{\"report\":\"../x\"}}");
        AttestationBundle b = AttestationBundle.read(dir);
        assertThrows(BundleException.class, () -> b.evidence("report"));
    }

    @Test
    void hexFilesAndHexValuesAreDecoded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("r.hex"), "01 02\n0a");
        manifest(dir, "{\"format\":\"attestation-bundle/v1\",\"tee\":\"nvgpu\",\"verify_at\":\"2024-06-01T00:00:00Z\","
                + "\"evidence\":{\"report\":\"r.hex\",\"nonce\":\"ff00\"},\"collateral\":{\"ocsp\":{\"AB\":\"r.hex\"}}}");
        AttestationBundle b = AttestationBundle.read(dir);
        assertEquals(3, b.evidence("report").orElseThrow().length);
        assertEquals(2, b.evidence("nonce").orElseThrow().length);
        assertEquals(3, b.ocspResponses().get("ab").length);
        assertEquals("2024-06-01T00:00:00Z", b.verifyAt().orElseThrow().toString());
    }
}

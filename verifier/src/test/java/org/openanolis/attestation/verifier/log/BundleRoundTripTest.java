package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;

/**
 * Every real conformance bundle (shared/testdata/{tdx,snp,gpu}) recorded as a log entry, encoded,
 * decoded, and exported again as a bundle: the export must read back with the same TEE, instant,
 * evidence bytes, collateral bytes and OCSP responses (hex evidence, {@code .hex} files and the
 * nested {@code ocsp} object included).
 */
class BundleRoundTripTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> realBundlesSurviveLogEntryAndExport() throws Exception {
        List<Path> bundles = new ArrayList<>();
        for (String tee : List.of("tdx", "snp", "gpu")) {
            try (Stream<Path> dirs = Files.list(SharedData.testdata().resolve(tee))) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json"))).sorted().forEach(bundles::add);
            }
        }
        assertTrue(bundles.size() >= 20, "the shared vectors are present");
        return bundles.stream().map(dir -> DynamicTest.dynamicTest(dir.getParent().getFileName() + "/" + dir.getFileName(),
                () -> roundTrip(dir)));
    }

    private void roundTrip(Path dir) throws Exception {
        AttestationBundle original = AttestationBundle.read(dir);
        LogEntry.Builder b = LogEntry.builder();
        for (String key : original.evidenceEntries().keySet()) {
            b.addEvidence(new EvidenceItem("cpu", original.tee(), key, original.evidence(key).orElseThrow()));
        }
        Map<Sha256Digest, byte[]> blobs = new HashMap<>();
        for (String key : original.collateralEntries().keySet()) {
            if (key.equals("ocsp")) {
                continue;
            }
            byte[] bytes = original.collateral(key).orElseThrow();
            blobs.put(Sha256Digest.digest(bytes), bytes);
            b.addCollateral(new CollateralReference("cpu", key, Sha256Digest.digest(bytes)));
        }
        for (Map.Entry<String, byte[]> ocsp : original.ocspResponses().entrySet()) {
            blobs.put(Sha256Digest.digest(ocsp.getValue()), ocsp.getValue());
            b.addCollateral(new CollateralReference("cpu", "ocsp/" + ocsp.getKey(), Sha256Digest.digest(ocsp.getValue())));
        }
        LogEntry entry = b.policy(new PolicyReference("p", 1, Sha256Digest.digest(new byte[0])))
                .verifierVersion("0.1.0")
                .instant(original.verifyAt().orElseThrow())
                .outcome(new AppraisalOutcome(EarStatus.NONE, null, Map.of()))
                .jti("jti")
                .nonce(new byte[32])
                .build();
        LogEntry decoded = LogEntry.decode(entry.encode());
        assertEquals(entry, decoded);

        Path out = tmp.resolve(dir.getParent().getFileName() + "-" + dir.getFileName());
        AttestationBundle exported = AttestationBundle.read(
                EntryBundleWriter.write(decoded, ref -> blobs.get(ref.sha256()).clone(), out).get("cpu"));
        assertEquals(original.tee(), exported.tee());
        assertEquals(original.verifyAt(), exported.verifyAt());
        assertEquals(original.evidenceEntries().keySet(), exported.evidenceEntries().keySet());
        for (String key : original.evidenceEntries().keySet()) {
            assertArrayEquals(original.evidence(key).orElseThrow(), exported.evidence(key).orElseThrow(), key);
        }
        assertEquals(original.collateralEntries().keySet(), exported.collateralEntries().keySet());
        for (String key : original.collateralEntries().keySet()) {
            if (!key.equals("ocsp")) {
                assertArrayEquals(original.collateral(key).orElseThrow(), exported.collateral(key).orElseThrow(), key);
            }
        }
        Map<String, byte[]> ocspOriginal = original.ocspResponses();
        Map<String, byte[]> ocspExported = exported.ocspResponses();
        assertEquals(ocspOriginal.keySet(), ocspExported.keySet());
        for (String serial : ocspOriginal.keySet()) {
            assertArrayEquals(ocspOriginal.get(serial), ocspExported.get(serial), serial);
        }
    }
}

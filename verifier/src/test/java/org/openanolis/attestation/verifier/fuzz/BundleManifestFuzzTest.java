package org.openanolis.attestation.verifier.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.fuzz.FuzzCampaign;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * Bounded fuzzing of the attestation-bundle manifest reader ({@code bundle-format.md}): mutated
 * {@code manifest.json} files of every real bundle, in a directory holding the files those
 * manifests name, must read and resolve every entry or fail with {@link BundleException}.
 */
class BundleManifestFuzzTest {
    @TempDir
    Path dir;

    @Test
    void manifestReader() throws IOException {
        List<byte[]> manifests = new ArrayList<>();
        for (String tee : List.of("tdx", "snp", "gpu")) {
            try (Stream<Path> bundles = Files.list(SharedData.testdata().resolve(tee))) {
                for (Path b : bundles.filter(Files::isDirectory).sorted().toList()) {
                    manifests.add(Files.readAllBytes(b.resolve("manifest.json")));
                    try (Stream<Path> files = Files.list(b)) {
                        for (Path f : files.filter(Files::isRegularFile).toList()) {
                            Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
        }
        Path manifest = dir.resolve("manifest.json");
        FuzzCampaign.named("bundle-manifest").seeds(manifests)
                .dictionary("{", "}", "[", "]", "\"", ",", ":", "null", "1", "\"../../etc/passwd\"", "\"/etc/passwd\"",
                        "\"manifest.json\"", "\"\"", "\"tee\":\"sgx\"", "\"format\":", "\"verify_at\":\"2025-99-01T00:00:00Z\"",
                        "\"ocsp\":{\"00\":\"report.hex\"}", "\"nonce\":\"zz\"", "\"evidence\":{}", "\"collateral\":[]",
                        "\"quote\":", "\"report\":\"report.hex\"", "[[[[[[[[[[[[[[[[[[[[[[[[")
                .documented(t -> t instanceof BundleException).regressionsFrom(getClass())
                .run(bytes -> {
                    write(manifest, bytes);
                    AttestationBundle bundle = AttestationBundle.read(dir);
                    for (String key : bundle.evidenceEntries().keySet()) {
                        bundle.evidence(key);
                    }
                    for (String key : bundle.collateralEntries().keySet()) {
                        if (!"ocsp".equals(key)) {
                            bundle.collateral(key);
                        }
                    }
                    bundle.ocspResponses();
                });
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

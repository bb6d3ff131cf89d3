package org.openanolis.attestation.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds {@code shared/testdata} for benchmarks: {@code -Dattestation.testdata.dir},
 * {@code ATTESTATION_TESTDATA_DIR}, or {@code ../shared/testdata} from the working directory
 * (run the benchmarks from the repository root).
 */
public final class BenchData {
    private BenchData() {}

    public static Path testdata() {
        String v = System.getProperty("attestation.testdata.dir");
        if (v == null || v.isBlank()) {
            v = System.getenv("ATTESTATION_TESTDATA_DIR");
        }
        Path dir = (v == null || v.isBlank()) ? Path.of("../shared/testdata") : Path.of(v);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test data not found at " + dir.toAbsolutePath());
        }
        return dir;
    }
}

package org.openanolis.attestation.verifier.snp;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.openanolis.attestation.verifier.ConformanceHarness;

/** Every bundle under {@code shared/testdata/snp} against its {@code expected.json}. */
class SnpConformanceTest {
    @TestFactory
    Stream<DynamicTest> snpBundles() throws IOException {
        return ConformanceHarness.bundlesUnder("snp");
    }
}

package org.openanolis.attestation.verifier.gpu;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.openanolis.attestation.verifier.ConformanceHarness;

/** Every bundle under {@code shared/testdata/gpu} must give its {@code expected.json} answer. */
class GpuConformanceTest {
    @TestFactory
    Stream<DynamicTest> gpuBundles() throws IOException {
        return ConformanceHarness.bundlesUnder("gpu");
    }
}

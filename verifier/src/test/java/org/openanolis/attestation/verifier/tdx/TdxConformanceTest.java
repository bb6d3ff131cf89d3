package org.openanolis.attestation.verifier.tdx;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.openanolis.attestation.verifier.ConformanceHarness;

/** Every bundle under {@code shared/testdata/tdx} (TDX and SGX) against its expected.json. */
class TdxConformanceTest {
    @TestFactory
    Stream<DynamicTest> tdxAndSgxBundles() throws IOException {
        return ConformanceHarness.bundlesUnder("tdx");
    }
}

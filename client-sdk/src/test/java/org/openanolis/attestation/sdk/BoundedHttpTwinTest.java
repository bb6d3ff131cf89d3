package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SDK's {@link BoundedHttp} is a copy of the verifier's (the SDK depends on nothing but the JDK
 * and Nimbus, and no project module is shared by both at compile scope). The verifier's copy is the
 * one tested against misbehaving servers ({@code BoundedHttpTest}); this test fails when the two
 * differ other than in the package line and the class's visibility, so a fix to one reaches both.
 */
class BoundedHttpTwinTest {
    private static final Path SDK = Path.of("src/main/java/org/openanolis/attestation/sdk/BoundedHttp.java");
    private static final Path VERIFIER = Path.of("../verifier/src/main/java/org/openanolis/attestation/verifier/http/BoundedHttp.java");

    private static List<String> normalised(Path p) throws Exception {
        return Files.readAllLines(p).stream()
                .filter(l -> !l.startsWith("package "))
                .map(l -> l.replace("public final class BoundedHttp {", "final class BoundedHttp {"))
                .toList();
    }

    @Test
    void theSdkCopyIsTheVerifiersBoundedHttp() throws Exception {
        assertTrue(Files.isRegularFile(VERIFIER), "run from client-sdk in the source tree: " + VERIFIER.toAbsolutePath());
        List<String> v = normalised(VERIFIER);
        List<String> sdk = normalised(SDK);
        for (int i = 0; i < Math.min(v.size(), sdk.size()); i++) {
            // The first difference only, not two whole files.
            assertEquals(v.get(i), sdk.get(i), "client-sdk's BoundedHttp differs from verifier's at its line " + (i + 2)
                    + ": copy the change across (see the class comment)");
        }
        assertEquals(v.size(), sdk.size(), "client-sdk's BoundedHttp and verifier's differ in length");
    }
}

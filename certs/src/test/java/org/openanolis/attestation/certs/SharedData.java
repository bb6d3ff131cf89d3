package org.openanolis.attestation.certs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code shared/testdata} and {@code shared/trust-anchors} as
 * {@code shared/testdata/README.md} says: system property, then environment variable, then
 * {@code ../shared/...} beside the project root. Fails (never skips) when the folder is missing,
 * so an empty checkout cannot pass silently.
 */
public final class SharedData {
    private SharedData() {}

    public static Path testdata() {
        return locate("attestation.testdata.dir", "ATTESTATION_TESTDATA_DIR", "testdata");
    }

    public static Path trustAnchors() {
        return locate("attestation.trustanchors.dir", "ATTESTATION_TRUST_ANCHORS_DIR", "trust-anchors");
    }

    private static Path locate(String property, String env, String leaf) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        Path dir;
        if (value != null && !value.isBlank()) {
            dir = Path.of(value);
        } else {
            dir = projectRoot().resolve("../shared").resolve(leaf);
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared " + leaf + " not found at " + dir
                    + " (set -D" + property + " or " + env + ")");
        }
        return dir;
    }

    private static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        // Walk up from a module directory to the reactor root (the directory with .git or the parent pom).
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve(".git")) || Files.isDirectory(q.resolve("certs"))) {
                return q;
            }
        }
        return p;
    }
}

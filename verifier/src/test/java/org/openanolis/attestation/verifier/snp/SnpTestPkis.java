package org.openanolis.attestation.verifier.snp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.simulator.snp.AmdTestPki;
import org.openanolis.attestation.verifier.VerificationContext;

/**
 * One generated AMD-like PKI per product for the whole test run (RSA key generation is the slow
 * part), pinned as trust anchors in a temporary directory, plus a second "impostor" PKI per product
 * with the same names and other keys (made on first use).
 */
final class SnpTestPkis {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

    private static Map<AmdProduct, AmdTestPki> pkis;
    private static Map<AmdProduct, AmdTestPki> impostors;
    private static TrustAnchors anchors;
    private static Path anchorDir;

    private SnpTestPkis() {}

    static synchronized void init() {
        if (pkis != null) {
            return;
        }
        try {
            Map<AmdProduct, AmdTestPki> p = new EnumMap<>(AmdProduct.class);
            Path dir = Files.createTempDirectory("snp-test-anchors");
            for (AmdProduct product : AmdProduct.values()) {
                AmdTestPki pki = AmdTestPki.create(product, START);
                pki.writeTrustAnchors(dir);
                p.put(product, pki);
            }
            pkis = p;
            impostors = new EnumMap<>(AmdProduct.class);
            anchorDir = dir;
            anchors = TrustAnchors.fromDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AmdTestPki pki(AmdProduct product) {
        init();
        return pkis.get(product);
    }

    /** Created on first use: RSA key generation dominates the test time. */
    static synchronized AmdTestPki impostor(AmdProduct product) {
        init();
        return impostors.computeIfAbsent(product, p -> AmdTestPki.create(p, START));
    }

    static TrustAnchors anchors() {
        init();
        return anchors;
    }

    static Path anchorDirectory() {
        init();
        return anchorDir;
    }

    static VerificationContext at(Instant instant) {
        return new VerificationContext(Clock.fixed(instant, ZoneOffset.UTC), anchors());
    }

    static VerificationContext now() {
        return at(NOW);
    }
}

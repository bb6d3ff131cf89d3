package org.openanolis.attestation.verifier.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.gpu.SwidRimBuilder;
import org.openanolis.attestation.verifier.VerificationContext;

/** One generated NVIDIA-like PKI, shared by the GPU tests (key generation is the slow part). */
final class GpuTestFixture {
    static final Instant PKI_FROM = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant PKI_TO = Instant.parse("2030-01-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final NvidiaTestPki PKI = NvidiaTestPki.create(PKI_FROM, PKI_TO);
    static final NvidiaTestPki.RimSigner RIM_SIGNER = PKI.rimSigner();
    static final TrustAnchors ANCHORS = anchors(PKI);
    static final VerificationContext CTX = new VerificationContext(CLOCK, ANCHORS);

    private GpuTestFixture() {}

    static TrustAnchors anchors(NvidiaTestPki pki) {
        try {
            Path dir = Files.createTempDirectory("gpu-anchors");
            try {
                pki.writeTrustAnchors(dir);
                return TrustAnchors.fromDirectory(dir); // read into memory; the files can go
            } finally {
                deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static byte[] nonce() {
        byte[] n = new byte[32];
        new SecureRandom().nextBytes(n);
        return n;
    }

    static GpuEvidence evidence(SimulatedNvidiaDevice d, byte[] report) {
        try {
            return GpuEvidence.fromPem(d.arch().tee(), null, report, d.credentials().chainPem());
        } catch (VerificationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Correct RIMs for a device, signed by the shared RIM signer. */
    static Map<RimKind, byte[]> rims(SimulatedNvidiaDevice d) {
        Map<RimKind, byte[]> m = new EnumMap<>(RimKind.class);
        if (d.arch() == SimulatedArch.LS10) {
            m.put(RimKind.SWITCH_BIOS, SwidRimBuilder.switchBiosRim(d).sign(RIM_SIGNER));
        } else {
            m.put(RimKind.DRIVER, SwidRimBuilder.driverRim(d).sign(RIM_SIGNER));
            m.put(RimKind.VBIOS, SwidRimBuilder.vbiosRim(d).sign(RIM_SIGNER));
        }
        return m;
    }
}

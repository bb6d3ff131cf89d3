package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.NOW;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.RIM_SIGNER;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.nonce;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.rims;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.simulator.gpu.OcspResponseFactory;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.verifier.BundleVerifier;
import org.openanolis.attestation.verifier.ConformanceHarness;
import org.openanolis.attestation.verifier.VerificationResult;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;

/** Generated nvgpu bundles (with OCSP collateral) through the same path as the CLI and the conformance test. */
class GpuBundleTest {
    private static final SimulatedNvidiaDevice GPU = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);

    private static Path bundle(Path dir, BigInteger revokedSerial, String verdict, String reason) throws Exception {
        byte[] n = nonce();
        Files.write(dir.resolve("report.bin"), GPU.report(n));
        Files.write(dir.resolve("cert_chain.pem"), GPU.credentials().chainPem());
        Map<RimKind, byte[]> r = rims(GPU);
        Files.write(dir.resolve("driver.xml"), r.get(RimKind.DRIVER));
        Files.write(dir.resolve("vbios.xml"), r.get(RimKind.VBIOS));
        List<X509Certificate[]> pairs = new ArrayList<>();
        List<X509Certificate> dev = GPU.credentials().chain();
        for (int i = 1; i + 1 < dev.size(); i++) {
            pairs.add(new X509Certificate[] {dev.get(i), dev.get(i + 1)});
        }
        List<X509Certificate> rim = RIM_SIGNER.chain();
        for (int i = 0; i + 1 < rim.size(); i++) {
            pairs.add(new X509Certificate[] {rim.get(i), rim.get(i + 1)});
        }
        StringBuilder ocsp = new StringBuilder();
        for (X509Certificate[] p : pairs) {
            BigInteger serial = p[0].getSerialNumber();
            OcspResponseFactory.Status status = serial.equals(revokedSerial)
                    ? new OcspResponseFactory.Status.Revoked(NOW.minus(Duration.ofDays(2)), OcspResponseFactory.KEY_COMPROMISE)
                    : new OcspResponseFactory.Status.Good();
            String file = "ocsp-" + serial.toString(16) + ".der";
            Files.write(dir.resolve(file), OcspResponseFactory.response(serial, p[1], PKI.keyOf(p[1]), null, status,
                    NOW.minus(Duration.ofHours(3)), NOW.plus(Duration.ofDays(1)), null));
            ocsp.append(ocsp.length() == 0 ? "" : ",").append('"').append(serial.toString(16)).append("\":\"").append(file).append('"');
        }
        String manifest = "{\"format\":\"attestation-bundle/v1\",\"tee\":\"nvgpu\",\"verify_at\":\"" + NOW + "\","
                + "\"evidence\":{\"report\":\"report.bin\",\"cert_chain\":\"cert_chain.pem\",\"nonce\":\""
                + HexFormat.of().formatHex(n) + "\"},"
                + "\"collateral\":{\"driver_rim\":\"driver.xml\",\"vbios_rim\":\"vbios.xml\",\"ocsp\":{" + ocsp + "}}}";
        Files.writeString(dir.resolve("manifest.json"), manifest);
        PKI.writeTrustAnchors(dir.resolve("anchors"));
        Files.writeString(dir.resolve("expected.json"), "{\"verdict\":\"" + verdict + "\",\"tcb_status\":null,"
                + "\"advisory_ids\":[],\"reason\":" + (reason == null ? "null" : "\"" + reason + "\"")
                + ",\"trust_anchors\":\"anchors\"}", StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void bundleWithGoodOcspResponsesPasses(@TempDir Path dir) throws Exception {
        VerificationResult r = ConformanceHarness.check(bundle(dir, null, "pass", null));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> ocsp = (Map<String, Map<String, Object>>) r.claims().get("ocsp");
        assertEquals("required", ocsp.get("device_chain").get("mode"));
        assertEquals("good", ocsp.get("vbios_rim_chain").get("status"));
    }

    @Test
    void bundleWithRevokedDeviceCertificateFails(@TempDir Path dir) throws Exception {
        BigInteger brom = GPU.credentials().chain().get(1).getSerialNumber();
        VerificationResult r = ConformanceHarness.check(bundle(dir, brom, "fail", "CERT_REVOKED"));
        assertEquals("ocsp.device_chain[1].cert_status", r.details().get("check"));
    }

    @Test
    void realH100VectorIsExpiredOnceItsRimSignersLapse() throws Exception {
        Path dir = SharedData.testdata().resolve("gpu/nvtrust-v1-2023-h100-545.00");
        VerificationResult r = new BundleVerifier(TrustAnchors.builtIn()).verify(AttestationBundle.read(dir),
                Optional.of(Instant.parse("2026-11-28T00:00:00Z")), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        assertFalse(r.pass());
        assertEquals(ReasonCode.EXPIRED, r.reason());
        assertTrue(String.valueOf(r.details().get("check")).endsWith(".validity"));
    }
}

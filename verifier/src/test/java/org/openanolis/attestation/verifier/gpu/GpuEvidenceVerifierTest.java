package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.CTX;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.RIM_SIGNER;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.evidence;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.nonce;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.rims;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.gpu.SwidRimBuilder;

/**
 * Generated NVIDIA-like evidence for what the real vectors lack: each negative case breaks one
 * thing and expects one reason code and field.
 */
class GpuEvidenceVerifierTest {
    private static final SimulatedNvidiaDevice HOPPER = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
    private static final Map<RimKind, byte[]> HOPPER_RIMS = rims(HOPPER);
    private final GpuEvidenceVerifier verifier = GpuEvidenceVerifier.builder().build();

    private GpuDeviceResult run(SimulatedNvidiaDevice d, byte[] report, byte[] nonce, Map<RimKind, byte[]> rims) {
        return verifier.verify(evidence(d, report), nonce, new StaticRimSource(rims), OcspSource.none(),
                OcspMode.OFF, CTX);
    }

    private static VerificationException failure(GpuDeviceResult r) {
        assertTrue(r.failure().isPresent(), "expected a failure, claims " + r.claims());
        return r.failure().get();
    }

    private static void assertFails(GpuDeviceResult r, ReasonCode code, String fieldPrefix) {
        VerificationException e = failure(r);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.field().startsWith(fieldPrefix), "field " + e.field() + " does not start with " + fieldPrefix);
    }

    @Test
    void hopperPasses() {
        byte[] n = nonce();
        GpuDeviceResult r = run(HOPPER, HOPPER.report(n), n, HOPPER_RIMS);
        assertTrue(r.passed(), () -> r.failure().get().getMessage());
        Map<String, Object> c = r.claims();
        assertEquals("nvgpu", c.get("tee"));
        assertEquals("HOPPER", c.get("arch"));
        assertEquals("550.90.07", c.get("driver_version"));
        assertEquals("96.00.9F.00.01", c.get("vbios_version"));
        assertEquals(HexFormat.of().formatHex(n), c.get("nonce"));
        assertEquals(HOPPER.fwidHex(), c.get("fwid"));
        assertEquals("success", c.get("measurement_result"));
        assertEquals(33, c.get("measurements_compared"));
        assertEquals(List.of(), c.get("mismatched_indices"));
        assertEquals("spt", c.get("gpu_mode"));
        @SuppressWarnings("unchecked")
        Map<String, Object> rimsClaim = (Map<String, Object>) c.get("rims");
        @SuppressWarnings("unchecked")
        Map<String, Object> driver = (Map<String, Object>) rimsClaim.get("driver");
        assertEquals("NV_GPU_DRIVER_GH100_550.90.07", driver.get("id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> vbios = (Map<String, Object>) rimsClaim.get("vbios");
        assertEquals("NV_GPU_VBIOS_1010_0200_882_96009F0001", vbios.get("id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ocsp = (Map<String, Object>) c.get("ocsp");
        assertEquals(Map.of("mode", "off", "status", "not_checked"), ocsp.get("device_chain"));
    }

    @Test
    void blackwellFwidFromDiceTcbInfo() {
        SimulatedNvidiaDevice gb = SimulatedNvidiaDevice.builder(SimulatedArch.BLACKWELL).build(PKI);
        byte[] n = nonce();
        GpuDeviceResult r = run(gb, gb.report(n), n, rims(gb));
        assertTrue(r.passed(), () -> r.failure().get().getMessage());
        assertEquals("BLACKWELL", r.claims().get("arch"));
        assertEquals(gb.fwidHex(), r.claims().get("fwid"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> rimsClaim = (Map<String, Map<String, Object>>) r.claims().get("rims");
        assertEquals("NV_GPU_CC_DRIVER_GB100_550.90.07", rimsClaim.get("driver").get("id"));
    }

    @Test
    void fwidUnderTheOtherArchitecturesOidIsReadByArchitecture() {
        for (SimulatedArch arch : List.of(SimulatedArch.HOPPER, SimulatedArch.BLACKWELL)) {
            String other = arch == SimulatedArch.HOPPER ? "2.23.133.5.4.1.1" : "2.23.133.5.4.1";
            SimulatedNvidiaDevice d = SimulatedNvidiaDevice.builder(arch).fwidOid(other).build(PKI);
            byte[] n = nonce();
            GpuDeviceResult r = run(d, d.report(n), n, rims(d));
            assertTrue(r.passed(), () -> arch + ": " + r.failure().get().getMessage());
        }
    }

    @Test
    void switchPasses() {
        SimulatedNvidiaDevice sw = SimulatedNvidiaDevice.builder(SimulatedArch.LS10).build(PKI);
        byte[] n = nonce();
        GpuDeviceResult r = run(sw, sw.report(n), n, rims(sw));
        assertTrue(r.passed(), () -> r.failure().get().getMessage());
        assertEquals("nvswitch", r.claims().get("tee"));
        assertEquals("LS10", r.claims().get("arch"));
        assertEquals("96.10.55.00.01", r.claims().get("bios_version"));
        assertEquals(31, r.claims().get("measurements_compared"));
    }

    @Test
    void nonceMismatchIsBindingMismatch() {
        byte[] n = nonce();
        assertFails(run(HOPPER, HOPPER.report(n), nonce(), HOPPER_RIMS), ReasonCode.BINDING_MISMATCH, "report.request.nonce");
    }

    @Test
    void fwidDifferentFromCertificateIsBindingMismatch() {
        byte[] n = nonce();
        byte[] other = new byte[48];
        byte[] report = HOPPER.reportBuilder(n).replaceOpaque(SimulatedNvidiaDevice.FWID, other)
                .sign(HOPPER.credentials().attestationKey().getPrivate());
        assertFails(run(HOPPER, report, n, HOPPER_RIMS), ReasonCode.BINDING_MISMATCH, "report.fwid");
    }

    @Test
    void fwidInReportButNotInCertificateIsBindingMismatch() {
        SimulatedNvidiaDevice d = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).fwidPresence(true, false).build(PKI);
        byte[] n = nonce();
        assertFails(run(d, d.report(n), n, rims(d)), ReasonCode.BINDING_MISMATCH, "report.fwid");
    }

    @Test
    void reportWithoutFwidSkipsTheCheck() {
        SimulatedNvidiaDevice d = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).fwidPresence(false, true).build(PKI);
        byte[] n = nonce();
        GpuDeviceResult r = run(d, d.report(n), n, rims(d));
        assertTrue(r.passed());
        assertNull(r.claims().get("fwid"));
    }

    @Test
    void flippedSignedByteIsSignatureInvalid() {
        byte[] n = nonce();
        byte[] report = HOPPER.report(n);
        report[60] ^= 1; // inside measurement block 1's value
        assertFails(run(HOPPER, report, n, HOPPER_RIMS), ReasonCode.SIGNATURE_INVALID, "report.signature");
    }

    @Test
    void trailingByteIsMalformed() {
        byte[] n = nonce();
        byte[] report = HOPPER.report(n);
        byte[] padded = java.util.Arrays.copyOf(report, report.length + 1);
        assertFails(run(HOPPER, padded, n, HOPPER_RIMS), ReasonCode.MALFORMED_EVIDENCE, "response.trailing_bytes");
    }

    @Test
    void reportSignedByAnotherKeyIsSignatureInvalid() {
        SimulatedNvidiaDevice other = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
        byte[] n = nonce();
        byte[] report = HOPPER.reportBuilder(n).sign(other.credentials().attestationKey().getPrivate());
        assertFails(run(HOPPER, report, n, HOPPER_RIMS), ReasonCode.SIGNATURE_INVALID, "report.signature");
    }

    @Test
    void deviceChainFromForeignRootIsCertChainInvalid() {
        NvidiaTestPki foreign = NvidiaTestPki.create(GpuTestFixture.PKI_FROM, GpuTestFixture.PKI_TO);
        SimulatedNvidiaDevice d = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(foreign);
        byte[] n = nonce();
        assertFails(run(d, d.report(n), n, rims(d)), ReasonCode.CERT_CHAIN_INVALID, "cert_chain[");
    }

    @Test
    void expiredDeviceLeafIsExpired() {
        SimulatedNvidiaDevice d = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
        NvidiaTestPki.DeviceCredentials old = PKI.issueDevice(SimulatedArch.HOPPER, null,
                Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
        byte[] n = nonce();
        byte[] report = d.reportBuilder(n).sign(old.attestationKey().getPrivate());
        GpuEvidence ev = new GpuEvidence("nvgpu", null, report, old.chain());
        GpuDeviceResult r = verifier.verify(ev, n, new StaticRimSource(rims(d)), OcspSource.none(), OcspMode.OFF, CTX);
        assertFails(r, ReasonCode.EXPIRED, "cert_chain[0].validity");
    }

    @Test
    void gpuChainSubmittedAsSwitchIsCertChainInvalid() throws VerificationException {
        byte[] n = nonce();
        GpuEvidence ev = GpuEvidence.fromPem("nvswitch", null, HOPPER.report(n), HOPPER.credentials().chainPem());
        GpuDeviceResult r = verifier.verify(ev, n, new StaticRimSource(HOPPER_RIMS), OcspSource.none(), OcspMode.OFF, CTX);
        assertFails(r, ReasonCode.CERT_CHAIN_INVALID, "cert_chain[1].subject");
    }

    @Test
    void mismatchAtChosenIndexNamesIndexAndBothValues() {
        byte[] n = nonce();
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        String wrong = "ab".repeat(48);
        r.put(RimKind.DRIVER, SwidRimBuilder.driverRim(HOPPER).measurement(23, true, wrong).sign(RIM_SIGNER));
        GpuDeviceResult res = run(HOPPER, HOPPER.report(n), n, r);
        assertFails(res, ReasonCode.MEASUREMENT_MISMATCH, "measurements[23]");
        assertEquals("mismatch", res.claims().get("measurement_result"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> mm = (List<Map<String, Object>>) res.claims().get("mismatched_indices");
        assertEquals(1, mm.size());
        assertEquals(23, mm.get(0).get("index"));
        assertEquals(HexFormat.of().formatHex(HOPPER.measurements().get(23)), mm.get(0).get("measured"));
        assertEquals(List.of(wrong), mm.get(0).get("expected"));
        assertEquals("driver", mm.get(0).get("source"));
    }

    @Test
    void anyAlternativeMatches() {
        byte[] n = nonce();
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        String right = HexFormat.of().formatHex(HOPPER.measurements().get(3));
        r.put(RimKind.VBIOS, SwidRimBuilder.vbiosRim(HOPPER).measurement(3, true, "cd".repeat(48), right).sign(RIM_SIGNER));
        assertTrue(run(HOPPER, HOPPER.report(n), n, r).passed());
    }

    @Test
    void inactiveEntriesAreNotCompared() {
        byte[] n = nonce();
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.DRIVER, SwidRimBuilder.driverRim(HOPPER).measurement(50, false, "ee".repeat(48)).sign(RIM_SIGNER));
        assertTrue(run(HOPPER, HOPPER.report(n), n, r).passed());
    }

    @Test
    void missingRuntimeBlockIsMismatch() {
        byte[] n = nonce();
        byte[] report = HOPPER.reportBuilder(n).removeBlock(24).sign(HOPPER.credentials().attestationKey().getPrivate());
        GpuDeviceResult res = run(HOPPER, report, n, HOPPER_RIMS);
        assertFails(res, ReasonCode.MEASUREMENT_MISMATCH, "measurements[23]");
    }

    @Test
    void nvdec0DisabledSkipsIndex35() {
        SimulatedNvidiaDevice off = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).nvdec0Status(0x55).build(PKI);
        SimulatedNvidiaDevice on = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).nvdec0Status(0xAA).build(PKI);
        for (SimulatedNvidiaDevice d : List.of(off, on)) {
            byte[] n = nonce();
            Map<RimKind, byte[]> r = rims(d);
            r.put(RimKind.DRIVER, SwidRimBuilder.driverRim(d).measurement(35, true, "11".repeat(48)).sign(RIM_SIGNER));
            GpuDeviceResult res = run(d, d.report(n), n, r);
            if (d == off) {
                assertTrue(res.passed(), () -> res.failure().get().getMessage());
                assertEquals(List.of(35), res.claims().get("measurements_skipped"));
            } else {
                assertFails(res, ReasonCode.MEASUREMENT_MISMATCH, "measurements[35]");
            }
        }
    }

    @Test
    void missingDriverRimIsCollateralMissingNotMismatch() {
        byte[] n = nonce();
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.remove(RimKind.DRIVER);
        GpuDeviceResult res = run(HOPPER, HOPPER.report(n), n, r);
        assertFails(res, ReasonCode.COLLATERAL_MISSING, "driver_rim");
        assertEquals("not_appraised", res.claims().get("measurement_result"));
    }

    @Test
    void unreachableRimSourceIsCollateralMissing() {
        byte[] n = nonce();
        RimSource down = (kind, id) -> {
            throw new java.io.IOException("connection refused");
        };
        GpuDeviceResult res = verifier.verify(evidence(HOPPER, HOPPER.report(n)), n, down, OcspSource.none(),
                OcspMode.OFF, CTX);
        assertFails(res, ReasonCode.COLLATERAL_MISSING, "driver_rim");
    }

    @Test
    void tamperedRimFailsItsSignature() {
        byte[] n = nonce();
        String xml = new String(HOPPER_RIMS.get(RimKind.DRIVER), StandardCharsets.UTF_8);
        String right = HexFormat.of().formatHex(HOPPER.measurements().get(7));
        String tampered = xml.replace(right, "00".repeat(48));
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.DRIVER, tampered.getBytes(StandardCharsets.UTF_8));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.COLLATERAL_INVALID, "driver_rim.signature");
    }

    @Test
    void wrappedResourceInsideSignatureObjectIsRejected() {
        byte[] n = nonce();
        // The enveloped transform drops the Signature subtree, so this keeps the signature valid.
        String xml = new String(HOPPER_RIMS.get(RimKind.DRIVER), StandardCharsets.UTF_8);
        String wrapped = xml.replace("</ds:Signature>",
                "<ds:Object><Resource xmlns=\"http://standards.iso.org/iso/19770/-2/2015/schema.xsd\" type=\"Measurement\""
                        + " index=\"60\" active=\"True\" alternatives=\"1\" size=\"48\""
                        + " xmlns:h=\"http://www.w3.org/2001/04/xmlenc#sha384\" h:Hash0=\"" + "00".repeat(48)
                        + "\"/></ds:Object></ds:Signature>");
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.DRIVER, wrapped.getBytes(StandardCharsets.UTF_8));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.COLLATERAL_INVALID, "driver_rim.Signature");
    }

    @Test
    void secondSignatureIsRejected() {
        byte[] n = nonce();
        String xml = new String(HOPPER_RIMS.get(RimKind.DRIVER), StandardCharsets.UTF_8);
        int start = xml.indexOf("<ds:Signature");
        int end = xml.indexOf("</ds:Signature>") + "</ds:Signature>".length();
        String twice = xml.substring(0, end) + xml.substring(start, end) + xml.substring(end);
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.DRIVER, twice.getBytes(StandardCharsets.UTF_8));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.COLLATERAL_INVALID, "driver_rim.Signature");
    }

    @Test
    void doctypeIsRejected() {
        byte[] n = nonce();
        String xml = new String(HOPPER_RIMS.get(RimKind.DRIVER), StandardCharsets.UTF_8);
        String evil = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + xml;
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.DRIVER, evil.getBytes(StandardCharsets.UTF_8));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.COLLATERAL_INVALID, "driver_rim");
    }

    @Test
    void expiredRimSignerIsExpired() {
        byte[] n = nonce();
        NvidiaTestPki.RimSigner old = PKI.rimSigner(Instant.parse("2024-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z"));
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.VBIOS, SwidRimBuilder.vbiosRim(HOPPER).sign(old));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.EXPIRED, "vbios_rim.cert_chain[0].validity");
    }

    @Test
    void rimFromForeignPkiIsCertChainInvalid() {
        byte[] n = nonce();
        NvidiaTestPki foreign = NvidiaTestPki.create(GpuTestFixture.PKI_FROM, GpuTestFixture.PKI_TO);
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.VBIOS, SwidRimBuilder.vbiosRim(HOPPER).sign(foreign.rimSigner()));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.CERT_CHAIN_INVALID, "vbios_rim.cert_chain");
    }

    @Test
    void rimForAnotherDriverVersionIsCollateralInvalid() {
        byte[] n = nonce();
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.put(RimKind.DRIVER, SwidRimBuilder.driverRim(HOPPER).colloquialVersion("535.86.09").sign(RIM_SIGNER));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.COLLATERAL_INVALID,
                "driver_rim.Meta.colloquialVersion");
    }

    @Test
    void indexActiveInBothRimsIsCollateralInvalid() {
        byte[] n = nonce();
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        String v = HexFormat.of().formatHex(HOPPER.measurements().get(0));
        r.put(RimKind.DRIVER, SwidRimBuilder.driverRim(HOPPER).measurement(0, true, v).sign(RIM_SIGNER));
        assertFails(run(HOPPER, HOPPER.report(n), n, r), ReasonCode.COLLATERAL_INVALID, "rims.index_conflict");
    }

    @Test
    void evidenceSetOfEightGpusAndFourSwitches() {
        List<SimulatedNvidiaDevice> devices = new ArrayList<>();
        SimulatedNvidiaDevice.Builder gpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER);
        HOPPER.measurements().forEach(gpu::measurement);
        for (int i = 0; i < 8; i++) {
            if (i == 5) {
                devices.add(SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI)); // other firmware
            } else {
                devices.add(gpu.build(PKI));
            }
        }
        SimulatedNvidiaDevice.Builder sw = SimulatedNvidiaDevice.builder(SimulatedArch.LS10);
        SimulatedNvidiaDevice firstSwitch = sw.build(PKI);
        firstSwitch.measurements().forEach(sw::measurement);
        devices.add(firstSwitch);
        for (int i = 0; i < 3; i++) {
            devices.add(sw.build(PKI));
        }
        Map<RimKind, byte[]> r = new EnumMap<>(HOPPER_RIMS);
        r.putAll(rims(firstSwitch));
        byte[] n = nonce();
        List<GpuEvidence> set = devices.stream().map(d -> evidence(d, d.report(n))).toList();
        List<GpuDeviceResult> results = verifier.verifyAll(set, n, new StaticRimSource(r), OcspSource.none(),
                OcspMode.OFF, CTX);
        assertEquals(12, results.size());
        for (int i = 0; i < 12; i++) {
            GpuDeviceResult res = results.get(i);
            if (i == 5) {
                assertEquals(ReasonCode.MEASUREMENT_MISMATCH, failure(res).code());
            } else {
                int k = i;
                assertTrue(res.passed(), () -> k + ": " + res.failure().get().getMessage());
            }
        }
        assertEquals("nvswitch", results.get(11).tee());

        List<GpuEvidence> nine = new ArrayList<>(set.subList(0, 8));
        nine.add(set.get(0));
        assertThrows(IllegalArgumentException.class, () -> verifier.verifyAll(nine, n, new StaticRimSource(r),
                OcspSource.none(), OcspMode.OFF, CTX));
    }

    @Test
    void simulatedHgxBoardVerifies() throws VerificationException {
        org.openanolis.attestation.simulator.gpu.SimulatedHgxBoard board =
                org.openanolis.attestation.simulator.gpu.SimulatedHgxBoard.create(PKI, RIM_SIGNER, 8, 4);
        byte[] n = nonce();
        List<GpuEvidence> set = new ArrayList<>();
        for (var e : board.evidence(n)) {
            set.add(GpuEvidence.fromPem(e.tee(), null, e.report(), e.certificateChainPem()));
        }
        Map<RimKind, byte[]> r = new EnumMap<>(RimKind.class);
        r.put(RimKind.DRIVER, board.driverRim());
        r.put(RimKind.VBIOS, board.vbiosRim());
        r.put(RimKind.SWITCH_BIOS, board.switchBiosRim());
        List<GpuDeviceResult> results = verifier.verifyAll(set, n, new StaticRimSource(r), OcspSource.none(),
                OcspMode.OFF, CTX);
        assertEquals(12, results.size());
        assertTrue(results.stream().allMatch(GpuDeviceResult::passed));
        assertEquals("ppcie", results.get(0).claims().get("gpu_mode"));
    }

    @Test
    void cachedChainStillJudgesTimeOnEveryCall() {
        byte[] n = nonce();
        assertTrue(run(HOPPER, HOPPER.report(n), n, HOPPER_RIMS).passed());
        GpuDeviceResult later = verifier.verify(evidence(HOPPER, HOPPER.report(n)), n, new StaticRimSource(HOPPER_RIMS),
                OcspSource.none(), OcspMode.OFF, new org.openanolis.attestation.verifier.VerificationContext(
                        java.time.Clock.fixed(Instant.parse("2031-01-01T00:00:00Z"), java.time.ZoneOffset.UTC),
                        GpuTestFixture.ANCHORS));
        assertFails(later, ReasonCode.EXPIRED, "cert_chain[");
    }
}

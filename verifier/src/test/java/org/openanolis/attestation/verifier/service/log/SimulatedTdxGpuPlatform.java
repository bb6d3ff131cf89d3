package org.openanolis.attestation.verifier.service.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.gpu.SwidRimBuilder;
import org.openanolis.attestation.simulator.tdx.IntelTestPki;
import org.openanolis.attestation.simulator.tdx.SimulatedIntelPlatform;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.RimKind;
import org.openanolis.attestation.verifier.gpu.StaticRimSource;
import org.openanolis.attestation.verifier.snp.SnpCollateralSource;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;

/**
 * A simulated TDX host (TCB SVN 5/0/7) with a simulated Hopper GPU, their generated Intel and
 * NVIDIA PKIs pinned in a {@code trust_anchors_dir}, TDX collateral valid from {@link #ISSUE} to
 * {@link #NEXT} and signed driver and VBIOS RIMs: what the replay tests run the real TDX and
 * NVIDIA engines on.
 */
final class SimulatedTdxGpuPlatform {
    static final Instant ISSUE = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NEXT = Instant.parse("2026-02-01T00:00:00Z");

    private final SimulatedIntelPlatform host;
    private final SimulatedNvidiaDevice gpu;
    private final TdxCollateral collateral;
    private final Map<RimKind, byte[]> rims;
    private final byte[] svn = new byte[16];

    private SimulatedTdxGpuPlatform(SimulatedIntelPlatform host, SimulatedNvidiaDevice gpu, TdxCollateral collateral,
                                    Map<RimKind, byte[]> rims) {
        this.host = host;
        this.gpu = gpu;
        this.collateral = collateral;
        this.rims = rims;
        svn[0] = 5;
        svn[2] = 7;
    }

    /** Generates the PKIs (valid 2025–2030) and writes their roots under {@code anchors}. */
    static SimulatedTdxGpuPlatform create(Path anchors) throws Exception {
        IntelTestPki pki = IntelTestPki.create(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        SimulatedIntelPlatform host = SimulatedIntelPlatform.tdx(pki, "aabbcc000000");
        Files.createDirectories(anchors.resolve("intel"));
        Files.write(anchors.resolve("intel/Intel_SGX_Provisioning_Certification_RootCA.pem"),
                IntelTestPki.pem(pki.root().certificate()));
        NvidiaTestPki nvidia = NvidiaTestPki.create(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        nvidia.writeTrustAnchors(anchors);
        SimulatedNvidiaDevice gpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(nvidia);
        NvidiaTestPki.RimSigner rimSigner = nvidia.rimSigner();
        Map<RimKind, byte[]> rims = new EnumMap<>(RimKind.class);
        rims.put(RimKind.DRIVER, SwidRimBuilder.driverRim(gpu).sign(rimSigner));
        rims.put(RimKind.VBIOS, SwidRimBuilder.vbiosRim(gpu).sign(rimSigner));
        int[] tdx = {5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Map<String, byte[]> parts = host.collateral(host.tcbInfo(ISSUE, NEXT, tdx), host.qeIdentity(ISSUE, NEXT),
                ISSUE, NEXT, List.of());
        TdxCollateral collateral = TdxCollateral.builder()
                .tcbInfo(parts.get(TdxCollateral.TCB_INFO)).tcbInfoIssuerChain(parts.get(TdxCollateral.TCB_INFO_ISSUER_CHAIN))
                .qeIdentity(parts.get(TdxCollateral.QE_IDENTITY))
                .qeIdentityIssuerChain(parts.get(TdxCollateral.QE_IDENTITY_ISSUER_CHAIN))
                .pckCrl(parts.get(TdxCollateral.PCK_CRL)).pckCrlIssuerChain(parts.get(TdxCollateral.PCK_CRL_ISSUER_CHAIN))
                .rootCaCrl(parts.get(TdxCollateral.ROOT_CA_CRL)).pckChain(parts.get(TdxCollateral.PCK_CHAIN)).build();
        return new SimulatedTdxGpuPlatform(host, gpu, collateral, rims);
    }

    /** The service's engines: this platform's collateral and RIMs from memory, OCSP off, AMD from {@code amd}. */
    EngineEvidenceVerifiers engines(SnpCollateralSource amd) {
        return new EngineEvidenceVerifiers(request -> collateral, amd, GpuEvidenceVerifier.builder().build(),
                new StaticRimSource(rims), OcspSource.none(), OcspMode.OFF);
    }

    /** An attest request body bound to {@code nonce}: a TD quote (debug or not), with or without the GPU. */
    ObjectNode request(String nonce, boolean debug, boolean withGpu) throws Exception {
        List<byte[]> gpus = new ArrayList<>();
        if (withGpu) {
            gpus.add(gpu.report(AttestationService.gpuNonce(Base64.getUrlDecoder().decode(nonce))));
        }
        byte[] runtime = AttestationService.runtimeData(null, gpus);
        byte[] reportData = Digests.sha512(Base64.getUrlDecoder().decode(nonce), runtime);
        byte[] attributes = new byte[8];
        attributes[0] = (byte) (debug ? 1 : 0); // TDATTRIBUTES.DEBUG, bit 0
        byte[] quote = host.quote().teeTcbSvn(svn).tdAttributes(attributes).tdReportData(reportData).build();
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        body.putObject("cpu").put("tee", "tdx").put("evidence", Base64.getEncoder().encodeToString(quote));
        var arr = body.putArray("gpus");
        for (byte[] g : gpus) {
            arr.addObject().put("tee", "nvgpu").put("evidence", Base64.getEncoder().encodeToString(g))
                    .put("cert_chain", new String(gpu.credentials().chainPem(), StandardCharsets.US_ASCII));
        }
        return body;
    }
}

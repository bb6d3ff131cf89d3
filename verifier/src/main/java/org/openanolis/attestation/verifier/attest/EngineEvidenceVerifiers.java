package org.openanolis.attestation.verifier.attest;

import java.util.Map;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.gpu.GpuDeviceResult;
import org.openanolis.attestation.verifier.gpu.GpuEvidenceVerifier;
import org.openanolis.attestation.verifier.gpu.OcspMode;
import org.openanolis.attestation.verifier.gpu.OcspSource;
import org.openanolis.attestation.verifier.gpu.RimSource;
import org.openanolis.attestation.verifier.tdx.TdxCollateralSource;
import org.openanolis.attestation.verifier.tdx.TdxQuoteVerifier;

/**
 * The real engines behind the service: TDX/SGX quotes with Intel collateral from a
 * {@link TdxCollateralSource}, SNP reports, and NVIDIA GPU/NVSwitch evidence with RIMs and OCSP.
 * The engines keep their verified-collateral and key caches across requests.
 */
public final class EngineEvidenceVerifiers implements EvidenceVerifiers {
    private final TdxQuoteVerifier tdx = new TdxQuoteVerifier();
    private final TdxCollateralSource intel;
    private final GpuEvidenceVerifier gpu;
    private final RimSource rims;
    private final OcspSource ocsp;
    private final OcspMode ocspMode;

    public EngineEvidenceVerifiers(TdxCollateralSource intel, GpuEvidenceVerifier gpu, RimSource rims,
                                   OcspSource ocsp, OcspMode ocspMode) {
        this.intel = intel;
        this.gpu = gpu;
        this.rims = rims;
        this.ocsp = ocsp;
        this.ocspMode = ocspMode;
    }

    @Override
    public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
        return switch (e.tee()) {
            case "tdx" -> tdx.verify(e.evidence(), TeeType.TDX, intel, ctx);
            case "sgx" -> tdx.verify(e.evidence(), TeeType.SGX, intel, ctx);
            default -> throw new VerificationException(ReasonCode.MALFORMED_EVIDENCE, "cpu.tee",
                    "no verifier for cpu tee " + e.tee());
        };
    }

    @Override
    public VerifiedEvidence verifyGpu(GpuEvidence e, byte[] expectedNonce, VerificationContext ctx)
            throws VerificationException {
        org.openanolis.attestation.verifier.gpu.GpuEvidence ev =
                org.openanolis.attestation.verifier.gpu.GpuEvidence.fromPem(e.tee(), null, e.report(), e.certChainPem());
        GpuDeviceResult r = gpu.verify(ev, expectedNonce, rims, ocsp, ocspMode, ctx);
        return r.orThrow();
    }

    /** Names of the parts, for {@code /v1/status}. */
    public Map<String, Object> describe() {
        return Map.of("ocsp_mode", ocspMode.claim());
    }
}

package org.openanolis.attestation.verifier.gpu;

import java.util.EnumMap;
import java.util.Map;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.TeeVerifier;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * Verifies an {@code nvgpu} or {@code nvswitch} bundle ({@code bundle-format.md}) with
 * {@link GpuEvidenceVerifier}: RIMs from the bundle's collateral; OCSP from its {@code ocsp}
 * responses in {@link OcspMode#REQUIRED} mode, or {@link OcspMode#OFF} (claims say
 * {@code not_checked}) when the bundle carries none.
 */
public final class GpuBundleVerifier implements TeeVerifier {
    private final GpuEvidenceVerifier verifier;

    public GpuBundleVerifier() {
        this(GpuEvidenceVerifier.builder().build());
    }

    public GpuBundleVerifier(GpuEvidenceVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public VerifiedEvidence verify(AttestationBundle bundle, VerificationContext context)
            throws VerificationException, BundleException {
        byte[] report = bundle.evidence("report").orElseThrow(() -> new BundleException("evidence.report is required"));
        byte[] chain = bundle.evidence("cert_chain")
                .orElseThrow(() -> new BundleException("evidence.cert_chain is required"));
        byte[] nonce = bundle.evidence("nonce").orElseThrow(() -> new BundleException("evidence.nonce is required"));
        Map<RimKind, byte[]> rims = new EnumMap<>(RimKind.class);
        for (RimKind kind : RimKind.values()) {
            if (bundle.hasCollateral(kind.collateralKey())) {
                rims.put(kind, bundle.collateral(kind.collateralKey()).orElseThrow());
            }
        }
        Map<String, byte[]> ocsp = bundle.ocspResponses();
        OcspMode mode = ocsp.isEmpty() ? OcspMode.OFF : OcspMode.REQUIRED;
        GpuEvidence evidence = GpuEvidence.fromPem(bundle.tee(), null, report, chain);
        return verifier.verify(evidence, nonce, new StaticRimSource(rims), new StaticOcspSource(ocsp), mode, context)
                .orThrow();
    }
}

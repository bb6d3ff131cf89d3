package org.openanolis.attestation.verifier;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;
import org.openanolis.attestation.verifier.gpu.GpuBundleVerifier;
import org.openanolis.attestation.verifier.snp.SnpBundleVerifier;
import org.openanolis.attestation.verifier.tdx.TdxBundleVerifier;

/**
 * Verifies an attestation bundle with the engine for its {@code tee}: the code path shared by the
 * offline {@code verify} command, the conformance tests and (later) replay.
 */
public final class BundleVerifier {
    private final Map<String, TeeVerifier> engines;
    private final TrustAnchors anchors;

    public BundleVerifier(TrustAnchors anchors) {
        this.anchors = anchors;
        TdxBundleVerifier tdx = new TdxBundleVerifier();
        GpuBundleVerifier gpu = new GpuBundleVerifier();
        this.engines = Map.of("tdx", tdx, "sgx", tdx, "snp", new SnpBundleVerifier(), "nvgpu", gpu, "nvswitch", gpu);
    }

    /**
     * Verifies {@code bundle} at {@code at}, or at the manifest's {@code verify_at} when
     * {@code at} is empty. A bundle with neither is judged at the current time of {@code fallback}.
     */
    public VerificationResult verify(AttestationBundle bundle, Optional<Instant> at, Clock fallback)
            throws BundleException {
        Instant instant = at.or(bundle::verifyAt).orElseGet(fallback::instant);
        VerificationContext ctx = new VerificationContext(Clock.fixed(instant, ZoneOffset.UTC), anchors);
        TeeVerifier engine = engines.get(bundle.tee());
        if (engine == null) {
            throw new BundleException("no verifier for tee " + bundle.tee());
        }
        try {
            return VerificationResult.passed(engine.verify(bundle, ctx));
        } catch (VerificationException e) {
            return VerificationResult.failed(bundle.tee(), e);
        }
    }
}

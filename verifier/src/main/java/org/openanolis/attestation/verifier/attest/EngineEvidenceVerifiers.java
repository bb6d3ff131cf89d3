package org.openanolis.attestation.verifier.attest;

import com.github.benmanes.caffeine.cache.Cache;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.verifier.snp.SnpCollateral;
import org.openanolis.attestation.verifier.snp.SnpCollateralSource;
import org.openanolis.attestation.verifier.snp.SnpReportVerifier;
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
import org.openanolis.attestation.verifier.gpu.StaticRimSource;
import org.openanolis.attestation.verifier.tdx.TdxCollateral;
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
    private final SnpReportVerifier snp = new SnpReportVerifier();
    private final SnpCollateralSource amd;
    private final GpuEvidenceVerifier gpu;
    private final RimSource rims;
    private final OcspSource ocsp;
    private final OcspMode ocspMode;
    private static final int MAX_CHAINS = org.openanolis.attestation.verifier.gpu.DeviceCacheLimits.perDevice(1);
    /** Bounded: past its capacity single entries are evicted. */
    private final Cache<String, List<X509Certificate>> pemChains =
            org.openanolis.attestation.verifier.gpu.DeviceCacheLimits.newCache(MAX_CHAINS);

    public EngineEvidenceVerifiers(TdxCollateralSource intel, SnpCollateralSource amd, GpuEvidenceVerifier gpu,
                                   RimSource rims, OcspSource ocsp, OcspMode ocspMode) {
        this.intel = recording(intel);
        this.amd = recording(amd);
        this.gpu = gpu;
        this.rims = recording(rims);
        this.ocsp = recording(ocsp);
        this.ocspMode = ocspMode;
    }

    @Override
    public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
        return verifyCpu(e, intel, "snp".equals(e.tee()) ? snpCollateral(e) : amd, ctx);
    }

    private VerifiedEvidence verifyCpu(CpuEvidence e, TdxCollateralSource intelSource, SnpCollateralSource amdSource,
                                       VerificationContext ctx) throws VerificationException {
        return switch (e.tee()) {
            case "tdx" -> tdx.verify(e.evidence(), TeeType.TDX, intelSource, ctx);
            case "sgx" -> tdx.verify(e.evidence(), TeeType.SGX, intelSource, ctx);
            case "snp" -> snp.verify(e.evidence(), amdSource, ctx);
            default -> throw new VerificationException(ReasonCode.MALFORMED_EVIDENCE, "cpu.tee",
                    "no verifier for cpu tee " + e.tee());
        };
    }

    /** The VEK (and ASK/ASVK) the request carries, else the configured source (AMD KDS). */
    private SnpCollateralSource snpCollateral(CpuEvidence e) throws VerificationException {
        byte[] vek = e.certificates().get("vek");
        if (vek == null) {
            return amd;
        }
        X509Certificate cert = Certificates.parseCertificate(vek, ReasonCode.COLLATERAL_INVALID, "cpu.vek");
        byte[] inter = e.certificates().containsKey("ask") ? e.certificates().get("ask") : e.certificates().get("asvk");
        Optional<X509Certificate> intermediate = inter == null ? Optional.empty()
                : Optional.of(Certificates.parseCertificate(inter, ReasonCode.COLLATERAL_INVALID, "cpu.ask"));
        SnpCollateral c = new SnpCollateral(cert, intermediate, Optional.empty(), Optional.empty());
        SnpCollateralSource fixed = request -> c;
        return recording(fixed);
    }

    /**
     * Verifies one GPU/NVSwitch. Every authenticity, freshness, binding and collateral failure
     * throws; a measurement mismatch against authentic RIMs does not: it returns the claims
     * ({@code measurement_result = "mismatch"}, {@code mismatched_indices}) for the appraisal.
     */
    @Override
    public VerifiedEvidence verifyGpu(GpuEvidence e, byte[] expectedNonce, VerificationContext ctx)
            throws VerificationException {
        return verifiedGpu(gpu.verify(gpuEvidence(e), expectedNonce, rims, ocsp, ocspMode, ctx));
    }

    private org.openanolis.attestation.verifier.gpu.GpuEvidence gpuEvidence(GpuEvidence e) throws VerificationException {
        return new org.openanolis.attestation.verifier.gpu.GpuEvidence(e.tee(), null, e.report(), chain(e.certChainPem()));
    }

    private static VerifiedEvidence verifiedGpu(GpuDeviceResult r) throws VerificationException {
        if (r.failure().isPresent() && r.failure().get().code() == ReasonCode.MEASUREMENT_MISMATCH) {
            // The measurement comparison is the engine's last check: the evidence is authentic,
            // fresh and bound, so a mismatch is appraised (claims carry measurement_result
            // "mismatch" and the indices; the default appraisal contraindicates the device).
            return new VerifiedEvidence(r.tee(), null, java.util.List.of(), r.claims());
        }
        return r.orThrow();
    }

    /**
     * The warm start for one device (see {@link GpuEvidenceVerifier#warm}): its PEM chain parsed
     * into the chain cache, the chain validated into the engine's cache, and its recorded OCSP
     * answers that are judged good offered to the OCSP source (kept by a caching one).
     */
    @Override
    public boolean warmGpu(RecordedDevice d, VerificationContext ctx) {
        List<X509Certificate> certs;
        X509Certificate root;
        try {
            certs = chain(d.evidence().certChainPem());
            root = ctx.trustAnchors().nvidiaDeviceIdentityCa();
        } catch (VerificationException ex) {
            return false;
        }
        org.openanolis.attestation.verifier.gpu.GpuEvidence ev = new org.openanolis.attestation.verifier.gpu.GpuEvidence(
                d.evidence().tee(), null, d.evidence().report(), certs);
        Map<String, byte[]> answers = new java.util.HashMap<>();
        d.collateral().forEach((kind, bytes) -> {
            if (kind.startsWith("ocsp/")) {
                answers.put(kind.substring("ocsp/".length()), bytes);
            }
        });
        return gpu.warm(ev, root, answers, d.recordedAt(), ocsp, ctx.clock()).chainValid();
    }

    /** This set's OCSP answers as held, never a responder: what a rehearsal may use. */
    private final OcspSource heldOnly = new OcspSource() {
        @Override
        public Optional<Answer> fetch(Query query) {
            return Optional.empty();
        }

        @Override
        public Optional<Answer> held(X509Certificate subject, X509Certificate issuer) throws java.io.IOException {
            return ocsp.held(subject, issuer);
        }
    };

    /** Held answers only: a missing one is "unavailable", which only the strict mode refuses. */
    private OcspMode recordedMode() {
        return ocspMode == OcspMode.OFF ? OcspMode.OFF : OcspMode.BEST_EFFORT;
    }

    /**
     * The rehearsal engines of one recorded request: this set's TDX, SNP and GPU engines (and so
     * their caches), the recorded CPU collateral, each GPU's recorded RIMs, and the OCSP answers
     * this set holds. GPU evidence is taken in request order, as the service verifies it.
     */
    @Override
    public EvidenceVerifiers recorded(Map<String, Map<String, byte[]>> collateral) {
        Map<String, byte[]> cpu = collateral.getOrDefault("cpu", Map.of());
        TdxCollateralSource fromCpu = request -> TdxCollateral.fromParts(cpu);
        SnpCollateralSource snpFromCpu = request -> SnpCollateral.fromParts(cpu);
        TdxCollateralSource recordedIntel = recording(fromCpu);
        SnpCollateralSource recordedAmd = recording(snpFromCpu);
        return new EvidenceVerifiers() {
            private int next;

            @Override
            public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
                return EngineEvidenceVerifiers.this.verifyCpu(e, recordedIntel, recordedAmd, ctx);
            }

            @Override
            public VerifiedEvidence verifyGpu(GpuEvidence e, byte[] expectedNonce, VerificationContext ctx)
                    throws VerificationException {
                Map<String, byte[]> c = collateral.getOrDefault("gpu" + next++, Map.of());
                return verifiedGpu(gpu.verify(gpuEvidence(e), expectedNonce,
                        recording(StaticRimSource.fromCollateral(c)), heldOnly, recordedMode(), ctx));
            }
        };
    }

    // The sources below report what they hand to the engines to CollateralUsage (the verification
    // log records it); they return the delegate's objects unchanged, so the engines' caches work.

    private static TdxCollateralSource recording(TdxCollateralSource s) {
        return request -> {
            TdxCollateral c = s.collateralFor(request);
            c.presentParts().forEach(CollateralUsage::note);
            return c;
        };
    }

    private static SnpCollateralSource recording(SnpCollateralSource s) {
        return request -> {
            SnpCollateral c = s.collateralFor(request);
            try {
                CollateralUsage.note("vek", c.vek().getEncoded());
                boolean vlek = c.vek().getSubjectX500Principal().getName().contains("VLEK");
                if (c.intermediate().isPresent()) {
                    CollateralUsage.note(vlek ? "asvk" : "ask", c.intermediate().get().getEncoded());
                }
                if (c.ark().isPresent()) {
                    CollateralUsage.note("ark", c.ark().get().getEncoded());
                }
                if (c.crl().isPresent()) {
                    CollateralUsage.note("crl", c.crl().get().getEncoded());
                }
            } catch (java.security.cert.CertificateEncodingException | java.security.cert.CRLException e) {
                throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "vek", "collateral cannot be re-encoded");
            }
            return c;
        };
    }

    private static RimSource recording(RimSource s) {
        return (kind, rimId) -> {
            Optional<byte[]> doc = s.fetch(kind, rimId);
            doc.ifPresent(b -> CollateralUsage.note(kind.collateralKey(), b));
            return doc;
        };
    }

    private static OcspSource recording(OcspSource s) {
        return new OcspSource() {
            @Override
            public Optional<Answer> fetch(Query query) throws java.io.IOException {
                return noted(query.subject(), s.fetch(query));
            }

            @Override
            public Optional<Answer> held(X509Certificate subject, X509Certificate issuer) throws java.io.IOException {
                return noted(subject, s.held(subject, issuer));
            }

            @Override
            public boolean keep(X509Certificate subject, X509Certificate issuer, byte[] der, java.time.Instant at) {
                return s.keep(subject, issuer, der, at);
            }

            private Optional<Answer> noted(X509Certificate subject, Optional<Answer> a) {
                a.ifPresent(x -> CollateralUsage.note("ocsp/" + subject.getSerialNumber().toString(16), x.sharedDer()));
                return a;
            }
        };
    }

    /**
     * The device chain of PEM text, decoded once per distinct text: every host sends the same
     * chain with every attestation, and decoding 5 certificates per GPU was per-request work.
     */
    private List<X509Certificate> chain(byte[] pem) throws VerificationException {
        String key = Hex.encode(Digests.sha256(pem));
        List<X509Certificate> chain = pemChains.getIfPresent(key);
        if (chain == null) {
            chain = List.copyOf(Certificates.parsePemChain(pem, ReasonCode.CERT_CHAIN_INVALID, "cert_chain"));
            pemChains.put(key, chain);
        }
        return chain;
    }
}

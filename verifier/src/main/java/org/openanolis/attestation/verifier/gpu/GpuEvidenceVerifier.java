package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.rim.GoldenMeasurement;
import org.openanolis.attestation.parsers.rim.SwidRim;
import org.openanolis.attestation.parsers.spdm.OpaqueData;
import org.openanolis.attestation.parsers.spdm.OpaqueFieldType;
import org.openanolis.attestation.parsers.spdm.SpdmAttestationReport;
import org.openanolis.attestation.parsers.spdm.SpdmMeasurementRequest;
import org.openanolis.attestation.verifier.IdentityDigests;
import org.openanolis.attestation.verifier.VerificationContext;

/**
 * Verifies NVIDIA GPU and NVSwitch evidence ({@code gpu-verification.md}), independent of bundles:
 * the HTTP service calls it with live {@link RimSource} and {@link OcspSource} implementations.
 *
 * <p>Check order (the order of {@code shared/testdata/README.md}): report parse (no trailing
 * bytes) → device chain to the pinned NVIDIA Device Identity CA (the device's root copy dropped)
 * and certificate windows → report signature (ECDSA P-384 over request || response up to the
 * signature) → FWID (report vs leaf certificate, when the report has one) → nonce → device-chain
 * OCSP → RIMs present → per RIM: structure, chain to the pinned CoRIM root, windows, OCSP, XML
 * signature, version, edition → golden measurements.
 *
 * <p>Caches: the validated device chain with the leaf's decoded BC key object, keyed by the chain's
 * SHA-256 (and root); verified RIMs keyed by the document SHA-256. With both warm, one device costs
 * one SHA-384 and one P-384 verification.
 *
 * <p>Instances are thread-safe and meant to be shared.
 */
public final class GpuEvidenceVerifier {
    /** Largest evidence set: an HGX board with 8 GPUs and 4 NVSwitches. */
    public static final int MAX_GPUS = 8;
    public static final int MAX_SWITCHES = 4;
    private static final int MAX_CACHE = DeviceCacheLimits.perDevice(1);
    /** Bytes the switch BIOS RIM id hard-codes for LS10 (NVAT {@code SwitchArchitectureData}). */
    private static final String LS10_BIOS_RIM_PREFIX = "NV_SWITCH_BIOS_5612_0002_890_";

    private final OcspChecker ocspChecker;
    private final RimVerifier rimVerifier = new RimVerifier();
    private final Cache<DeviceChainKey, DeviceIdentityOutcome> deviceChains = DeviceCacheLimits.newCache(MAX_CACHE);

    private GpuEvidenceVerifier(Builder b) {
        this.ocspChecker = new OcspChecker(b.allowCertificateHold, b.ocspMaxAge);
    }

    /** A builder; every check is on, certificate holds are not tolerated by default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of a {@link GpuEvidenceVerifier}. */
    public static final class Builder {
        private boolean allowCertificateHold;
        private Duration ocspMaxAge = Duration.ofDays(7);

        private Builder() {}

        /** Tolerate OCSP {@code revoked} with reason {@code certificateHold} (recorded in the claims). */
        public Builder allowCertificateHold(boolean allow) {
            this.allowCertificateHold = allow;
            return this;
        }

        /** How old an OCSP response without {@code nextUpdate} may be (default 7 days). */
        public Builder ocspMaxAge(Duration maxAge) {
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("ocspMaxAge must be positive");
            }
            this.ocspMaxAge = maxAge;
            return this;
        }

        public GpuEvidenceVerifier build() {
            return new GpuEvidenceVerifier(this);
        }
    }

    /** The device chain as verified once: path, leaf key object and what the certificates say. */
    private record DeviceIdentity(CertificatePathValidator.ValidatedPath path, ECPublicKeyParameters leafKey,
                                  GpuArchitecture architecture, String hwmodel, String ueid, String leafFwidHex) {}

    /** What the devices of one {@link #verifyAll} call share: fetched and checked RIMs, their OCSP answers. */
    private static final class SetMemo {
        final Map<String, Optional<byte[]>> fetched = new HashMap<>();
        final Map<String, RimVerifier.Outcome> checked = new HashMap<>();
        final Map<List<String>, Map<Integer, MeasurementAppraiser.Golden>> golden = new HashMap<>();
        final Map<String, RimOcspOutcome> rimOcsp = new HashMap<>();
        final Map<String, Map<String, Object>> ocspAnswers = new HashMap<>();
    }

    private record RimOcspOutcome(Map<String, Object> claim, VerificationException failure) {}

    private record DeviceChainKey(String chainDigest, String rootFingerprint, String tee, GpuArchitecture declared) {}

    private record DeviceIdentityOutcome(DeviceIdentity identity, VerificationException failure) {}

    /**
     * Verifies one device. Never throws for bad evidence: the result carries the failure and the
     * claims gathered so far.
     *
     * @param expectedNonce the 32-byte nonce the verifier (or relying party) chose
     */
    public GpuDeviceResult verify(GpuEvidence evidence, byte[] expectedNonce, RimSource rims, OcspSource ocsp,
                                  OcspMode mode, VerificationContext ctx) {
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(expectedNonce, "expectedNonce");
        Objects.requireNonNull(rims, "rims");
        Objects.requireNonNull(ocsp, "ocsp");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(ctx, "ctx");
        return verify(evidence, expectedNonce, rims, ocsp, mode, ctx, new SetMemo());
    }

    private GpuDeviceResult verify(GpuEvidence evidence, byte[] expectedNonce, RimSource rims, OcspSource ocsp,
                                   OcspMode mode, VerificationContext ctx, SetMemo memo) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("tee", evidence.tee());
        try {
            verifyInto(evidence, expectedNonce, rims, ocsp, mode, ctx, claims, memo);
            return new GpuDeviceResult(evidence.tee(), claims, Optional.empty());
        } catch (VerificationException e) {
            return new GpuDeviceResult(evidence.tee(), claims, Optional.of(e));
        }
    }

    /**
     * Verifies an evidence set (up to {@value #MAX_GPUS} GPUs and {@value #MAX_SWITCHES}
     * switches) against one nonce; each device gets its own result, in input order.
     *
     * @throws IllegalArgumentException when the set is larger than an HGX board
     */
    public List<GpuDeviceResult> verifyAll(List<GpuEvidence> evidence, byte[] expectedNonce, RimSource rims,
                                           OcspSource ocsp, OcspMode mode, VerificationContext ctx) {
        long gpus = evidence.stream().filter(e -> "nvgpu".equals(e.tee())).count();
        long switches = evidence.size() - gpus;
        if (gpus > MAX_GPUS || switches > MAX_SWITCHES) {
            throw new IllegalArgumentException("evidence set of " + gpus + " GPUs and " + switches
                    + " switches exceeds " + MAX_GPUS + " + " + MAX_SWITCHES);
        }
        List<GpuDeviceResult> out = new ArrayList<>(evidence.size());
        // Devices of one set share their RIMs: each RIM id is fetched once per set.
        SetMemo memo = new SetMemo();
        for (GpuEvidence e : evidence) {
            out.add(verify(e, expectedNonce, rims, ocsp, mode, ctx, memo));
        }
        return out;
    }

    private void verifyInto(GpuEvidence evidence, byte[] expectedNonce, RimSource rims, OcspSource ocsp,
                            OcspMode mode, VerificationContext ctx, Map<String, Object> claims,
                            SetMemo memo) throws VerificationException {
        // 1. Parse (no crypto).
        SpdmAttestationReport report = SpdmAttestationReport.parse(evidence.reportView(),
                SpdmAttestationReport.P384_SIGNATURE_LENGTH);
        OpaqueData opaque = report.opaqueData();

        // 2. Device chain to the pinned root, certificate windows.
        X509Certificate deviceRoot = ctx.trustAnchors().nvidiaDeviceIdentityCa();
        DeviceIdentity id = deviceIdentity(evidence, deviceRoot);
        GpuArchitecture arch = id.architecture();
        boolean isSwitch = "nvswitch".equals(evidence.tee());
        claims.put("arch", arch.name());
        claims.put("hwmodel", id.hwmodel());
        claims.put("ueid", id.ueid());
        id.path().checkWindows(ctx.clock());
        Map<String, Object> chainClaim = new LinkedHashMap<>();
        chainClaim.put("status", "valid");
        chainClaim.put("expiration", id.path().expiration().toString());
        claims.put("cert_chain", chainClaim);

        // 3. Report signature with the cached leaf key object.
        Ecdsa.verifyDigest(id.leafKey(), sha384(report), report.signature(), "report.signature");

        // 4. FWID binding (when the firmware reports one).
        Optional<byte[]> fwid = opaque.fwid();
        if (fwid.isPresent()) {
            String reported = Hex.encode(fwid.get());
            if (id.leafFwidHex() == null) {
                throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "report.fwid",
                        "leaf certificate extension " + arch.fwidOid(), "absent");
            }
            if (!id.leafFwidHex().equals(reported)) {
                throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "report.fwid",
                        id.leafFwidHex(), reported);
            }
        }
        claims.put("fwid", fwid.map(Hex::encode).orElse(null));

        // 5. Nonce.
        SpdmMeasurementRequest request = report.request();
        if (expectedNonce.length != SpdmMeasurementRequest.NONCE_LENGTH
                || !MessageDigest.isEqual(expectedNonce, request.nonce())) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "report.request.nonce",
                    Hex.encode(expectedNonce), request.nonceHex());
        }
        claims.put("nonce", request.nonceHex());
        putOpaqueClaims(opaque, isSwitch, claims);

        // 6. Device chain revocation (leaf FMC certificate excluded, as NVIDIA's verifiers do).
        Map<String, Object> ocspClaims = new LinkedHashMap<>();
        claims.put("ocsp", ocspClaims);
        ocspClaims.put("device_chain",
                ocspChecker.check(id.path(), 1, "device_chain", ocsp, mode, ctx.clock(), memo.ocspAnswers));

        // 7. RIMs present.
        claims.put("measurement_result", "not_appraised");
        Map<RimKind, String> ids = rimIds(arch, opaque, isSwitch);
        Map<RimKind, byte[]> documents = new EnumMap<>(RimKind.class);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<RimKind, String> e : ids.entrySet()) {
            String memoKey = e.getKey().name() + "/" + e.getValue();
            Optional<byte[]> doc = memo.fetched.get(memoKey);
            if (doc == null) {
                try {
                    doc = rims.fetch(e.getKey(), e.getValue());
                } catch (IOException ex) {
                    doc = Optional.empty();
                }
                memo.fetched.put(memoKey, doc);
            }
            if (doc.isPresent()) {
                documents.put(e.getKey(), doc.get());
            } else {
                missing.add(e.getKey().collateralKey());
            }
        }
        Map<String, Object> rimClaims = new LinkedHashMap<>();
        claims.put("rims", rimClaims);
        for (Map.Entry<RimKind, String> e : ids.entrySet()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", e.getValue());
            r.put("present", documents.containsKey(e.getKey()));
            rimClaims.put(e.getKey().claimName(), r);
        }
        if (!missing.isEmpty()) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, missing.get(0),
                    "cannot appraise measurements: missing " + missing + " (RIM ids " + ids.values() + ")");
        }

        // 8. Each RIM: structure, chain, windows, OCSP, signature, version, edition.
        X509Certificate rimRoot = ctx.trustAnchors().nvidiaRimRoot();
        Map<RimKind, List<GoldenMeasurement>> golden = new EnumMap<>(RimKind.class);
        for (Map.Entry<RimKind, byte[]> e : documents.entrySet()) {
            RimKind kind = e.getKey();
            String field = kind.collateralKey();
            // Devices of one set share their RIMs: check each document once per set.
            String memoKey = "checked/" + kind.name() + "/" + ids.get(kind);
            RimVerifier.Outcome o = memo.checked.get(memoKey);
            if (o == null) {
                o = rimVerifier.check(e.getValue(), rimRoot, field);
                memo.checked.put(memoKey, o);
            }
            o.path().checkWindows(ctx.clock());
            // A set asks about each RIM chain once; every device of the set gets the same answer.
            RimOcspOutcome rimOcsp = memo.rimOcsp.get(memoKey);
            if (rimOcsp == null) {
                try {
                    rimOcsp = new RimOcspOutcome(
                            ocspChecker.check(o.path(), 0, field + "_chain", ocsp, mode, ctx.clock()), null);
                } catch (VerificationException ex) {
                    rimOcsp = new RimOcspOutcome(null, ex);
                }
                memo.rimOcsp.put(memoKey, rimOcsp);
            }
            if (rimOcsp.failure() != null) {
                throw rimOcsp.failure();
            }
            ocspClaims.put(kind.claimName() + "_rim_chain", rimOcsp.claim());
            if (o.signatureFailure() != null) {
                throw o.signatureFailure();
            }
            SwidRim rim = o.rim();
            String expectedVersion = (String) claims.get(versionClaim(kind, isSwitch));
            if (!rim.colloquialVersion().equalsIgnoreCase(expectedVersion)) {
                throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, field + ".Meta.colloquialVersion",
                        expectedVersion, rim.colloquialVersion());
            }
            if (!kind.edition().equalsIgnoreCase(rim.edition())) {
                throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, field + ".Meta.edition",
                        kind.edition(), rim.edition());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) rimClaims.get(kind.claimName());
            r.put("version", rim.colloquialVersion());
            r.put("tag_id", rim.tagId());
            r.put("sha256", rim.sha256());
            r.put("signer_expiration", o.path().expiration().toString());
            if (rim.firmwareManufacturerId() != null) {
                r.put("manufacturer_id", rim.firmwareManufacturerId());
            }
            golden.put(kind, rim.measurements());
        }

        // 9. Golden measurements.
        List<String> goldenKey = new ArrayList<>();
        for (Map.Entry<RimKind, List<GoldenMeasurement>> g : golden.entrySet()) {
            goldenKey.add(g.getKey().name() + "/" + ids.get(g.getKey()));
        }
        Map<Integer, MeasurementAppraiser.Golden> merged = memo.golden.get(goldenKey);
        if (merged == null) {
            merged = MeasurementAppraiser.golden(golden);
            memo.golden.put(goldenKey, merged);
        }
        boolean skipNvdec0 = !isSwitch && opaque.nvdec0Status().orElse(-1) == MeasurementAppraiser.NVDEC0_DISABLED;
        MeasurementAppraiser.Appraisal a = MeasurementAppraiser.appraise(merged, report.response(), skipNvdec0);
        claims.put("measurements_compared", a.compared());
        claims.put("measurements_skipped", a.skipped());
        claims.put("mismatched_indices", a.mismatches());
        if (!a.mismatches().isEmpty()) {
            claims.put("measurement_result", "mismatch");
            Map<String, Object> first = a.mismatches().get(0);
            @SuppressWarnings("unchecked")
            List<String> expected = (List<String>) first.get("expected");
            throw VerificationException.mismatch(ReasonCode.MEASUREMENT_MISMATCH,
                    "measurements[" + first.get("index") + "]", String.join("|", expected),
                    String.valueOf(first.get("measured")));
        }
        claims.put("measurement_result", "success");
    }

    private static String versionClaim(RimKind kind, boolean isSwitch) {
        if (kind == RimKind.DRIVER) {
            return "driver_version";
        }
        return isSwitch ? "bios_version" : "vbios_version";
    }

    private static byte[] sha384(SpdmAttestationReport report) {
        return Digests.sha384(report.signedBytes());
    }

    private static void putOpaqueClaims(OpaqueData opaque, boolean isSwitch, Map<String, Object> claims)
            throws VerificationException {
        if (isSwitch) {
            claims.put("bios_version", opaque.switchBiosVersion().orElseThrow(() -> missingOpaque("VBIOS_VERSION")));
        } else {
            claims.put("driver_version", opaque.driverVersion().orElseThrow(() -> missingOpaque("DRIVER_VERSION")));
            claims.put("vbios_version", opaque.gpuVbiosVersion().orElseThrow(() -> missingOpaque("VBIOS_VERSION")));
        }
        opaque.ascii(OpaqueFieldType.CHIP_SKU).ifPresent(v -> claims.put("chip_sku", v));
        opaque.ascii(OpaqueFieldType.CHIP_INFO).ifPresent(v -> claims.put("chip_info", v));
        opaque.ascii(OpaqueFieldType.PROJECT).ifPresent(v -> claims.put("project", v));
        opaque.ascii(OpaqueFieldType.PROJECT_SKU).ifPresent(v -> claims.put("project_sku", v));
        opaque.nvdec0Status().ifPresent(v -> claims.put("nvdec0", enabledDisabled(v)));
        opaque.get(OpaqueFieldType.PROTECTED_PCIE_STATUS).filter(b -> b.length == 1)
                .ifPresent(b -> claims.put("protected_pcie", enabledDisabled(b[0] & 0xff)));
        opaque.littleEndian(OpaqueFieldType.OPAQUE_DATA_VERSION).ifPresent(v -> claims.put("opaque_data_version", v));
        opaque.littleEndian(OpaqueFieldType.FEATURE_FLAG).ifPresent(v -> claims.put("gpu_mode",
                v == 0 ? "spt" : v == 1 ? "mpt" : v == 2 ? "ppcie" : "unknown_" + v));
    }

    private static String enabledDisabled(int v) {
        return v == 0xAA ? "enabled" : v == 0x55 ? "disabled" : "unknown_0x" + Integer.toHexString(v);
    }

    private static VerificationException missingOpaque(String name) {
        return new VerificationException(ReasonCode.MALFORMED_EVIDENCE, "response.opaque_data." + name,
                "report opaque data lacks " + name);
    }

    /** NVIDIA RIM ids ({@code gpu-verification.md} §6). */
    static Map<RimKind, String> rimIds(GpuArchitecture arch, OpaqueData opaque, boolean isSwitch)
            throws VerificationException {
        Map<RimKind, String> ids = new EnumMap<>(RimKind.class);
        if (isSwitch) {
            String bios = opaque.switchBiosVersion().orElseThrow(() -> missingOpaque("VBIOS_VERSION"));
            ids.put(RimKind.SWITCH_BIOS, LS10_BIOS_RIM_PREFIX + compactVersion(bios));
            return ids;
        }
        String driver = opaque.driverVersion().orElseThrow(() -> missingOpaque("DRIVER_VERSION"));
        if (arch == GpuArchitecture.BLACKWELL) {
            String chip = opaque.ascii(OpaqueFieldType.CHIP_INFO).filter(s -> !s.isEmpty()).orElse("GB100");
            ids.put(RimKind.DRIVER, "NV_GPU_CC_DRIVER_" + chip.toUpperCase(Locale.ROOT) + "_" + driver);
        } else {
            ids.put(RimKind.DRIVER, "NV_GPU_DRIVER_GH100_" + driver);
        }
        String project = opaque.ascii(OpaqueFieldType.PROJECT).orElseThrow(() -> missingOpaque("PROJECT"));
        String projectSku = opaque.ascii(OpaqueFieldType.PROJECT_SKU).orElseThrow(() -> missingOpaque("PROJECT_SKU"));
        String chipSku = opaque.ascii(OpaqueFieldType.CHIP_SKU).orElseThrow(() -> missingOpaque("CHIP_SKU"));
        String vbios = opaque.gpuVbiosVersion().orElseThrow(() -> missingOpaque("VBIOS_VERSION"));
        ids.put(RimKind.VBIOS, ("NV_GPU_VBIOS_" + project + "_" + projectSku + "_" + chipSku + "_"
                + compactVersion(vbios)).toUpperCase(Locale.ROOT));
        return ids;
    }

    private static String compactVersion(String dotted) {
        return dotted.replace(".", "").toUpperCase(Locale.ROOT);
    }

    /** What {@link #warm} did for one device. */
    public record WarmOutcome(boolean chainValid, int ocspAnswersKept) {}

    /**
     * Prepares the per-device caches for a device this service verified before (the warm start
     * from the verification log): validates its device chain exactly as a request would (the
     * outcome, valid or not, is cached by the chain's bytes) and offers {@code ocsp} the recorded
     * OCSP answers of its chain ({@code recordedOcsp}: certificate serial in lower-case hex → DER
     * response, received at {@code recordedAt}) that are judged good now. Nothing here speaks for a
     * request: each request still checks the certificate windows, the report signature, the nonce
     * and every held answer (as pre-recorded). Asks no responder.
     */
    public WarmOutcome warm(GpuEvidence evidence, X509Certificate root, Map<String, byte[]> recordedOcsp,
                            Instant recordedAt, OcspSource ocsp, Clock clock) {
        DeviceIdentity id;
        try {
            id = deviceIdentity(evidence, root);
        } catch (VerificationException e) {
            return new WarmOutcome(false, 0);
        }
        Ecdsa.prepareForReuse(id.leafKey());
        List<X509Certificate> certs = id.path().certificates();
        int kept = 0;
        // The answers a request's device-chain check would look up: certificates 1 .. size-2.
        for (int i = 1; i + 1 < certs.size(); i++) {
            byte[] der = recordedOcsp.get(certs.get(i).getSerialNumber().toString(16));
            if (der == null) {
                continue;
            }
            try {
                if (ocsp.held(certs.get(i), certs.get(i + 1)).isPresent()) {
                    continue; // a CA every device shares: kept once
                }
            } catch (IOException e) {
                continue;
            }
            if (ocspChecker.judgesGood(certs, i, der, clock)
                    && ocsp.keep(certs.get(i), certs.get(i + 1), der, recordedAt)) {
                kept++;
            }
        }
        return new WarmOutcome(true, kept);
    }

    private DeviceIdentity deviceIdentity(GpuEvidence evidence, X509Certificate root) throws VerificationException {
        DeviceChainKey key = new DeviceChainKey(evidence.chainDigest(), IdentityDigests.fingerprint(root), evidence.tee(),
                evidence.declaredArchitecture().orElse(null));
        DeviceIdentityOutcome o = deviceChains.getIfPresent(key);
        if (o == null) {
            try {
                o = new DeviceIdentityOutcome(buildIdentity(evidence, root), null);
            } catch (VerificationException e) {
                o = new DeviceIdentityOutcome(null, e);
            }
            deviceChains.put(key, o);
        }
        if (o.failure() != null) {
            throw o.failure();
        }
        return o.identity();
    }

    private static DeviceIdentity buildIdentity(GpuEvidence evidence, X509Certificate root) throws VerificationException {
        CertificatePathValidator.ValidatedPath path =
                CertificatePathValidator.validate(evidence.certificateChain(), root, "cert_chain");
        List<X509Certificate> certs = path.certificates();
        if (certs.size() < 3) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, "cert_chain",
                    "cert_chain: no device identity certificate between the leaf and the root");
        }
        String hwmodel = commonName(certs.get(1).getSubjectX500Principal());
        GpuArchitecture arch = GpuArchitecture.fromHwModel(hwmodel).orElseThrow(() ->
                VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, "cert_chain[1].subject",
                        "a Hopper, Blackwell or LS10 device identity", hwmodel));
        if (!arch.tee().equals(evidence.tee())) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, "cert_chain[1].subject",
                    "an " + evidence.tee() + " device", hwmodel);
        }
        if (evidence.declaredArchitecture().isPresent() && evidence.declaredArchitecture().get() != arch) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, "arch",
                    arch.name(), evidence.declaredArchitecture().get().name());
        }
        X509Certificate leaf = path.leaf();
        ECPublicKeyParameters key = Ecdsa.certificateKey(leaf, Ecdsa.P384, ReasonCode.CERT_CHAIN_INVALID,
                "cert_chain[0].public_key");
        String fwid = DeviceFwid.fromLeaf(leaf, arch, "cert_chain[0].fwid").map(Hex::encode).orElse(null);
        return new DeviceIdentity(path, key, arch, hwmodel, leaf.getSerialNumber().toString(), fwid);
    }

    private static String commonName(X500Principal p) {
        X500Name name = X500Name.getInstance(p.getEncoded());
        RDN[] cns = name.getRDNs(BCStyle.CN);
        return cns.length == 0 ? "" : IETFUtils.valueToString(cns[0].getFirst().getValue());
    }
}

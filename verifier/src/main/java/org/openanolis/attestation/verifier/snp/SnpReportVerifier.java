package org.openanolis.attestation.verifier.snp;

import com.github.benmanes.caffeine.cache.Cache;

import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.TrustAnchors.AmdAnchors;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.snp.SnpProducts;
import org.openanolis.attestation.parsers.snp.SnpReport;
import org.openanolis.attestation.parsers.snp.SnpSigningKey;
import org.openanolis.attestation.parsers.snp.SnpTcbVersion;
import org.openanolis.attestation.parsers.snp.VekExtensions;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.gpu.DeviceCacheLimits;

/**
 * Verifies AMD SEV-SNP attestation reports of Milan, Genoa and Turin, signed by a VCEK or a VLEK
 * ({@code snp-verification.md} section 8). Independent of bundles: evidence bytes in, collateral
 * from an {@link SnpCollateralSource} or an {@link SnpCollateral}, time and roots from the
 * {@link VerificationContext}.
 *
 * <p>Check order (that of the conformance vectors): parse (size, version, algorithm, policy,
 * reserved ranges, signer info) → VEK kind (CN) vs SIGNING_KEY → product (CPUID of v3+ reports,
 * else the VEK productName; the two must agree) → ARK (pinned), ASK/ASVK (pinned) ← ARK, VEK ←
 * ASK/ASVK, CRL → validity windows of every certificate and the CRL against the context clock →
 * VEK SPLs == REPORTED_TCB in the product layout (FMC on Turin) → hwID == CHIP_ID (VCEK) → ECDSA
 * P-384 signature over the raw bytes {@code [0, 0x2A0)}.
 *
 * <p>Caching: VEK extension decoding is cached by VEK fingerprint and chain validation (with the
 * VEK's Bouncy Castle key object) by the fingerprints of VEK, intermediate, ARK and CRL, so a
 * repeated report costs one P-384 verification. Windows are re-checked against the clock on every
 * use. Only successful validations are cached. Thread-safe.
 */
public final class SnpReportVerifier {
    /** Cache entries kept before a cache is cleared (one VEK per chip and TCB). */
    public static final int DEFAULT_CACHE_ENTRIES = 4096;

    // Bounded caches (DeviceCacheLimits.newCache): past their capacity single entries are evicted.
    private final Cache<String, VekExtensions> extensionsByVek;
    private final Cache<String, ECPublicKeyParameters> validatedChains;
    /** SHA-256 fingerprints by certificate (equality is over the DER; an identical object hits at once). */
    private final Cache<X509Certificate, String> fingerprints;

    public SnpReportVerifier() {
        this(DEFAULT_CACHE_ENTRIES);
    }

    public SnpReportVerifier(int maxCacheEntries) {
        if (maxCacheEntries < 1) {
            throw new IllegalArgumentException("maxCacheEntries must be positive");
        }
        this.extensionsByVek = DeviceCacheLimits.newCache(maxCacheEntries);
        this.validatedChains = DeviceCacheLimits.newCache(maxCacheEntries);
        this.fingerprints = DeviceCacheLimits.newCache(maxCacheEntries);
    }

    /** Parses {@code report}, asks {@code source} for its collateral and verifies it. */
    public VerifiedEvidence verify(byte[] report, SnpCollateralSource source, VerificationContext context)
            throws VerificationException {
        SnpReport parsed = SnpReport.parse(report);
        SnpCollateral collateral = source.collateralFor(SnpCollateralRequest.of(parsed));
        return verifyReport(parsed, collateral, context).toVerifiedEvidence();
    }

    /** Parses and verifies {@code report} with {@code collateral}. */
    public VerifiedEvidence verify(byte[] report, SnpCollateral collateral, VerificationContext context)
            throws VerificationException {
        return verifyReport(SnpReport.parse(report), collateral, context).toVerifiedEvidence();
    }

    /** Verifies an already parsed report; the result can only be made here. */
    public VerifiedSnpReport verifyReport(SnpReport report, SnpCollateral collateral, VerificationContext context)
            throws VerificationException {
        X509Certificate vek = collateral.vek();
        String vekFingerprint = fingerprint(vek);

        // VEK kind vs SIGNING_KEY, and the extensions' consistency with that kind.
        VekExtensions ext = cached(extensionsByVek, vekFingerprint, () -> VekExtensions.parse(vek));
        SnpSigningKey kind = report.signingKey();
        if (!kind.commonName().equals(ext.commonName())) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "vek.subject",
                    "CN=" + kind.commonName() + " (report SIGNING_KEY " + kind.claim() + ")", "CN=" + ext.commonName());
        }
        checkKindExtensions(kind, ext);

        // Product: CPUID (v3+) or the VEK productName; never the report version.
        AmdProduct product = product(report, ext);

        // Chain to the pinned roots (cached), then the clock-dependent windows.
        AmdAnchors anchors = context.trustAnchors().amd(product);
        X509Certificate ark = anchors.ark();
        String icaField = kind == SnpSigningKey.VLEK ? "asvk" : "ask";
        X509Certificate pinnedIca = kind == SnpSigningKey.VLEK ? anchors.asvk() : anchors.ask();
        // A supplied ARK is informational: the pinned ARK is the root, always (bundle-format.md).
        String arkFingerprint = fingerprint(ark);
        X509Certificate ica;
        if (pinnedIca != null) {
            if (collateral.intermediate().isPresent()
                    && !fingerprint(collateral.intermediate().get()).equals(fingerprint(pinnedIca))) {
                throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, icaField,
                        icaField + ": the supplied certificate is not the pinned " + icaField + " of " + product.folder());
            }
            ica = pinnedIca;
        } else {
            ica = collateral.intermediate().orElseThrow(() -> new VerificationException(ReasonCode.COLLATERAL_MISSING,
                    icaField, icaField + ": neither pinned nor supplied for " + product.folder()));
        }
        Optional<X509CRL> crl = collateral.crl();
        String chainKey = vekFingerprint + '|' + fingerprint(ica) + '|' + arkFingerprint + '|'
                + (crl.isPresent() ? crlFingerprint(crl.get()) : "-") + '|' + product + '|' + kind;
        ECPublicKeyParameters vekKey = cached(validatedChains, chainKey,
                () -> AmdCertificateChain.validate(product, kind, ark, ica, vek, crl, icaField));
        Certificates.checkValidity(ark, context.clock(), "ark");
        Certificates.checkValidity(ica, context.clock(), icaField);
        Certificates.checkValidity(vek, context.clock(), "vek");
        if (crl.isPresent()) {
            Certificates.checkValidity(crl.get(), context.clock(), "crl");
        }

        // Bindings: TCB (every SPL, in the product layout) and chip.
        SnpTcbVersion reportedTcb = SnpTcbVersion.decode(report.reportedTcb(), product);
        checkTcbBinding(product, reportedTcb, ext);
        if (kind == SnpSigningKey.VCEK) {
            checkChipBinding(product, report, ext);
        }

        // The report signature over the raw signed bytes.
        Ecdsa.verifyDigest(vekKey, Digests.sha384(report.signedBytes()), report.signatureR(), report.signatureS(),
                "report.signature");

        return new VerifiedSnpReport(report, product, ext, vekFingerprint);
    }

    /** The product named by a v3+ report's CPUID bytes; empty for v2 and all-zero CPUID. */
    static Optional<AmdProduct> productFromCpuid(SnpReport report) {
        return report.cpuid().filter(c -> !c.isZero()).flatMap(SnpProducts::fromCpuid);
    }

    private static AmdProduct product(SnpReport report, VekExtensions ext) throws VerificationException {
        Optional<AmdProduct> fromVek = SnpProducts.fromVekProductName(ext.productName());
        if (fromVek.isEmpty()) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, "vek.product_name",
                    "Milan, Genoa or Turin", ext.productName());
        }
        if (report.cpuid().isPresent() && !report.cpuid().get().isZero()) {
            Optional<AmdProduct> fromCpuid = SnpProducts.fromCpuid(report.cpuid().get());
            if (fromCpuid.isEmpty()) {
                throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, "report.cpuid",
                        "an EPYC Milan, Genoa or Turin CPUID", report.cpuid().get().toString());
            }
            if (fromCpuid.get() != fromVek.get()) {
                throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, "vek.product_name",
                        SnpProducts.displayName(fromCpuid.get()) + " (report CPUID)", ext.productName());
            }
        }
        return fromVek.get();
    }

    /** A VCEK names a chip (hwID) and no CSP; a VLEK names no chip. */
    private static void checkKindExtensions(SnpSigningKey kind, VekExtensions ext) throws VerificationException {
        if (kind == SnpSigningKey.VCEK) {
            if (ext.hwIdHex().isEmpty()) {
                throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, "vek.hw_id", "vek: a VCEK without hwID");
            }
            if (ext.cspId().isPresent()) {
                throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, "vek.csp_id", "vek: a VCEK with cspID");
            }
        } else if (ext.hwIdHex().isPresent()) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, "vek.hw_id", "vek: a VLEK with hwID");
        }
    }

    /**
     * Equality, not "at least" (go-sev-guest {@code validateTcb}): the VEK is issued for exactly
     * REPORTED_TCB. The whole 64-bit value is compared with the one the SPLs encode, so reserved
     * bytes must be zero too.
     */
    private static void checkTcbBinding(AmdProduct product, SnpTcbVersion reported, VekExtensions ext)
            throws VerificationException {
        int fmc = 0;
        if (product == AmdProduct.TURIN) {
            fmc = ext.fmcSpl().orElseThrow(() -> new VerificationException(ReasonCode.CERT_CHAIN_INVALID,
                    "vek.fmc_spl", "vek: a Turin VEK without fmcSPL"));
            mustEqual("reported_tcb.fmc", ext.fmcSpl().get(), reported.fmc().orElseThrow());
        }
        mustEqual("reported_tcb.bootloader", ext.bootloaderSpl(), reported.bootloader());
        mustEqual("reported_tcb.tee", ext.teeSpl(), reported.tee());
        mustEqual("reported_tcb.snp", ext.snpSpl(), reported.snp());
        mustEqual("reported_tcb.microcode", ext.microcodeSpl(), reported.microcode());
        long expected = SnpTcbVersion.encode(product, fmc, ext.bootloaderSpl(), ext.teeSpl(), ext.snpSpl(),
                ext.microcodeSpl());
        if (expected != reported.raw()) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "reported_tcb.reserved",
                    String.format("%016x", expected), reported.rawHex());
        }
    }

    private static void mustEqual(String field, int vekValue, int reportValue) throws VerificationException {
        if (vekValue != reportValue) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, field,
                    vekValue + " (VEK)", reportValue + " (report)");
        }
    }

    /**
     * hwID == CHIP_ID on Milan and Genoa; on Turin the 8-byte hwID == CHIP_ID[0:8] and
     * CHIP_ID[8:64] is zero. A masked (all-zero) CHIP_ID cannot bind a VCEK and fails.
     */
    private static void checkChipBinding(AmdProduct product, SnpReport report, VekExtensions ext)
            throws VerificationException {
        String hwId = ext.hwIdHex().orElseThrow();
        int hwIdBytes = product == AmdProduct.TURIN ? 8 : 64;
        if (hwId.length() != 2 * hwIdBytes) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, "vek.hw_id",
                    hwIdBytes + " bytes for " + SnpProducts.displayName(product), hwId.length() / 2 + " bytes");
        }
        String chipId = report.chipIdHex();
        if (report.chipIdMasked()) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "report.chip_id",
                    hwId + " (VCEK hwID)", "masked (all zero)");
        }
        String expected = product == AmdProduct.TURIN ? hwId + "0".repeat(2 * (64 - 8)) : hwId;
        if (!expected.equals(chipId)) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "report.chip_id", expected, chipId);
        }
    }

    @FunctionalInterface
    private interface Loader<V> {
        V load() throws VerificationException;
    }

    private static <V> V cached(Cache<String, V> cache, String key, Loader<V> loader) throws VerificationException {
        V v = cache.getIfPresent(key);
        if (v == null) {
            v = loader.load();
            cache.put(key, v);
        }
        return v;
    }

    private String fingerprint(X509Certificate cert) {
        return fingerprints.get(cert, Certificates::fingerprint);
    }

    private static String crlFingerprint(X509CRL crl) throws VerificationException {
        try {
            return Hex.encode(Digests.sha256(crl.getEncoded()));
        } catch (CRLException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "crl", "crl: cannot encode", e);
        }
    }

    /** Number of cached chain validations (for tests and metrics). */
    public int cachedChainCount() {
        validatedChains.cleanUp();
        return (int) validatedChains.estimatedSize();
    }
}

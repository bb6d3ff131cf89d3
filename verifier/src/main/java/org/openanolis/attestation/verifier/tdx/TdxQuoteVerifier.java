package org.openanolis.attestation.verifier.tdx;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.CertificationData;
import org.openanolis.attestation.parsers.tdx.EnclaveReport;
import org.openanolis.attestation.parsers.tdx.QeIdentity;
import org.openanolis.attestation.parsers.tdx.Quote;
import org.openanolis.attestation.parsers.tdx.QuoteParser;
import org.openanolis.attestation.parsers.tdx.QuoteSignatureData;
import org.openanolis.attestation.parsers.tdx.TcbInfo;
import org.openanolis.attestation.parsers.tdx.TdReport;
import org.openanolis.attestation.parsers.tdx.TdxModuleIdentity;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.tdx.IntelCollateralVerifier.PckChain;
import org.openanolis.attestation.verifier.tdx.IntelCollateralVerifier.Root;
import org.openanolis.attestation.verifier.tdx.IntelCollateralVerifier.VerifiedCrl;
import org.openanolis.attestation.verifier.tdx.IntelCollateralVerifier.VerifiedJson;
import org.openanolis.attestation.verifier.tdx.IntelCollateralVerifier.VerifiedPckChain;
import org.openanolis.attestation.verifier.tdx.IntelCollateralVerifier.VerifiedSigner;

/**
 * Verifies Intel DCAP quotes (SGX v3/v5, TDX v4/v5) against Intel collateral, independent of where
 * the quote and collateral come from. It follows Intel QVL {@code QuoteVerifier::verify}
 * ({@code tdx-verification.md}): quote parse and header; root CA CRL; PCK CRL (issuer chain,
 * signature, window, issuer == PCK issuer); PCK chain to the pinned Intel SGX Root CA with revocation;
 * TCB info and QE identity (window, TCB signing chain, signature over the exact JSON bytes);
 * applicability (id, version, FMSPC, PCE ID); TDX module identity; QE report signature (PCK key);
 * QE report data == SHA-256(attestation key || QE auth data); QE identity match; quote signature
 * (attestation key); TCB level matching and status convergence.
 *
 * <p>TCB status is reported, not judged: every status but {@code Revoked} verifies, and policy
 * decides later. Every instant is judged against the context's clock; anything outside its window
 * is {@code EXPIRED}. Advisory ids are the union of the matched platform level's, the TDX module
 * level's and the QE level's, de-duplicated, in that order.
 *
 * <p>Verified collateral (CRLs, issuer chains, TCB info, QE identity, PCK chains and their key
 * objects) is cached by content digest, so a repeated quote costs parsing, hashing and the two
 * quote-path ECDSA verifications (QE report and quote). Validity windows and revocation are
 * re-checked against the clock on every call. Thread-safe.
 */
public final class TdxQuoteVerifier {
    private static final int DEFAULT_CACHE_ENTRIES = 4096;
    private static final int MAX_ATTESTATION_KEYS = 4096;

    private final IntelCollateralVerifier collateral;
    /** Decoded attestation keys, one per platform's QE: bounded, evicts single entries when full (issue #9). */
    private final Cache<String, ECPublicKeyParameters> attestationKeys =
            Caffeine.newBuilder().maximumSize(MAX_ATTESTATION_KEYS).executor(Runnable::run).build();

    /** A verifier with its own collateral cache (4096 entries). */
    public TdxQuoteVerifier() {
        this(DEFAULT_CACHE_ENTRIES);
    }

    /** A verifier whose collateral cache holds at most {@code maxCacheEntries} verified items. */
    public TdxQuoteVerifier(int maxCacheEntries) {
        this.collateral = new IntelCollateralVerifier(maxCacheEntries);
    }

    /** Number of verified collateral items currently cached (for tests and metrics). */
    public int cachedCollateralItems() {
        return collateral.cache().size();
    }

    /**
     * Parses {@code quote}, asks {@code source} for the collateral its TEE, FMSPC and PCK CA need,
     * and verifies. {@code expectedTee} (may be null) makes a quote of another TEE malformed evidence.
     */
    public VerifiedEvidence verify(byte[] quote, TeeType expectedTee, TdxCollateralSource source, VerificationContext ctx)
            throws VerificationException {
        Quote q = parse(quote, expectedTee);
        PckChainInput chainInput = pckChainInput(q, null);
        if (chainInput == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, TdxCollateral.PCK_CHAIN,
                    "the quote carries no PCK certificate chain (certification data type "
                            + q.signatureData().certificationData().type() + ") and a collateral source cannot supply one");
        }
        PckChain chain = collateral.pckChainStructure(chainInput.pem, chainInput.digest);
        TdxCollateral c = source.collateralFor(
                new TdxCollateralRequest(q.teeType(), chain.extensions().fmspcHex(), chain.pckCa()));
        return verifyParsed(q, chain, c, ctx);
    }

    /** Verifies {@code quote} against {@code collateral}; {@code expectedTee} may be null. */
    public VerifiedEvidence verify(byte[] quote, TeeType expectedTee, TdxCollateral collateral, VerificationContext ctx)
            throws VerificationException {
        Quote q = parse(quote, expectedTee);
        PckChainInput chainInput = pckChainInput(q, collateral);
        if (chainInput == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, TdxCollateral.PCK_CHAIN,
                    "the quote carries no PCK certificate chain (certification data type "
                            + q.signatureData().certificationData().type() + ") and the collateral has no pck_chain");
        }
        PckChain chain = this.collateral.pckChainStructure(chainInput.pem, chainInput.digest);
        return verifyParsed(q, chain, collateral, ctx);
    }

    /** Verifies {@code quote} (any TEE) against {@code collateral}. */
    public VerifiedEvidence verify(byte[] quote, TdxCollateral collateral, VerificationContext ctx)
            throws VerificationException {
        return verify(quote, null, collateral, ctx);
    }

    private static Quote parse(byte[] quote, TeeType expectedTee) throws VerificationException {
        Quote q = QuoteParser.parse(quote);
        if (expectedTee != null && q.teeType() != expectedTee) {
            throw VerificationException.malformed("quote.header.tee_type", 4,
                    "quote is " + q.teeType() + ", expected " + expectedTee);
        }
        return q;
    }

    private record PckChainInput(byte[] pem, String digest) {}

    /** The PCK chain from certification data type 5, else from the collateral, else null. */
    private static PckChainInput pckChainInput(Quote q, TdxCollateral c) throws VerificationException {
        CertificationData cd = q.signatureData().certificationData();
        if (cd.type() == CertificationData.PCK_CERT_CHAIN) {
            byte[] pem = cd.data();
            return new PckChainInput(pem, IntelCollateralVerifier.digest(pem));
        }
        if (c != null && c.pckChain.present()) {
            return new PckChainInput(c.pckChain.require(), c.pckChain.digest());
        }
        return null;
    }

    private VerifiedEvidence verifyParsed(Quote q, PckChain chain, TdxCollateral c, VerificationContext ctx)
            throws VerificationException {
        // One instant for every check of this verification, even with a ticking clock.
        Clock clock = Clock.fixed(ctx.clock().instant(), ZoneOffset.UTC);
        TeeType tee = q.teeType();

        // Pinned root (section 2.1).
        X509Certificate pinned = ctx.trustAnchors().intelSgxRoot();
        Root root = collateral.root(pinned);
        root.checkTime(clock);

        // Root CA CRL.
        VerifiedCrl rootCrl = collateral.rootCrl(c.rootCaCrl, root);
        rootCrl.checkTime(clock);
        rootCrl.checkNotRevoked(root.cert(), "intel_sgx_root_ca");

        // PCK CRL: issuer chain, signature, window, issuer == PCK issuer (sections 2.2, 4 step 3).
        VerifiedSigner pckCrlIssuer = collateral.pckCrlIssuer(c.pckCrlIssuerChain, root);
        pckCrlIssuer.checkTime(clock);
        rootCrl.checkNotRevoked(pckCrlIssuer.signer(), TdxCollateral.PCK_CRL_ISSUER_CHAIN + ".signer");
        VerifiedCrl pckCrl = collateral.pckCrl(c.pckCrl, pckCrlIssuer);
        pckCrl.checkTime(clock);
        if (!pckCrl.issuer().equals(chain.leaf().getIssuerX500Principal())) {
            throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, TdxCollateral.PCK_CRL + ".issuer",
                    chain.leaf().getIssuerX500Principal().getName(), pckCrl.issuer().getName());
        }

        // PCK chain to the pinned root, windows, revocation.
        VerifiedPckChain pck = collateral.pckChain(chain, root);
        pck.checkTime(clock);
        rootCrl.checkNotRevoked(pck.ca(), "pck_chain.pck_ca");
        pckCrl.checkNotRevoked(pck.leaf(), "pck_chain.pck_certificate");

        // TCB info and QE identity: signing chain, window, signature (sections 2.3, 2.4).
        VerifiedSigner tcbSigner = collateral.tcbSigner(c.tcbInfoIssuerChain, root, TdxCollateral.TCB_INFO_ISSUER_CHAIN);
        tcbSigner.checkTime(clock);
        rootCrl.checkNotRevoked(tcbSigner.signer(), TdxCollateral.TCB_INFO_ISSUER_CHAIN + ".signer");
        VerifiedJson<TcbInfo> tcbInfoV = collateral.tcbInfo(c.tcbInfo, tcbSigner, clock);
        tcbInfoV.checkTime(clock);
        VerifiedSigner qeSigner = collateral.tcbSigner(c.qeIdentityIssuerChain, root, TdxCollateral.QE_IDENTITY_ISSUER_CHAIN);
        qeSigner.checkTime(clock);
        rootCrl.checkNotRevoked(qeSigner.signer(), TdxCollateral.QE_IDENTITY_ISSUER_CHAIN + ".signer");
        VerifiedJson<QeIdentity> qeIdentityV = collateral.qeIdentity(c.qeIdentity, qeSigner, clock);
        qeIdentityV.checkTime(clock);
        TcbInfo tcbInfo = tcbInfoV.value();
        QeIdentity qeIdentity = qeIdentityV.value();

        // Applicability (step 4, 5, 10).
        String expectedId = tee == TeeType.TDX ? TcbInfo.ID_TDX : TcbInfo.ID_SGX;
        if (!expectedId.equals(tcbInfo.id())) {
            throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, "tcb_info.id", expectedId, tcbInfo.id());
        }
        String fmspc = pck.extensions().fmspcHex();
        if (!fmspc.equals(tcbInfo.fmspcHex())) {
            throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, "tcb_info.fmspc", fmspc, tcbInfo.fmspcHex());
        }
        if (!pck.extensions().pceIdHex().equals(tcbInfo.pceIdHex())) {
            throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, "tcb_info.pceId",
                    pck.extensions().pceIdHex(), tcbInfo.pceIdHex());
        }
        String expectedQeId = tee == TeeType.TDX ? QeIdentity.ID_TD_QE : QeIdentity.ID_QE;
        if (!expectedQeId.equals(qeIdentity.id())) {
            throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, "qe_identity.id", expectedQeId, qeIdentity.id());
        }

        TdReport td = q.tdReport().orElse(null);
        // TDX module identity (step 7).
        if (td != null) {
            checkTdxModule(tcbInfo, td);
        }

        QuoteSignatureData sig = q.signatureData();
        EnclaveReport qeReport = sig.qeReport();
        byte[] qeReportRaw = qeReport.raw();
        // QE report signature by the PCK key (step 8).
        Ecdsa.verifyDigest(pck.leafKey(), Digests.sha256(qeReportRaw), sig.qeReportSignature(),
                "quote.signature_data.qe_report_signature");
        // QE report data binds the attestation key (step 9).
        byte[] ak = sig.attestationKey();
        byte[] expectedReportData = Digests.sha256(ak, sig.qeAuthData());
        byte[] reportData = qeReport.reportData();
        if (!MessageDigest.isEqual(expectedReportData, Arrays.copyOf(reportData, 32))) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "quote.signature_data.qe_report.report_data",
                    Hex.encode(expectedReportData), Hex.encode(reportData, 0, 32));
        }
        // QE report against the QE identity (step 11).
        checkQeIdentity(qeIdentity, qeReport);
        // Quote signature by the attestation key (step 12).
        Ecdsa.verifyDigest(attestationKey(ak), Digests.sha256(q.signedRegion()), sig.quoteSignature(),
                "quote.signature_data.quote_signature");

        // TCB level matching and convergence (step 13).
        TcbEvaluation tcb = TcbEvaluator.evaluate(tcbInfo, pck.extensions(), td, q.bodyType(), qeIdentity,
                qeReport.isvSvn());
        CollateralWindow window = new CollateralWindow()
                .add(root.cert()).add(rootCrl.thisUpdate(), rootCrl.nextUpdate())
                .add(pckCrlIssuer.signer()).add(pckCrl.thisUpdate(), pckCrl.nextUpdate())
                .add(pck.ca()).add(pck.leaf())
                .add(tcbSigner.signer()).add(tcbInfo.issueDate(), tcbInfo.nextUpdate())
                .add(qeSigner.signer()).add(qeIdentity.issueDate(), qeIdentity.nextUpdate());
        return new VerifiedEvidence(tee.claimName(), tcb.status().jsonName(), tcb.advisoryIds(),
                claims(q, pck, tcb, window));
    }

    private ECPublicKeyParameters attestationKey(byte[] raw) throws VerificationException {
        String key = Hex.encode(raw);
        ECPublicKeyParameters k = attestationKeys.getIfPresent(key);
        if (k == null) {
            k = Ecdsa.rawKey(Ecdsa.P256, raw, ReasonCode.SIGNATURE_INVALID, "quote.signature_data.attestation_key");
            attestationKeys.put(key, k);
        }
        return k;
    }

    /**
     * QVL step 4.1.2.4.11: MRSIGNERSEAM and SEAMATTRIBUTES against {@code tdxModule}, or against
     * {@code tdxModuleIdentities[TDX_xx]} when TEE_TCB_SVN[1] (the module major version) is not 0.
     */
    private static void checkTdxModule(TcbInfo tcbInfo, TdReport td) throws VerificationException {
        TdxModuleIdentity expected = tcbInfo.tdxModule();
        int major = td.teeTcbSvn(1);
        if (major > 0) {
            if (tcbInfo.tdxModuleIdentities() == null) {
                throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "tcb_info.tdxModuleIdentities",
                        "TEE_TCB_SVN[1] > 0 but the TCB info has no tdxModuleIdentities");
            }
            String id = TcbEvaluator.moduleId(major);
            expected = tcbInfo.moduleIdentity(id).orElseThrow(() -> VerificationException.mismatch(
                    ReasonCode.BINDING_MISMATCH, "tcb_info.tdxModuleIdentities", id, "absent"));
        }
        byte[] mrSignerSeam = td.mrSignerSeam();
        if (!Arrays.equals(mrSignerSeam, expected.mrSigner())) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "quote.td_report.mr_signer_seam",
                    expected.mrSignerHex(), Hex.encode(mrSignerSeam));
        }
        byte[] seam = td.seamAttributes();
        byte[] want = expected.attributes();
        for (int i = 0; i < seam.length; i++) {
            if (seam[i] != 0 || seam[i] != want[i]) {
                throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "quote.td_report.seam_attributes",
                        expected.attributesHex(), Hex.encode(seam));
            }
        }
    }

    /** QVL {@code EnclaveReportVerifier::verify}: MISCSELECT, ATTRIBUTES (masked), MRSIGNER, ISVPRODID. */
    private static void checkQeIdentity(QeIdentity id, EnclaveReport qe) throws VerificationException {
        if (!maskedEquals(qe.miscSelect(), id.miscSelectMask(), id.miscSelect())) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "quote.qe_report.miscselect",
                    id.miscSelectHex() + " under mask " + id.miscSelectMaskHex(), Hex.encode(qe.miscSelect()));
        }
        if (!maskedEquals(qe.attributes(), id.attributesMask(), id.attributes())) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "quote.qe_report.attributes",
                    id.attributesHex() + " under mask " + id.attributesMaskHex(), Hex.encode(qe.attributes()));
        }
        if (!Arrays.equals(qe.mrSigner(), id.mrSigner())) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "quote.qe_report.mr_signer",
                    id.mrSignerHex(), Hex.encode(qe.mrSigner()));
        }
        if (qe.isvProdId() != id.isvProdId()) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "quote.qe_report.isv_prod_id",
                    String.valueOf(id.isvProdId()), String.valueOf(qe.isvProdId()));
        }
    }

    private static boolean maskedEquals(byte[] value, byte[] mask, byte[] expected) {
        for (int i = 0; i < value.length; i++) {
            if ((value[i] & mask[i]) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** The intersection of every validity window the verdict relied on (QvE's earliest expiration date). */
    private static final class CollateralWindow {
        private Instant from = Instant.MIN;
        private Instant until = Instant.MAX;

        CollateralWindow add(Instant notBefore, Instant notAfter) {
            from = notBefore.isAfter(from) ? notBefore : from;
            until = notAfter.isBefore(until) ? notAfter : until;
            return this;
        }

        CollateralWindow add(X509Certificate c) {
            return add(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
        }
    }

    private static Map<String, Object> claims(Quote q, VerifiedPckChain pck, TcbEvaluation tcb, CollateralWindow window) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tee", q.teeType().claimName());
        m.put("quote_version", q.version());
        m.put("tee_type", String.format("%08x", q.teeType().code()));
        m.put("fmspc", pck.extensions().fmspcHex());
        m.put("pce_id", pck.extensions().pceIdHex());
        m.put("tcb_status", tcb.status().jsonName());
        m.put("advisory_ids", List.copyOf(tcb.advisoryIds()));
        m.put("tcb_date", tcb.tcbDate().toString());
        m.put("qe_status", tcb.qeStatus().jsonName());
        if (q.tdReport().isPresent()) {
            TdReport td = q.tdReport().get();
            m.put("module_status", tcb.moduleStatus().jsonName());
            m.put("mr_td", Hex.encode(td.mrTd()));
            m.put("mr_config_id", Hex.encode(td.mrConfigId()));
            m.put("mr_owner", Hex.encode(td.mrOwner()));
            m.put("mr_owner_config", Hex.encode(td.mrOwnerConfig()));
            for (int i = 0; i < 4; i++) {
                m.put("rtmr" + i, Hex.encode(td.rtmr(i)));
            }
            m.put("mr_seam", Hex.encode(td.mrSeam()));
            m.put("mr_signer_seam", Hex.encode(td.mrSignerSeam()));
            m.put("seam_attributes", Hex.encode(td.seamAttributes()));
            m.put("td_attributes", Hex.encode(td.tdAttributes()));
            m.put("tee_tcb_svn", Hex.encode(td.teeTcbSvn()));
            if (td.isVersion15()) {
                m.put("tee_tcb_svn2", Hex.encode(td.teeTcbSvn2()));
                m.put("mr_service_td", Hex.encode(td.mrServiceTd()));
            }
            m.put("xfam", Hex.encode(td.xfam()));
            m.put("report_data", Hex.encode(td.reportData()));
            m.put("debug", td.debug());
            m.put("sept_ve_disable", td.septVeDisable());
            m.put("measurement", Hex.encode(td.mrTd()));
        } else {
            EnclaveReport e = q.enclaveReport().orElseThrow();
            m.put("mr_enclave", Hex.encode(e.mrEnclave()));
            m.put("mr_signer", Hex.encode(e.mrSigner()));
            m.put("isv_prod_id", e.isvProdId());
            m.put("isv_svn", e.isvSvn());
            m.put("attributes", Hex.encode(e.attributes()));
            m.put("debug", e.debug());
            m.put("report_data", Hex.encode(e.reportData()));
            m.put("measurement", Hex.encode(e.mrEnclave()));
        }
        m.put("collateral_valid_from", window.from.toString());
        m.put("collateral_valid_until", window.until.toString());
        return m;
    }
}

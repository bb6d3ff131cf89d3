package org.openanolis.attestation.verifier.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.TestPki;
import org.openanolis.attestation.simulator.tdx.DcapQuoteBuilder;
import org.openanolis.attestation.simulator.tdx.IntelTestPki;
import org.openanolis.attestation.simulator.tdx.QeIdentityDocument;
import org.openanolis.attestation.simulator.tdx.SimulatedIntelPlatform;
import org.openanolis.attestation.simulator.tdx.TcbInfoDocument;
import org.openanolis.attestation.simulator.tdx.TcbInfoDocument.IsvLevel;
import org.openanolis.attestation.simulator.tdx.TcbInfoDocument.Level;
import org.openanolis.attestation.simulator.tdx.TcbInfoDocument.ModuleIdentity;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * Cases real data lacks, signed by a generated Intel-like PKI ({@link IntelTestPki}) pinned through
 * a trust-anchor directory: revoked PCK / PCK CA / TCB signer, Revoked TCB levels, TDX module
 * identities, TD 1.5 relaunch, QE identity mismatches and QE levels, CRL windows and issuers,
 * chain shapes, look-alike roots, malformed-but-signed collateral.
 */
class TdxGeneratedPkiTest {
    static final Instant AT = Instant.parse("2026-01-15T00:00:00Z");
    static final Instant ISSUE = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NEXT = Instant.parse("2026-02-01T00:00:00Z");
    static final Instant DATE = Instant.parse("2024-03-13T00:00:00Z");
    static final int[] SGX = SimulatedIntelPlatform.DEFAULT_SGX_TCB;
    static final int PCESVN = SimulatedIntelPlatform.DEFAULT_PCESVN;
    static final int[] TDX = {5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static final String ZERO48 = "00".repeat(48);

    @TempDir
    static Path anchorsDir;
    static IntelTestPki pki;
    static SimulatedIntelPlatform host;
    static SimulatedIntelPlatform sgxHost;
    static TrustAnchors anchors;

    @BeforeAll
    static void pki() throws Exception {
        pki = IntelTestPki.create(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        host = SimulatedIntelPlatform.tdx(pki, "aabbcc000000");
        sgxHost = SimulatedIntelPlatform.sgx(pki, "ddeeff000000");
        Path intel = anchorsDir.resolve("intel");
        Files.createDirectories(intel);
        Files.write(intel.resolve("Intel_SGX_Provisioning_Certification_RootCA.pem"),
                IntelTestPki.pem(pki.root().certificate()));
        anchors = TrustAnchors.fromDirectory(anchorsDir);
    }

    static byte[] svn(int... first) {
        byte[] b = new byte[16];
        for (int i = 0; i < first.length; i++) {
            b[i] = (byte) first[i];
        }
        return b;
    }

    static int[] comps(int... first) {
        int[] c = new int[16];
        System.arraycopy(first, 0, c, 0, first.length);
        return c;
    }

    static TcbInfoDocument tcb() {
        return host.tcbInfo(ISSUE, NEXT, TDX);
    }

    static TcbInfoDocument emptyTcb() {
        return new TcbInfoDocument(true, host.fmspcHex(), ISSUE, NEXT);
    }

    static Level level(int[] tdx, String status, String... advisories) {
        return new Level(SGX, PCESVN, tdx, DATE, status, List.of(advisories));
    }

    static QeIdentityDocument qe() {
        return host.qeIdentity(ISSUE, NEXT);
    }

    static DcapQuoteBuilder quote() {
        return host.quote().teeTcbSvn(svn(5, 0, 7));
    }

    static Map<String, byte[]> collateral(TcbInfoDocument t, QeIdentityDocument q) {
        return host.collateral(t, q, ISSUE, NEXT, List.of());
    }

    static VerifiedEvidence verify(byte[] q, Map<String, byte[]> c) throws VerificationException {
        return new TdxQuoteVerifier().verify(q, RealVector.collateral(c),
                new VerificationContext(Clock.fixed(AT, ZoneOffset.UTC), anchors));
    }

    static VerificationException fails(ReasonCode code, byte[] q, Map<String, byte[]> c) {
        VerificationException e = assertThrows(VerificationException.class, () -> verify(q, c));
        assertEquals(code, e.code(), () -> e.field() + ": " + e.getMessage());
        return e;
    }

    static String status(byte[] q, Map<String, byte[]> c) throws VerificationException {
        return verify(q, c).tcbStatus();
    }

    // ------------------------------------------------------------------ baselines

    @Test
    void everyQuoteShapeVerifies() throws Exception {
        assertEquals("UpToDate", status(quote().build(), collateral(tcb(), qe())));
        assertEquals("UpToDate", status(host.preset(DcapQuoteBuilder.tdxV5(false)).teeTcbSvn(svn(5, 0, 7)).build(),
                collateral(tcb(), qe())));
        assertEquals("UpToDate", status(host.preset(DcapQuoteBuilder.tdxV5(true)).teeTcbSvn(svn(5, 0, 7)).build(),
                collateral(tcb(), qe())));
        Map<String, byte[]> sgxCollateral = sgxHost.collateral(sgxHost.tcbInfo(ISSUE, NEXT, null),
                sgxHost.qeIdentity(ISSUE, NEXT), ISSUE, NEXT, List.of());
        VerifiedEvidence v3 = verify(sgxHost.quote().build(), sgxCollateral);
        assertEquals("sgx", v3.tee());
        assertEquals("UpToDate", status(sgxHost.preset(DcapQuoteBuilder.sgxV5()).build(), sgxCollateral));
        // Trailing zero padding, QE auth data of another length, and a chain supplied as collateral.
        assertEquals("UpToDate", status(quote().trailingZeros(70).qeAuthData(new byte[48]).build(), collateral(tcb(), qe())));
        Map<String, byte[]> withChain = collateral(tcb(), qe());
        withChain.put(TdxCollateral.PCK_CHAIN, host.pckChainPem());
        assertEquals("UpToDate", status(quote().certification(3, new byte[] {1, 2, 3}).build(), withChain));
    }

    @Test
    void tcbLevelsAreMatchedInQvlOrderNotJsonOrder() throws Exception {
        TcbInfoDocument t = emptyTcb()
                .level(level(comps(1, 0, 1), "OutOfDate", "INTEL-SA-00001"))
                .level(level(comps(9, 0, 9), "UpToDate"))
                .level(level(TDX, "SWHardeningNeeded", "INTEL-SA-00002"));
        VerifiedEvidence e = verify(quote().build(), collateral(t, qe()));
        assertEquals("SWHardeningNeeded", e.tcbStatus());
        assertEquals(List.of("INTEL-SA-00002"), e.advisoryIds());
    }

    @Test
    void pckBelowEveryLevelIsNotSupported() {
        TcbInfoDocument t = emptyTcb().level(new Level(comps(9, 9, 9), PCESVN, TDX, DATE, "UpToDate", List.of()));
        fails(ReasonCode.TCB_NOT_SUPPORTED, quote().build(), collateral(t, qe()));
        TcbInfoDocument pce = emptyTcb().level(new Level(SGX, PCESVN + 1, TDX, DATE, "UpToDate", List.of()));
        fails(ReasonCode.TCB_NOT_SUPPORTED, quote().build(), collateral(pce, qe()));
        fails(ReasonCode.TCB_NOT_SUPPORTED, quote().teeTcbSvn(svn(4, 0, 7)).build(), collateral(tcb(), qe()));
    }

    @Test
    void revokedTcbLevelFails() {
        TcbInfoDocument t = emptyTcb().level(level(TDX, "Revoked", "INTEL-SA-00999"));
        fails(ReasonCode.TCB_REVOKED, quote().build(), collateral(t, qe()));
    }

    // ------------------------------------------------------------------ TDX module identities

    static ModuleIdentity tdx01(String upToDateStatus, String olderStatus, String... advisories) {
        return new ModuleIdentity("TDX_01", ZERO48, "0000000000000000", "FFFFFFFFFFFFFFFF", List.of(
                new IsvLevel(4, DATE, upToDateStatus, List.of()),
                new IsvLevel(2, Instant.parse("2023-08-09T00:00:00Z"), olderStatus, List.of(advisories))));
    }

    @Test
    void moduleOutOfDatePurelyViaModuleIdentity() throws Exception {
        TcbInfoDocument t = tcb().moduleIdentity(tdx01("UpToDate", "OutOfDate", "INTEL-SA-00960"));
        // TEE_TCB_SVN = 03 01 07: major 1 -> TDX_01, minor 3 -> the isvsvn-2 level; bytes 0..1 skipped in matching.
        VerifiedEvidence e = verify(quote().teeTcbSvn(svn(3, 1, 7)).build(), collateral(t, qe()));
        assertEquals("OutOfDate", e.tcbStatus());
        assertEquals("OutOfDate", e.claims().get("module_status"));
        assertEquals("2024-03-13T00:00:00Z", e.claims().get("tcb_date"));
        assertEquals(List.of("INTEL-SA-00960"), e.advisoryIds());
        assertEquals("UpToDate", status(quote().teeTcbSvn(svn(4, 1, 7)).build(), collateral(t, qe())));
        // Platform ConfigurationNeeded + module OutOfDate -> OutOfDateConfigurationNeeded.
        TcbInfoDocument cfg = emptyTcb().level(level(TDX, "ConfigurationNeeded"))
                .moduleIdentity(tdx01("UpToDate", "OutOfDate"));
        assertEquals("OutOfDateConfigurationNeeded", status(quote().teeTcbSvn(svn(3, 1, 7)).build(), collateral(cfg, qe())));
    }

    @Test
    void moduleLevelsThatDoNotApply() {
        TcbInfoDocument revoked = tcb().moduleIdentity(tdx01("UpToDate", "Revoked"));
        fails(ReasonCode.TCB_REVOKED, quote().teeTcbSvn(svn(3, 1, 7)).build(), collateral(revoked, qe()));
        TcbInfoDocument t = tcb().moduleIdentity(tdx01("UpToDate", "OutOfDate"));
        fails(ReasonCode.TCB_NOT_SUPPORTED, quote().teeTcbSvn(svn(1, 1, 7)).build(), collateral(t, qe()));
        VerificationException missing = fails(ReasonCode.BINDING_MISMATCH, quote().teeTcbSvn(svn(4, 2, 7)).build(),
                collateral(t, qe()));
        assertEquals("tcb_info.tdxModuleIdentities", missing.field());
        fails(ReasonCode.COLLATERAL_INVALID, quote().teeTcbSvn(svn(4, 1, 7)).build(), collateral(tcb(), qe()));
    }

    @Test
    void moduleSignerAndAttributes() {
        byte[] signer = new byte[48];
        signer[0] = 1;
        fails(ReasonCode.BINDING_MISMATCH, quote().mrSignerSeam(signer).build(), collateral(tcb(), qe()));
        fails(ReasonCode.BINDING_MISMATCH, quote().seamAttributes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}).build(),
                collateral(tcb(), qe()));
        TcbInfoDocument otherSigner = tcb().tdxModule("01" + "00".repeat(47), "0000000000000000", "FFFFFFFFFFFFFFFF");
        fails(ReasonCode.BINDING_MISMATCH, quote().build(), collateral(otherSigner, qe()));
    }

    // ------------------------------------------------------------------ TD 1.5 relaunch

    static DcapQuoteBuilder td15() {
        return host.preset(DcapQuoteBuilder.tdxV5(true)).teeTcbSvn(svn(3, 1, 7));
    }

    @Test
    void td15RelaunchAdvice() throws Exception {
        TcbInfoDocument t = tcb().moduleIdentity(tdx01("UpToDate", "OutOfDate"));
        assertEquals("TDRelaunchAdvised", status(td15().teeTcbSvn2(svn(4, 1, 7)).build(), collateral(t, qe())));
        // The module loaded for a relaunch is not newer than the latest level: no advice.
        assertEquals("OutOfDate", status(td15().teeTcbSvn2(svn(3, 1, 7)).build(), collateral(t, qe())));
        // Major version 0 in TEE_TCB_SVN2 compares byte 0 with the latest platform level.
        assertEquals("TDRelaunchAdvised", status(td15().teeTcbSvn2(svn(5, 0, 7)).build(), collateral(t, qe())));
        TcbInfoDocument cfg = emptyTcb().level(level(TDX, "ConfigurationNeeded"))
                .moduleIdentity(tdx01("UpToDate", "OutOfDate"));
        assertEquals("TDRelaunchAdvisedConfigurationNeeded",
                status(td15().teeTcbSvn2(svn(4, 1, 7)).build(), collateral(cfg, qe())));
        // TEE_TCB_SVN2 naming a module the TCB info does not list: QVL's STATUS_TDX_MODULE_MISMATCH.
        fails(ReasonCode.BINDING_MISMATCH, td15().teeTcbSvn2(svn(4, 3, 7)).build(), collateral(t, qe()));
        // Only TD report 1.5 carries TEE_TCB_SVN2: v4 gets no advice.
        assertEquals("OutOfDate", status(quote().teeTcbSvn(svn(3, 1, 7)).build(), collateral(t, qe())));
        // A QE that is not UpToDate blocks the advice.
        QeIdentityDocument oldQe = new QeIdentityDocument(true, ISSUE, NEXT)
                .level(new IsvLevel(10, DATE, "UpToDate", List.of())).level(new IsvLevel(6, DATE, "OutOfDate", List.of()));
        assertEquals("OutOfDate", status(td15().teeTcbSvn2(svn(4, 1, 7)).build(), collateral(t, oldQe)));
    }

    // ------------------------------------------------------------------ QE identity

    @Test
    void qeIdentityMismatches() {
        fails(ReasonCode.BINDING_MISMATCH, quote().build(), collateral(tcb(), qe().mrSigner("00".repeat(32))));
        fails(ReasonCode.BINDING_MISMATCH, quote().build(), collateral(tcb(), qe().isvProdId(3)));
        fails(ReasonCode.BINDING_MISMATCH, quote().qeMiscSelect(new byte[] {1, 0, 0, 0}).build(), collateral(tcb(), qe()));
        byte[] debugQe = new byte[16];
        debugQe[0] = 0x13;
        fails(ReasonCode.BINDING_MISMATCH, quote().qeAttributes(debugQe).build(), collateral(tcb(), qe()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), collateral(tcb(), qe().id("QE")));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), collateral(tcb(), qe().version(3)));
    }

    @Test
    void qeLevels() throws Exception {
        QeIdentityDocument oldQe = new QeIdentityDocument(true, ISSUE, NEXT)
                .level(new IsvLevel(10, DATE, "UpToDate", List.of()))
                .level(new IsvLevel(6, DATE, "OutOfDate", List.of("INTEL-SA-00615")));
        VerifiedEvidence e = verify(quote().build(), collateral(tcb(), oldQe));
        assertEquals("OutOfDate", e.tcbStatus());
        assertEquals("OutOfDate", e.claims().get("qe_status"));
        assertEquals(List.of("INTEL-SA-00615"), e.advisoryIds());
        // QVL's table, not dcap-qvl's max(): ConfigurationNeeded + QE OutOfDate -> OutOfDateConfigurationNeeded.
        TcbInfoDocument cfg = emptyTcb().level(level(TDX, "ConfigurationNeeded", "INTEL-SA-00100"));
        VerifiedEvidence c = verify(quote().build(), collateral(cfg, oldQe));
        assertEquals("OutOfDateConfigurationNeeded", c.tcbStatus());
        assertEquals(List.of("INTEL-SA-00100", "INTEL-SA-00615"), c.advisoryIds());
        QeIdentityDocument revoked = new QeIdentityDocument(true, ISSUE, NEXT)
                .level(new IsvLevel(8, DATE, "Revoked", List.of()));
        fails(ReasonCode.TCB_REVOKED, quote().build(), collateral(tcb(), revoked));
        QeIdentityDocument tooNew = new QeIdentityDocument(true, ISSUE, NEXT)
                .level(new IsvLevel(9, DATE, "UpToDate", List.of()));
        fails(ReasonCode.TCB_NOT_SUPPORTED, quote().build(), collateral(tcb(), tooNew));
    }

    @Test
    void qeReportDataMustBindTheAttestationKey() {
        fails(ReasonCode.BINDING_MISMATCH, quote().bindQeReportData(false).build(), collateral(tcb(), qe()));
    }

    // ------------------------------------------------------------------ revocation, CRLs, windows

    @Test
    void revokedCertificates() {
        BigInteger pckSerial = host.pck().certificate().getSerialNumber();
        fails(ReasonCode.CERT_REVOKED, quote().build(), host.collateral(tcb(), qe(), ISSUE, NEXT, List.of(pckSerial)));
        // Another serial on the CRL does not matter.
        Map<String, byte[]> other = host.collateral(tcb(), qe(), ISSUE, NEXT, List.of(pckSerial.add(BigInteger.valueOf(1000))));
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> verify(quote().build(), other));
        Map<String, byte[]> caRevoked = collateral(tcb(), qe());
        caRevoked.put(TdxCollateral.ROOT_CA_CRL, IntelTestPki.crl(pki.root(), ISSUE, NEXT,
                List.of(pki.platformCa().certificate().getSerialNumber())));
        fails(ReasonCode.CERT_REVOKED, quote().build(), caRevoked);
        Map<String, byte[]> signerRevoked = collateral(tcb(), qe());
        signerRevoked.put(TdxCollateral.ROOT_CA_CRL, IntelTestPki.crl(pki.root(), ISSUE, NEXT,
                List.of(pki.tcbSigning().certificate().getSerialNumber())));
        fails(ReasonCode.CERT_REVOKED, quote().build(), signerRevoked);
    }

    @Test
    void crlWindowsAndIssuers() {
        Map<String, byte[]> expired = collateral(tcb(), qe());
        expired.put(TdxCollateral.PCK_CRL, IntelTestPki.crl(pki.platformCa(), ISSUE, AT.minusSeconds(1), List.of()));
        assertEquals(TdxCollateral.PCK_CRL, fails(ReasonCode.EXPIRED, quote().build(), expired).field());
        Map<String, byte[]> notYet = collateral(tcb(), qe());
        notYet.put(TdxCollateral.ROOT_CA_CRL, IntelTestPki.crl(pki.root(), AT.plusSeconds(1), NEXT, List.of()));
        assertEquals(TdxCollateral.ROOT_CA_CRL, fails(ReasonCode.EXPIRED, quote().build(), notYet).field());
        // The Processor CA's CRL (with its own valid chain) for a Platform CA PCK.
        Map<String, byte[]> wrongCa = collateral(tcb(), qe());
        wrongCa.put(TdxCollateral.PCK_CRL, IntelTestPki.crl(pki.processorCa(), ISSUE, NEXT, List.of()));
        wrongCa.put(TdxCollateral.PCK_CRL_ISSUER_CHAIN,
                IntelTestPki.pem(pki.processorCa().certificate(), pki.root().certificate()));
        assertEquals("pck_crl.issuer", fails(ReasonCode.COLLATERAL_INVALID, quote().build(), wrongCa).field());
        // A CRL naming the Platform CA but signed by the Processor CA key.
        Map<String, byte[]> forged = collateral(tcb(), qe());
        forged.put(TdxCollateral.PCK_CRL, IntelTestPki.crl(new IntelTestPki.Issued(pki.platformCa().certificate(),
                pki.processorCa().keyPair()), ISSUE, NEXT, List.of()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), forged);
        // A CRL without the CRL number and AKI extensions QVL requires.
        Map<String, byte[]> bare = collateral(tcb(), qe());
        bare.put(TdxCollateral.PCK_CRL, IntelTestPki.crl(pki.platformCa(), ISSUE, NEXT, List.of(), false));
        assertEquals("pck_crl.extensions", fails(ReasonCode.COLLATERAL_INVALID, quote().build(), bare).field());
        // A root CRL issued by the PCK CA.
        Map<String, byte[]> rootCrlByCa = collateral(tcb(), qe());
        rootCrlByCa.put(TdxCollateral.ROOT_CA_CRL, IntelTestPki.crl(pki.platformCa(), ISSUE, NEXT, List.of()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), rootCrlByCa);
    }

    @Test
    void collateralAndCertificateWindows() {
        fails(ReasonCode.EXPIRED, quote().build(), collateral(tcb().window(ISSUE, AT.minusSeconds(1)), qe()));
        fails(ReasonCode.EXPIRED, quote().build(), collateral(tcb().window(AT.plusSeconds(1), NEXT), qe()));
        fails(ReasonCode.EXPIRED, quote().build(), collateral(tcb(), qe().window(AT.plusSeconds(1), NEXT)));
        // Window before signature (testdata README order): an expired, badly signed TCB info is EXPIRED.
        Map<String, byte[]> expiredAndForged = collateral(tcb(), qe());
        expiredAndForged.put(TdxCollateral.TCB_INFO, IntelTestPki.signedJson("tcbInfo",
                tcb().window(ISSUE, AT.minusSeconds(1)).json(), pki.platformCa().privateKey()));
        fails(ReasonCode.EXPIRED, quote().build(), expiredAndForged);
        IntelTestPki.Issued oldPck = pki.issuePck(true, new IntelTestPki.PckTcb(SGX, PCESVN),
                HexFormat.of().parseHex(host.fmspcHex()), new byte[2], ISSUE.minusSeconds(86400 * 400), AT.minusSeconds(1));
        byte[] q = quote().pckKey(oldPck.privateKey()).certification(5, pki.pckChainPem(oldPck, true)).build();
        assertEquals("pck_chain.pck_certificate", fails(ReasonCode.EXPIRED, q, collateral(tcb(), qe())).field());
    }

    // ------------------------------------------------------------------ chains and roots

    @Test
    void chainShapesAndLookAlikeRoots() throws Exception {
        IntelTestPki.Issued pck = host.pck();
        byte[] two = IntelTestPki.pem(pck.certificate(), pki.platformCa().certificate());
        fails(ReasonCode.CERT_CHAIN_INVALID, quote().certification(5, two).build(), collateral(tcb(), qe()));
        byte[] four = IntelTestPki.pem(pck.certificate(), pki.platformCa().certificate(), pki.processorCa().certificate(),
                pki.root().certificate());
        fails(ReasonCode.CERT_CHAIN_INVALID, quote().certification(5, four).build(), collateral(tcb(), qe()));
        // A different self-signed "Intel SGX Root CA" (same names, other key) issuing the whole chain.
        IntelTestPki other = IntelTestPki.create(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        SimulatedIntelPlatform fake = SimulatedIntelPlatform.tdx(other, host.fmspcHex());
        fails(ReasonCode.CERT_CHAIN_INVALID, fake.quote().teeTcbSvn(svn(5, 0, 7)).build(), collateral(tcb(), qe()));
        // The generated quote and collateral against the real pinned Intel root: the root CA CRL is
        // checked first (QVL order) and its signature is not Intel's.
        VerificationException real = assertThrows(VerificationException.class, () -> new TdxQuoteVerifier().verify(
                quote().build(), RealVector.collateral(collateral(tcb(), qe())),
                new VerificationContext(Clock.fixed(AT, ZoneOffset.UTC), TrustAnchors.builtIn())));
        assertEquals(ReasonCode.COLLATERAL_INVALID, real.code());
        assertEquals("root_ca_crl.signature", real.field());
        // A TCB chain whose signer is the PCK CA (wrong CN), and the QE report signed by another key.
        Map<String, byte[]> caSigner = collateral(tcb(), qe());
        caSigner.put(TdxCollateral.TCB_INFO_ISSUER_CHAIN, IntelTestPki.pem(pki.platformCa().certificate(), pki.root().certificate()));
        assertEquals("tcb_info_issuer_chain.signer", fails(ReasonCode.CERT_CHAIN_INVALID, quote().build(), caSigner).field());
        Map<String, byte[]> qeCaSigner = collateral(tcb(), qe());
        qeCaSigner.put(TdxCollateral.QE_IDENTITY_ISSUER_CHAIN, IntelTestPki.pem(pki.platformCa().certificate(), pki.root().certificate()));
        assertEquals("qe_identity_issuer_chain.signer", fails(ReasonCode.CERT_CHAIN_INVALID, quote().build(), qeCaSigner).field());
        KeyPair stranger = TestPki.ecKeyPair("secp256r1");
        fails(ReasonCode.SIGNATURE_INVALID, quote().pckKey(stranger.getPrivate()).build(), collateral(tcb(), qe()));
    }

    // ------------------------------------------------------------------ signed but wrong collateral

    @Test
    void signedCollateralThatDoesNotApply() {
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), collateral(tcb().id("SGX"), qe()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), collateral(tcb().pceId("0001"), qe()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), collateral(tcb().fmspc("AABBCC000001"), qe()));
        // FMSPC spelled in upper case is the same FMSPC.
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(
                () -> verify(quote().build(), collateral(tcb().fmspc("AABBCC000000"), qe())));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), collateral(tcb().version(2), qe()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), collateral(tcb().level(level(TDX, "UpToDate")), qe()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(),
                collateral(emptyTcb().level(level(TDX, "SomethingNew")), qe()));
        Map<String, byte[]> wrongSigner = collateral(tcb(), qe());
        wrongSigner.put(TdxCollateral.TCB_INFO, IntelTestPki.signedJson("tcbInfo", tcb().json(),
                pki.platformCa().privateKey()));
        fails(ReasonCode.COLLATERAL_INVALID, quote().build(), wrongSigner);
        Map<String, byte[]> sgxForTdx = sgxHost.collateral(sgxHost.tcbInfo(ISSUE, NEXT, null),
                sgxHost.qeIdentity(ISSUE, NEXT), ISSUE, NEXT, List.of());
        fails(ReasonCode.COLLATERAL_INVALID, sgxHost.quote().build(), collateral(tcb().fmspc(sgxHost.fmspcHex()), qe()));
        fails(ReasonCode.COLLATERAL_INVALID, host.preset(DcapQuoteBuilder.tdxV4()).teeTcbSvn(svn(5, 0, 7)).build(),
                withCrlOf(sgxForTdx));
    }

    /** The SGX host's TCB info and QE identity with the TDX host's CRLs (FMSPC differs too). */
    private static Map<String, byte[]> withCrlOf(Map<String, byte[]> sgx) {
        Map<String, byte[]> m = collateral(tcb(), qe());
        m.put(TdxCollateral.TCB_INFO, sgx.get(TdxCollateral.TCB_INFO));
        m.put(TdxCollateral.QE_IDENTITY, sgx.get(TdxCollateral.QE_IDENTITY));
        return m;
    }
}

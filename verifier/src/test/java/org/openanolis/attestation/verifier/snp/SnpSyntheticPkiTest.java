package org.openanolis.attestation.verifier.snp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.openanolis.attestation.verifier.snp.SnpTestPkis.NOW;
import static org.openanolis.attestation.verifier.snp.SnpTestPkis.at;
import static org.openanolis.attestation.verifier.snp.SnpTestPkis.impostor;
import static org.openanolis.attestation.verifier.snp.SnpTestPkis.now;
import static org.openanolis.attestation.verifier.snp.SnpTestPkis.pki;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.TestPki;
import org.openanolis.attestation.simulator.snp.AmdTestPki;
import org.openanolis.attestation.simulator.snp.AmdTestPki.IssuedVek;
import org.openanolis.attestation.simulator.snp.SimulatedTcb;
import org.openanolis.attestation.simulator.snp.SnpReportBuilder;
import org.openanolis.attestation.verifier.ConformanceHarness;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerificationResult;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * What real data lacks, on a generated AMD-like PKI with valid signatures: TCB, FMC and hwID
 * mismatches, masked chip ids, Turin CHIP_ID tails, debug policy, expired and not-yet-valid VEKs,
 * revoked intermediates, foreign or expired CRLs, unpinned intermediates, wrong-kind extensions.
 */
class SnpSyntheticPkiTest {
    static final SimulatedTcb MILAN_TCB = new SimulatedTcb(0, 4, 0, 24, 219);
    static final SimulatedTcb TURIN_TCB = new SimulatedTcb(1, 3, 2, 5, 0x61);

    private final SnpReportVerifier verifier = new SnpReportVerifier();

    static byte[] hwId(AmdProduct product, int seed) {
        byte[] id = new byte[product == AmdProduct.TURIN ? 8 : 64];
        for (int i = 0; i < id.length; i++) {
            id[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return id;
    }

    static SimulatedTcb tcb(AmdProduct product) {
        return product == AmdProduct.TURIN ? TURIN_TCB : MILAN_TCB;
    }

    /** A VCEK for {@code product} and the builder of a matching report (same TCB and chip). */
    record Host(IssuedVek vek, SnpReportBuilder report, byte[] hwId) {
        byte[] signed() {
            return report.sign(vek.keyPair().getPrivate());
        }
    }

    static Host vcekHost(AmdProduct product) {
        return vcekHost(product, 1);
    }

    static Host vcekHost(AmdProduct product, int chip) {
        AmdTestPki pki = pki(product);
        byte[] id = hwId(product, chip);
        IssuedVek vek = pki.issue(pki.vcekSpec(tcb(product), id));
        return new Host(vek, SnpReportBuilder.forProduct(product).tcb(tcb(product)).chipIdFromHwId(id), id);
    }

    static Host vlekHost(AmdProduct product) {
        AmdTestPki pki = pki(product);
        IssuedVek vek = pki.issue(pki.vlekSpec(tcb(product), "CN=test-csp.example"));
        return new Host(vek, SnpReportBuilder.forProduct(product).tcb(tcb(product)).signedByVlek(true), null);
    }

    VerifiedEvidence verify(byte[] report, X509Certificate vek) throws VerificationException {
        return verifier.verify(report, SnpCollateral.ofVek(vek), now());
    }

    static void expect(ReasonCode code, String field, VerificationException e) {
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
    }

    VerificationException fails(byte[] report, SnpCollateral collateral, VerificationContext ctx) {
        return assertThrows(VerificationException.class, () -> verifier.verify(report, collateral, ctx));
    }

    VerificationException fails(byte[] report, X509Certificate vek) {
        return fails(report, SnpCollateral.ofVek(vek), now());
    }

    @ParameterizedTest
    @EnumSource(AmdProduct.class)
    void genuineVcekReportPassesOnEveryProduct(AmdProduct product) throws Exception {
        Host h = vcekHost(product);
        Map<String, Object> c = verify(h.signed(), h.vek().certificate()).claims();
        assertEquals(product.folder(), c.get("product"));
        assertEquals("vcek", c.get("signer"));
        @SuppressWarnings("unchecked")
        Map<String, Object> reported = (Map<String, Object>) c.get("reported_tcb");
        SimulatedTcb t = tcb(product);
        assertEquals(t.bootloader(), reported.get("bootloader"));
        assertEquals(t.snp(), reported.get("snp"));
        assertEquals(t.microcode(), reported.get("microcode"));
        assertEquals(product == AmdProduct.TURIN ? t.fmc() : null, reported.get("fmc"));
        assertEquals(false, c.get("chip_id_masked"));
    }

    @ParameterizedTest
    @EnumSource(AmdProduct.class)
    void v2ReportTakesItsProductFromTheVek(AmdProduct product) throws Exception {
        Host h = vcekHost(product);
        h.report().version(2);
        Map<String, Object> c = verify(h.signed(), h.vek().certificate()).claims();
        assertEquals(product.folder(), c.get("product"));
        assertEquals(2, c.get("report_version"));
        assertEquals(null, c.get("cpuid"));
    }

    @ParameterizedTest
    @EnumSource(AmdProduct.class)
    void genuineVlekReportWithMaskedChipPasses(AmdProduct product) throws Exception {
        Host h = vlekHost(product);
        Map<String, Object> c = verify(h.signed(), h.vek().certificate()).claims();
        assertEquals("vlek", c.get("signer"));
        assertEquals(true, c.get("chip_id_masked"));
        assertEquals("0".repeat(128), c.get("chip_id"));
    }

    @Test
    void tcbMismatchWithValidSignature() {
        Host h = vcekHost(AmdProduct.GENOA);
        h.report().reportedTcb(MILAN_TCB.withSnp(25).encode(AmdProduct.GENOA));
        expect(ReasonCode.BINDING_MISMATCH, "reported_tcb.snp", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void microcodeMismatchWithValidSignature() {
        Host h = vcekHost(AmdProduct.MILAN);
        h.report().reportedTcb(MILAN_TCB.withMicrocode(218).encode(AmdProduct.MILAN));
        expect(ReasonCode.BINDING_MISMATCH, "reported_tcb.microcode", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void reservedTcbByteWithValidSignature() {
        Host h = vcekHost(AmdProduct.MILAN);
        h.report().reportedTcb(MILAN_TCB.encode(AmdProduct.MILAN) | 0x0000_0100_0000_0000L);
        expect(ReasonCode.BINDING_MISMATCH, "reported_tcb.reserved", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void turinFmcMismatch() {
        Host h = vcekHost(AmdProduct.TURIN);
        h.report().reportedTcb(TURIN_TCB.withFmc(2).encode(AmdProduct.TURIN));
        expect(ReasonCode.BINDING_MISMATCH, "reported_tcb.fmc", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void turinFmcZeroIsStillCompared() throws Exception {
        AmdTestPki pki = pki(AmdProduct.TURIN);
        byte[] id = hwId(AmdProduct.TURIN, 2);
        SimulatedTcb zeroFmc = TURIN_TCB.withFmc(0);
        IssuedVek vek = pki.issue(pki.vcekSpec(zeroFmc, id));
        byte[] ok = SnpReportBuilder.forProduct(AmdProduct.TURIN).tcb(zeroFmc).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        verify(ok, vek.certificate());
        byte[] bad = SnpReportBuilder.forProduct(AmdProduct.TURIN).tcb(zeroFmc)
                .reportedTcb(zeroFmc.withFmc(1).encode(AmdProduct.TURIN)).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.BINDING_MISMATCH, "reported_tcb.fmc", fails(bad, vek.certificate()));
    }

    @Test
    void turinVekWithoutFmcSpl() {
        AmdTestPki pki = pki(AmdProduct.TURIN);
        byte[] id = hwId(AmdProduct.TURIN, 1);
        IssuedVek vek = pki.issue(pki.vcekSpec(TURIN_TCB, id).withFmc(false));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.TURIN).tcb(TURIN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.fmc_spl", fails(r, vek.certificate()));
    }

    @Test
    void turinReportReadWithTheMilanLayoutIsRejected() {
        // A Turin report (CPUID 1A/02) with a Milan VCEK whose SPLs equal the Turin bytes misread
        // in the legacy layout: the product check stops it before any layout confusion.
        AmdTestPki milan = pki(AmdProduct.MILAN);
        byte[] id = hwId(AmdProduct.MILAN, 1);
        IssuedVek vek = milan.issue(milan.vcekSpec(new SimulatedTcb(0, 1, 3, 0, 0x61), id));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.TURIN).tcb(TURIN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.product_name", fails(r, vek.certificate()));
    }

    @Test
    void hwIdMismatch() {
        Host h = vcekHost(AmdProduct.MILAN);
        h.report().chipId(Arrays.copyOf(hwId(AmdProduct.MILAN, 9), 64));
        expect(ReasonCode.BINDING_MISMATCH, "report.chip_id", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void turinHwIdMismatchInTheFirstEightBytes() {
        Host h = vcekHost(AmdProduct.TURIN);
        h.report().chipIdFromHwId(hwId(AmdProduct.TURIN, 9));
        expect(ReasonCode.BINDING_MISMATCH, "report.chip_id", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void turinChipIdTailMustBeZero() {
        Host h = vcekHost(AmdProduct.TURIN);
        byte[] chip = Arrays.copyOf(h.hwId(), 64);
        chip[63] = 1;
        h.report().chipId(chip);
        expect(ReasonCode.BINDING_MISMATCH, "report.chip_id", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void maskedChipIdCannotBindAVcek() {
        Host h = vcekHost(AmdProduct.GENOA);
        h.report().chipId(new byte[64]).maskChipKey(true);
        expect(ReasonCode.BINDING_MISMATCH, "report.chip_id", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void hwIdInsideAnOctetStringIsAccepted() throws Exception {
        AmdTestPki pki = pki(AmdProduct.GENOA);
        byte[] id = hwId(AmdProduct.GENOA, 3);
        IssuedVek vek = pki.issue(pki.vcekSpec(MILAN_TCB, id).withHwIdWrapped(true));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.GENOA).tcb(MILAN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        verify(r, vek.certificate());
    }

    @Test
    void turinVcekWithA64ByteHwIdIsRejected() {
        AmdTestPki pki = pki(AmdProduct.TURIN);
        byte[] id = hwId(AmdProduct.MILAN, 1);
        IssuedVek vek = pki.issue(pki.vcekSpec(TURIN_TCB, id));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.TURIN).tcb(TURIN_TCB).chipId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.hw_id", fails(r, vek.certificate()));
    }

    @Test
    void debugPolicyIsAClaimNotAFailure() throws Exception {
        Host h = vcekHost(AmdProduct.GENOA);
        h.report().policy(0x30000L | 1L << 19 | 1L << 18 | 0x1f);
        Map<String, Object> c = verify(h.signed(), h.vek().certificate()).claims();
        assertEquals(true, c.get("debug"));
        @SuppressWarnings("unchecked")
        Map<String, Object> policy = (Map<String, Object>) c.get("policy");
        assertEquals(true, policy.get("debug"));
        assertEquals(true, policy.get("migrate_ma"));
        assertEquals(true, policy.get("smt"));
        assertEquals(false, policy.get("single_socket"));
        assertEquals(0x1f, policy.get("abi_minor"));
        assertEquals("00000000000f001f", policy.get("raw"));
    }

    @Test
    void unknownPlatformInfoBitsAreKept() throws Exception {
        Host h = vcekHost(AmdProduct.TURIN);
        h.report().platformInfo(0x65L | 1L << 40);
        Map<String, Object> c = verify(h.signed(), h.vek().certificate()).claims();
        @SuppressWarnings("unchecked")
        Map<String, Object> pi = (Map<String, Object>) c.get("platform_info");
        assertEquals("0000010000000040", pi.get("unknown_bits"));
        assertEquals(true, pi.get("smt_enabled"));
        assertEquals(true, pi.get("ecc_enabled"));
    }

    @Test
    void expiredVcek() {
        AmdTestPki pki = pki(AmdProduct.MILAN);
        byte[] id = hwId(AmdProduct.MILAN, 1);
        IssuedVek vek = pki.issue(pki.vcekSpec(MILAN_TCB, id).withValidity(NOW.minus(Duration.ofDays(400)),
                NOW.minus(Duration.ofDays(1))));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.MILAN).tcb(MILAN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.EXPIRED, "vek", fails(r, vek.certificate()));
    }

    @Test
    void vekNotYetValid() {
        Host h = vcekHost(AmdProduct.GENOA);
        VerificationException e = fails(h.signed(), SnpCollateral.ofVek(h.vek().certificate()),
                at(SnpTestPkis.START.minusSeconds(1)));
        // The ARK, first in the window checks, is not valid yet either.
        assertEquals(ReasonCode.EXPIRED, e.code());
    }

    @Test
    void expiredVlekAfterOneYear() {
        Host h = vlekHost(AmdProduct.MILAN);
        VerificationException e = fails(h.signed(), SnpCollateral.ofVek(h.vek().certificate()),
                at(SnpTestPkis.START.plus(Duration.ofDays(366))));
        expect(ReasonCode.EXPIRED, "vek", e);
    }

    @Test
    void validityIsRecheckedOnEveryCachedUse() throws Exception {
        Host h = vcekHost(AmdProduct.MILAN);
        byte[] r = h.signed();
        SnpCollateral col = SnpCollateral.ofVek(h.vek().certificate());
        verifier.verify(r, col, now());
        verifier.verify(r, col, now());
        assertEquals(1, verifier.cachedChainCount());
        VerificationException e = fails(r, col, at(SnpTestPkis.START.plus(Duration.ofDays(8 * 365))));
        expect(ReasonCode.EXPIRED, "vek", e);
        assertEquals(1, verifier.cachedChainCount());
    }

    @Test
    void moreChipsThanTheCacheHoldsEvictSingleEntriesNotTheWholeCache() throws Exception {
        SnpReportVerifier small = new SnpReportVerifier(4);
        for (int chip = 1; chip <= 6; chip++) {
            Host h = vcekHost(AmdProduct.GENOA, chip);
            small.verify(h.signed(), SnpCollateral.ofVek(h.vek().certificate()), now());
        }
        // Emptied when full, it would hold 2 after the sixth chip; bounded, it stays full.
        assertEquals(4, small.cachedChainCount());
    }

    @Test
    void revokedAsk() {
        Host h = vcekHost(AmdProduct.GENOA);
        AmdTestPki pki = pki(AmdProduct.GENOA);
        X509CRL crl = pki.crl(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(7)),
                List.of(pki.ask().getSerialNumber()));
        VerificationException e = fails(h.signed(), withCrl(h, crl), now());
        expect(ReasonCode.CERT_REVOKED, "ask.serial", e);
    }

    @Test
    void revokedAsvk() {
        Host h = vlekHost(AmdProduct.TURIN);
        AmdTestPki pki = pki(AmdProduct.TURIN);
        X509CRL crl = pki.crl(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(7)),
                List.of(BigInteger.valueOf(77), pki.asvk().getSerialNumber()));
        expect(ReasonCode.CERT_REVOKED, "asvk.serial", fails(h.signed(), withCrl(h, crl), now()));
    }

    @Test
    void crlWithoutTheAskPasses() throws Exception {
        Host h = vcekHost(AmdProduct.GENOA);
        AmdTestPki pki = pki(AmdProduct.GENOA);
        X509CRL crl = pki.crl(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(7)),
                List.of(BigInteger.valueOf(77)));
        verifier.verify(h.signed(), withCrl(h, crl), now());
    }

    @Test
    void crlOfAnotherArk() {
        Host h = vcekHost(AmdProduct.GENOA);
        X509CRL crl = impostor(AmdProduct.GENOA).crl(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(7)),
                List.of());
        expect(ReasonCode.COLLATERAL_INVALID, "crl.signature", fails(h.signed(), withCrl(h, crl), now()));
    }

    @Test
    void expiredCrl() {
        Host h = vcekHost(AmdProduct.GENOA);
        X509CRL crl = pki(AmdProduct.GENOA).crl(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(3)),
                List.of());
        expect(ReasonCode.EXPIRED, "crl", fails(h.signed(), withCrl(h, crl), now()));
    }

    static SnpCollateral withCrl(Host h, X509CRL crl) {
        return new SnpCollateral(h.vek().certificate(), Optional.empty(), Optional.empty(), Optional.of(crl));
    }

    @Test
    void vekOfAnImpostorPkiWithTheSameNames() {
        AmdTestPki fake = impostor(AmdProduct.MILAN);
        byte[] id = hwId(AmdProduct.MILAN, 1);
        IssuedVek vek = fake.issue(fake.vcekSpec(MILAN_TCB, id));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.MILAN).tcb(MILAN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.signature", fails(r, vek.certificate()));
    }

    @Test
    void suppliedIntermediateMustBeThePinnedOne() {
        Host h = vcekHost(AmdProduct.MILAN);
        SnpCollateral col = new SnpCollateral(h.vek().certificate(),
                Optional.of(impostor(AmdProduct.MILAN).ask()), Optional.empty(), Optional.empty());
        expect(ReasonCode.CERT_CHAIN_INVALID, "ask", fails(h.signed(), col, now()));
    }

    @Test
    void suppliedArkIsInformationalThePinIsUsed() throws Exception {
        // A genuine chain passes whatever ARK rides along; an impostor chain fails whatever ARK rides along.
        Host h = vcekHost(AmdProduct.MILAN);
        SnpCollateral col = new SnpCollateral(h.vek().certificate(), Optional.empty(),
                Optional.of(impostor(AmdProduct.MILAN).ark()), Optional.empty());
        verifier.verify(h.signed(), col, now());
        AmdTestPki fake = impostor(AmdProduct.MILAN);
        byte[] id = hwId(AmdProduct.MILAN, 1);
        IssuedVek vek = fake.issue(fake.vcekSpec(MILAN_TCB, id));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.MILAN).tcb(MILAN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        SnpCollateral forged = new SnpCollateral(vek.certificate(), Optional.empty(), Optional.of(fake.ark()),
                Optional.empty());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.signature", fails(r, forged, now()));
    }

    @Test
    void pinnedIntermediateIsUsedAndSuppliedCopiesAccepted() throws Exception {
        Host h = vcekHost(AmdProduct.TURIN);
        AmdTestPki pki = pki(AmdProduct.TURIN);
        SnpCollateral col = new SnpCollateral(h.vek().certificate(), Optional.of(pki.ask()),
                Optional.of(pki.ark()), Optional.empty());
        verifier.verify(h.signed(), col, now());
    }

    @Test
    void unpinnedIntermediateIsVerifiedAgainstTheArk(@TempDir Path dir) throws Exception {
        // Anchors with only the ARK: the supplied ASK is used, and must be signed by the ARK.
        AmdTestPki pki = pki(AmdProduct.GENOA);
        Path d = dir.resolve("amd/genoa");
        Files.createDirectories(d);
        Files.write(d.resolve("ark.pem"), TestPki.pemBytes(pki.ark()));
        VerificationContext arkOnly = new VerificationContext(now().clock(), TrustAnchors.fromDirectory(dir));
        Host h = vcekHost(AmdProduct.GENOA);
        expect(ReasonCode.COLLATERAL_MISSING, "ask",
                fails(h.signed(), SnpCollateral.ofVek(h.vek().certificate()), arkOnly));
        SnpCollateral good = new SnpCollateral(h.vek().certificate(), Optional.of(pki.ask()), Optional.empty(),
                Optional.empty());
        verifier.verify(h.signed(), good, arkOnly);
        SnpCollateral forged = new SnpCollateral(h.vek().certificate(),
                Optional.of(impostor(AmdProduct.GENOA).ask()), Optional.empty(), Optional.empty());
        expect(ReasonCode.CERT_CHAIN_INVALID, "ask.signature", fails(h.signed(), forged, arkOnly));
        // The ASVK in the ASK's place: wrong role.
        SnpCollateral asvk = new SnpCollateral(h.vek().certificate(), Optional.of(pki.asvk()), Optional.empty(),
                Optional.empty());
        expect(ReasonCode.CERT_CHAIN_INVALID, "ask.subject", fails(h.signed(), asvk, arkOnly));
    }

    @Test
    void vlekWithHwIdIsRejected() {
        AmdTestPki pki = pki(AmdProduct.MILAN);
        IssuedVek vek = pki.issue(pki.vlekSpec(MILAN_TCB, "CN=x").withHwId(hwId(AmdProduct.MILAN, 1)));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.MILAN).tcb(MILAN_TCB).signedByVlek(true)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.hw_id", fails(r, vek.certificate()));
    }

    @Test
    void vcekWithCspIdIsRejected() {
        AmdTestPki pki = pki(AmdProduct.MILAN);
        byte[] id = hwId(AmdProduct.MILAN, 1);
        IssuedVek vek = pki.issue(pki.vcekSpec(MILAN_TCB, id).withCspId("CN=x"));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.MILAN).tcb(MILAN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.csp_id", fails(r, vek.certificate()));
    }

    @Test
    void vcekSignedReportWithAVlek() {
        Host h = vlekHost(AmdProduct.GENOA);
        h.report().signedByVlek(false);
        expect(ReasonCode.BINDING_MISMATCH, "vek.subject", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void unknownProductNameIsRejected() {
        AmdTestPki pki = pki(AmdProduct.GENOA);
        byte[] id = hwId(AmdProduct.GENOA, 1);
        IssuedVek vek = pki.issue(pki.vcekSpec(MILAN_TCB, id).withProductName("Venice"));
        byte[] r = SnpReportBuilder.forProduct(AmdProduct.GENOA).version(2).tcb(MILAN_TCB).chipIdFromHwId(id)
                .sign(vek.keyPair().getPrivate());
        expect(ReasonCode.CERT_CHAIN_INVALID, "vek.product_name", fails(r, vek.certificate()));
    }

    @Test
    void zeroCpuidInAV3ReportFallsBackToTheVekProduct() throws Exception {
        Host h = vcekHost(AmdProduct.TURIN);
        h.report().version(3).cpuid(0, 0, 0);
        assertEquals("turin", verify(h.signed(), h.vek().certificate()).claims().get("product"));
    }

    @Test
    void collateralSourceIsAskedForWhatTheReportNeeds() throws Exception {
        Host h = vcekHost(AmdProduct.TURIN);
        SnpCollateralRequest[] seen = new SnpCollateralRequest[1];
        SnpCollateralSource source = request -> {
            seen[0] = request;
            return SnpCollateral.ofVek(h.vek().certificate());
        };
        verifier.verify(h.signed(), source, now());
        assertEquals(Optional.of(AmdProduct.TURIN), seen[0].product());
        assertEquals(org.openanolis.attestation.parsers.snp.SnpSigningKey.VCEK, seen[0].signingKey());
        assertEquals(TURIN_TCB.encode(AmdProduct.TURIN), seen[0].reportedTcb());
        assertEquals(org.openanolis.attestation.certs.Hex.encode(Arrays.copyOf(h.hwId(), 64)), seen[0].chipIdHex());

        Host v2 = vlekHost(AmdProduct.GENOA);
        v2.report().version(2);
        verifier.verify(v2.signed(), request -> {
            seen[0] = request;
            return SnpCollateral.ofVek(v2.vek().certificate());
        }, now());
        assertEquals(Optional.empty(), seen[0].product());
        assertEquals(org.openanolis.attestation.parsers.snp.SnpSigningKey.VLEK, seen[0].signingKey());
    }

    @Test
    void unknownCpuidIsRejected() {
        Host h = vcekHost(AmdProduct.GENOA);
        h.report().cpuid(0x1B, 0x01, 0x00);
        expect(ReasonCode.CERT_CHAIN_INVALID, "report.cpuid", fails(h.signed(), h.vek().certificate()));
    }

    @Test
    void signatureByAnotherKey() {
        Host h = vcekHost(AmdProduct.GENOA);
        byte[] r = h.report().sign(TestPki.ecKeyPair("secp384r1").getPrivate());
        expect(ReasonCode.SIGNATURE_INVALID, "report.signature", fails(r, h.vek().certificate()));
    }

    @Test
    void syntheticBundleThroughTheHarnessAndCli(@TempDir Path dir) throws Exception {
        Host h = vcekHost(AmdProduct.TURIN);
        Files.write(dir.resolve("report.bin"), h.signed());
        Files.write(dir.resolve("vcek.der"), h.vek().certificate().getEncoded());
        Files.write(dir.resolve("ask.pem"), TestPki.pemBytes(pki(AmdProduct.TURIN).ask()));
        Files.writeString(dir.resolve("manifest.json"), "{\"format\":\"attestation-bundle/v1\",\"tee\":\"snp\","
                + "\"verify_at\":\"" + NOW + "\",\"evidence\":{\"report\":\"report.bin\"},"
                + "\"collateral\":{\"vek\":\"vcek.der\",\"ask\":\"ask.pem\"}}");
        Files.writeString(dir.resolve("expected.json"), "{\"verdict\":\"pass\",\"tcb_status\":null,"
                + "\"advisory_ids\":[],\"reason\":null,\"trust_anchors\":\""
                + SnpTestPkis.anchorDirectory().toString().replace("\\", "\\\\") + "\"}");
        VerificationResult r = ConformanceHarness.check(dir);
        assertEquals("turin", r.claims().get("product"));
    }

    @Test
    void bundleWithoutVekIsCollateralMissing(@TempDir Path dir) throws Exception {
        Host h = vcekHost(AmdProduct.GENOA);
        Files.write(dir.resolve("report.bin"), h.signed());
        Files.writeString(dir.resolve("manifest.json"), "{\"format\":\"attestation-bundle/v1\",\"tee\":\"snp\","
                + "\"verify_at\":\"" + NOW + "\",\"evidence\":{\"report\":\"report.bin\"},\"collateral\":{}}");
        Files.writeString(dir.resolve("expected.json"), "{\"verdict\":\"fail\",\"reason\":\"COLLATERAL_MISSING\","
                + "\"trust_anchors\":\"" + SnpTestPkis.anchorDirectory().toString().replace("\\", "\\\\") + "\"}");
        ConformanceHarness.check(dir);
    }
}

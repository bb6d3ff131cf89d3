package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.CTX;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.NOW;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.RIM_SIGNER;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.evidence;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.nonce;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.rims;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.simulator.TestPki;
import org.openanolis.attestation.simulator.gpu.LoopbackOcspResponder;
import org.openanolis.attestation.simulator.gpu.OcspResponseFactory;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;

/**
 * OCSP for the device and RIM chains against a responder on loopback started by the test
 * (never the internet), signing with Bouncy Castle's BasicOCSPRespBuilder.
 */
class GpuOcspTest {
    private static final SimulatedNvidiaDevice GPU = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
    private static final Map<RimKind, byte[]> RIMS = rims(GPU);
    private LoopbackOcspResponder responder;
    private OcspSource source;

    @BeforeEach
    void start() throws Exception {
        responder = LoopbackOcspResponder.start(Clock.fixed(NOW.minus(Duration.ofHours(1)), ZoneOffset.UTC));
        responder.addIssuers(PKI, GPU.credentials().chain());
        responder.addIssuers(PKI, RIM_SIGNER.chain());
        source = new HttpOcspSource(responder.uri(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        responder.close();
    }

    private GpuDeviceResult run(GpuEvidenceVerifier v, OcspMode mode) {
        byte[] n = nonce();
        return v.verify(evidence(GPU, GPU.report(n)), n, new StaticRimSource(RIMS), source, mode, CTX);
    }

    private GpuDeviceResult run(OcspMode mode) {
        return run(GpuEvidenceVerifier.builder().build(), mode);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chain(GpuDeviceResult r, String name) {
        return (Map<String, Object>) ((Map<String, Object>) r.claims().get("ocsp")).get(name);
    }

    private static void assertFails(GpuDeviceResult r, ReasonCode code, String fieldPrefix) {
        assertTrue(r.failure().isPresent(), "expected failure; claims " + r.claims());
        assertEquals(code, r.failure().get().code(), r.failure().get().getMessage());
        assertTrue(r.failure().get().field().startsWith(fieldPrefix), r.failure().get().field());
    }

    @Test
    void requiredAndAllGood() {
        GpuDeviceResult r = run(OcspMode.REQUIRED);
        assertTrue(r.passed(), () -> r.failure().get().getMessage());
        Map<String, Object> device = chain(r, "device_chain");
        assertEquals("required", device.get("mode"));
        assertEquals("good", device.get("status"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> certs = (List<Map<String, Object>>) device.get("certificates");
        assertEquals(3, certs.size()); // BROM, provisioner ICA, identity CA; not the FMC leaf, not the root
        assertEquals("matched", certs.get(0).get("nonce"));
        assertEquals(3, ((List<?>) chain(r, "driver_rim_chain").get("certificates")).size()); // L4, L3, CA
        assertEquals(9, responder.requestCount());
    }

    @Test
    void aSetAsksAboutItsSharedRimChainsOnce() {
        SimulatedNvidiaDevice.Builder b = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER);
        GPU.measurements().forEach(b::measurement);
        SimulatedNvidiaDevice second = b.build(PKI);
        responder.addIssuers(PKI, second.credentials().chain());
        byte[] n = nonce();
        List<GpuDeviceResult> results = GpuEvidenceVerifier.builder().build().verifyAll(
                List.of(evidence(GPU, GPU.report(n)), evidence(second, second.report(n))), n,
                new StaticRimSource(RIMS), source, OcspMode.REQUIRED, CTX);
        assertTrue(results.stream().allMatch(GpuDeviceResult::passed));
        // BROM x2, provisioner ICA and identity CA once, each RIM chain (L4, L3, CA) once
        assertEquals(2 + 1 + 1 + 3 + 3, responder.requestCount());
        assertEquals(chain(results.get(0), "driver_rim_chain"), chain(results.get(1), "driver_rim_chain"));
    }

    @Test
    void revokedDeviceCertificateIsCertRevoked() {
        X509Certificate brom = GPU.credentials().chain().get(1);
        responder.setStatus(brom.getSerialNumber(), new OcspResponseFactory.Status.Revoked(NOW.minus(Duration.ofDays(3)),
                OcspResponseFactory.KEY_COMPROMISE));
        assertFails(run(OcspMode.REQUIRED), ReasonCode.CERT_REVOKED, "ocsp.device_chain[1]");
        assertFails(run(OcspMode.BEST_EFFORT), ReasonCode.CERT_REVOKED, "ocsp.device_chain[1]");
        assertTrue(run(OcspMode.OFF).passed());
    }

    @Test
    void revokedDeviceFailsAfterASiblingWarmedTheSharedCaCaches() {
        // One verifier, as in the service: a good device first (its CA signatures, CA OCSP answers
        // and CA key objects are now cached), then a sibling device of the same model whose
        // per-device certificate is revoked, then the revoked device again.
        GpuEvidenceVerifier v = GpuEvidenceVerifier.builder().build();
        assertTrue(run(v, OcspMode.REQUIRED).passed());
        SimulatedNvidiaDevice sibling = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
        responder.addIssuers(PKI, sibling.credentials().chain());
        X509Certificate brom = sibling.credentials().chain().get(1);
        responder.setStatus(brom.getSerialNumber(), new OcspResponseFactory.Status.Revoked(NOW.minus(Duration.ofDays(3)),
                OcspResponseFactory.KEY_COMPROMISE));
        for (int i = 0; i < 2; i++) {
            byte[] n = nonce();
            GpuDeviceResult r = v.verify(evidence(sibling, sibling.report(n)), n, new StaticRimSource(rims(sibling)),
                    source, OcspMode.BEST_EFFORT, CTX);
            assertFails(r, ReasonCode.CERT_REVOKED, "ocsp.device_chain[1]");
        }
        assertTrue(run(v, OcspMode.REQUIRED).passed());
    }

    @Test
    void heldAnswersAreJudgedLikeFetchedOnesWithoutAskingAgain() {
        // The service's source: answers kept per certificate. A kept "revoked" still fails, and
        // a kept "good" is judged as pre-recorded; neither asks the responder again.
        OcspSource cache = new CachingOcspSource(source, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));
        GpuEvidenceVerifier v = GpuEvidenceVerifier.builder().build();
        SimulatedNvidiaDevice revokedGpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
        responder.addIssuers(PKI, revokedGpu.credentials().chain());
        responder.setStatus(revokedGpu.credentials().chain().get(1).getSerialNumber(),
                new OcspResponseFactory.Status.Revoked(NOW.minus(Duration.ofDays(3)), OcspResponseFactory.KEY_COMPROMISE));
        for (int i = 0; i < 2; i++) {
            byte[] n = nonce();
            assertFails(v.verify(evidence(revokedGpu, revokedGpu.report(n)), n, new StaticRimSource(rims(revokedGpu)),
                    cache, OcspMode.BEST_EFFORT, CTX), ReasonCode.CERT_REVOKED, "ocsp.device_chain[1]");
        }
        byte[] n1 = nonce();
        GpuDeviceResult first = v.verify(evidence(GPU, GPU.report(n1)), n1, new StaticRimSource(RIMS), cache,
                OcspMode.REQUIRED, CTX);
        assertTrue(first.passed(), () -> first.failure().get().getMessage());
        int asked = responder.requestCount();
        byte[] n2 = nonce();
        GpuDeviceResult second = v.verify(evidence(GPU, GPU.report(n2)), n2, new StaticRimSource(RIMS), cache,
                OcspMode.REQUIRED, CTX);
        assertTrue(second.passed(), () -> second.failure().get().getMessage());
        assertEquals(asked, responder.requestCount(), "every answer was held");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> certs = (List<Map<String, Object>>) chain(second, "device_chain").get("certificates");
        for (Map<String, Object> c : certs) {
            assertEquals("pre_recorded", c.get("nonce"), c.toString());
            assertEquals("good", c.get("status"));
        }
    }

    @Test
    void revokedRimSignerIsCertRevoked() {
        responder.setStatus(RIM_SIGNER.chain().get(0).getSerialNumber(),
                new OcspResponseFactory.Status.Revoked(NOW.minus(Duration.ofDays(3)), OcspResponseFactory.KEY_COMPROMISE));
        assertFails(run(OcspMode.REQUIRED), ReasonCode.CERT_REVOKED, "ocsp.driver_rim_chain[0]");
    }

    @Test
    void certificateHoldOnlyWhenConfigured() {
        responder.setStatus(RIM_SIGNER.chain().get(0).getSerialNumber(),
                new OcspResponseFactory.Status.Revoked(NOW.minus(Duration.ofDays(1)), OcspResponseFactory.CERTIFICATE_HOLD));
        assertFails(run(OcspMode.REQUIRED), ReasonCode.CERT_REVOKED, "ocsp.driver_rim_chain[0]");
        GpuDeviceResult tolerated = run(GpuEvidenceVerifier.builder().allowCertificateHold(true).build(), OcspMode.REQUIRED);
        assertTrue(tolerated.passed(), () -> tolerated.failure().get().getMessage());
        assertEquals("revoked", chain(tolerated, "driver_rim_chain").get("status"));
    }

    @Test
    void unknownStatusFails() {
        responder.setStatus(GPU.credentials().chain().get(2).getSerialNumber(), new OcspResponseFactory.Status.Unknown());
        assertFails(run(OcspMode.REQUIRED), ReasonCode.CERT_CHAIN_INVALID, "ocsp.device_chain[2]");
    }

    @Test
    void missingNonceEchoIsInvalidWhenRequiredAndUnavailableWhenBestEffort() {
        responder.echoNonce(false);
        assertFails(run(OcspMode.REQUIRED), ReasonCode.COLLATERAL_INVALID, "ocsp.device_chain[1].nonce");
        GpuDeviceResult r = run(OcspMode.BEST_EFFORT);
        assertTrue(r.passed());
        assertEquals("unavailable", chain(r, "device_chain").get("status"));
        assertEquals("best-effort", chain(r, "device_chain").get("mode"));
    }

    @Test
    void forgedResponseSignatureIsInvalid() {
        responder.forceSigner(TestPki.ecKeyPair("secp384r1").getPrivate());
        assertFails(run(OcspMode.REQUIRED), ReasonCode.COLLATERAL_INVALID, "ocsp.device_chain[1].signature");
    }

    @Test
    void unreachableResponder() {
        responder.close();
        assertFails(run(OcspMode.REQUIRED), ReasonCode.COLLATERAL_MISSING, "ocsp.device_chain[1]");
        GpuDeviceResult r = run(OcspMode.BEST_EFFORT);
        assertTrue(r.passed());
        assertEquals("unavailable", chain(r, "vbios_rim_chain").get("status"));
    }

    @Test
    void preRecordedResponsesAreJudgedByTheirWindow() {
        List<X509Certificate> chain = GPU.credentials().chain();
        Map<String, byte[]> fresh = new java.util.HashMap<>();
        Map<String, byte[]> stale = new java.util.HashMap<>();
        for (int i = 1; i <= 3; i++) {
            X509Certificate issuer = chain.get(i + 1);
            fresh.put(chain.get(i).getSerialNumber().toString(16), OcspResponseFactory.response(
                    chain.get(i).getSerialNumber(), issuer, PKI.keyOf(issuer), null, new OcspResponseFactory.Status.Good(),
                    NOW.minus(Duration.ofHours(2)), NOW.plus(Duration.ofDays(1)), null));
            stale.put(chain.get(i).getSerialNumber().toString(16), OcspResponseFactory.response(
                    chain.get(i).getSerialNumber(), issuer, PKI.keyOf(issuer), null, new OcspResponseFactory.Status.Good(),
                    NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(2)), null));
        }
        source = new StaticOcspSource(fresh);
        GpuDeviceResult ok = run(OcspMode.BEST_EFFORT);
        assertTrue(ok.passed(), () -> ok.failure().get().getMessage());
        assertEquals("good", chain(ok, "device_chain").get("status"));
        assertEquals("unavailable", chain(ok, "driver_rim_chain").get("status")); // no RIM responses given
        source = new StaticOcspSource(stale);
        assertFails(run(OcspMode.REQUIRED), ReasonCode.EXPIRED, "ocsp.device_chain[1].next_update");
    }

    /**
     * A response names its certificate by CertID: serial plus hashes of the issuer's name and key
     * under the CertID's own hash algorithm. SHA-1 CertIDs are compared with the issuer's
     * remembered hashes, others are computed; either way only the real issuer matches.
     */
    @Test
    void theResponseMustNameTheIssuerByItsCertIdUnderSha1OrSha256() throws Exception {
        List<X509Certificate> chain = GPU.credentials().chain();
        X509Certificate issuer = chain.get(2);
        X509Certificate otherCa = chain.get(3);
        for (var alg : List.of(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1,
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256))) {
            for (X509Certificate named : List.of(issuer, otherCa)) {
                Map<String, byte[]> responses = new java.util.HashMap<>();
                for (int i = 2; i <= 3; i++) {
                    responses.put(chain.get(i).getSerialNumber().toString(16), OcspResponseFactory.response(
                            chain.get(i).getSerialNumber(), chain.get(i + 1), PKI.keyOf(chain.get(i + 1)), null,
                            new OcspResponseFactory.Status.Good(), NOW.minus(Duration.ofHours(2)),
                            NOW.plus(Duration.ofDays(1)), null));
                }
                responses.put(chain.get(1).getSerialNumber().toString(16),
                        responseNaming(alg, named, chain.get(1).getSerialNumber(), PKI.keyOf(issuer), issuer));
                source = new StaticOcspSource(responses);
                GpuDeviceResult r = run(OcspMode.REQUIRED);
                if (named == issuer) {
                    // The device chain passed; the RIM chains have no responses here.
                    assertFails(r, ReasonCode.COLLATERAL_MISSING, "ocsp.");
                    assertTrue(r.failure().get().field().contains("rim_chain"), r.failure().get().field());
                    assertEquals("good", chain(r, "device_chain").get("status"));
                } else {
                    assertFails(r, ReasonCode.COLLATERAL_INVALID, "ocsp.device_chain[1].cert_id");
                }
            }
        }
    }

    /** A good response signed by {@code signer} whose CertID hashes {@code named} with {@code alg}. */
    private static byte[] responseNaming(org.bouncycastle.asn1.x509.AlgorithmIdentifier alg, X509Certificate named,
                                         java.math.BigInteger serial, java.security.PrivateKey signerKey,
                                         X509Certificate signer) throws Exception {
        var digests = new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build();
        var id = new org.bouncycastle.cert.ocsp.CertificateID(digests.get(alg),
                new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(named), serial);
        var b = new org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder(new org.bouncycastle.cert.ocsp.RespID(
                new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(signer).getSubject()));
        b.addResponse(id, org.bouncycastle.cert.ocsp.CertificateStatus.GOOD,
                java.util.Date.from(NOW.minus(Duration.ofHours(2))), java.util.Date.from(NOW.plus(Duration.ofDays(1))));
        var basic = b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA384withECDSA")
                .setProvider(org.openanolis.attestation.certs.CryptoProviders.bouncyCastle()).build(signerKey),
                null, java.util.Date.from(NOW.minus(Duration.ofHours(2))));
        return new org.bouncycastle.cert.ocsp.OCSPRespBuilder()
                .build(org.bouncycastle.cert.ocsp.OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }
}

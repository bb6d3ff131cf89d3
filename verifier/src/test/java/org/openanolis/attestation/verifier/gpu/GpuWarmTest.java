package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.CLOCK;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.CTX;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.NOW;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI_FROM;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI_TO;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.RIM_SIGNER;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.evidence;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.nonce;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.rims;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.simulator.gpu.LoopbackOcspResponder;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.OcspResponseFactory;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;

/**
 * The warm start of {@link GpuEvidenceVerifier#warm}: a device's recorded chain and OCSP answers
 * prepare a fresh verifier so that its next attestation asks the responder nothing about the
 * device chain, while answers that are not good now, and chains that do not validate, are not
 * held.
 */
class GpuWarmTest {
    private static final SimulatedNvidiaDevice GPU = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(PKI);
    private static final Map<RimKind, byte[]> RIMS = rims(GPU);
    private LoopbackOcspResponder responder;
    private HttpOcspSource live;

    @BeforeEach
    void start() throws Exception {
        responder = LoopbackOcspResponder.start(Clock.fixed(NOW.minus(Duration.ofMinutes(10)), ZoneOffset.UTC));
        responder.addIssuers(PKI, GPU.credentials().chain());
        responder.addIssuers(PKI, RIM_SIGNER.chain());
        live = new HttpOcspSource(responder.uri(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        responder.close();
    }

    /** The answers one attestation received, by certificate serial (what the log records). */
    private Map<String, byte[]> answersOfOneAttestation(boolean mustPass) {
        Map<String, byte[]> answers = new HashMap<>();
        OcspSource recording = q -> {
            Optional<OcspSource.Answer> a = live.fetch(q);
            a.ifPresent(x -> answers.put(q.subject().getSerialNumber().toString(16), x.responseDer()));
            return a;
        };
        byte[] n = nonce();
        GpuDeviceResult r = GpuEvidenceVerifier.builder().build().verify(evidence(GPU, GPU.report(n)), n,
                new StaticRimSource(RIMS), recording, OcspMode.REQUIRED, CTX);
        assertEquals(mustPass, r.passed(), () -> r.failure().map(Throwable::getMessage).orElse("passed"));
        return answers;
    }

    private Map<String, byte[]> firstAttestationAnswers() {
        return answersOfOneAttestation(true);
    }

    /** A fresh verifier warmed with {@code answers} received at {@code at}, into {@code into}. */
    private static GpuEvidenceVerifier.WarmOutcome warm(X509Certificate root, Map<String, byte[]> answers,
                                                        java.time.Instant at, OcspSource into) {
        return GpuEvidenceVerifier.builder().build().warm(evidence(GPU, GPU.report(nonce())), root, answers, at, into,
                CLOCK);
    }

    private static X509Certificate root() throws Exception {
        return CTX.trustAnchors().nvidiaDeviceIdentityCa();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deviceChainAnswers(GpuDeviceResult r) {
        Map<String, Object> device = (Map<String, Object>) ((Map<String, Object>) r.claims().get("ocsp")).get("device_chain");
        return (List<Map<String, Object>>) device.get("certificates");
    }

    @Test
    void recordedGoodAnswersAreHeldSoTheDeviceChainAsksNothing() throws Exception {
        Map<String, byte[]> recorded = firstAttestationAnswers();
        int afterFirst = responder.requestCount();
        assertEquals(9, afterFirst); // device chain 3, each RIM chain 3

        // A restarted service: new verifier, new caching source, nothing held.
        GpuEvidenceVerifier fresh = GpuEvidenceVerifier.builder().build();
        CachingOcspSource caching = new CachingOcspSource(live, CLOCK, Duration.ofHours(1));
        byte[] old = nonce();
        GpuEvidenceVerifier.WarmOutcome w = fresh.warm(evidence(GPU, GPU.report(old)), root(), recorded,
                NOW.minus(Duration.ofMinutes(10)), caching, CLOCK);
        assertTrue(w.chainValid());
        assertEquals(3, w.ocspAnswersKept()); // BROM, provisioner ICA, identity CA: the device chain's
        assertEquals(3, caching.size());
        assertEquals(afterFirst, responder.requestCount(), "the warm start asks no responder");

        byte[] n = nonce();
        GpuDeviceResult r = fresh.verify(evidence(GPU, GPU.report(n)), n, new StaticRimSource(RIMS), caching,
                OcspMode.REQUIRED, CTX);
        assertTrue(r.passed(), () -> r.failure().get().getMessage());
        for (Map<String, Object> c : deviceChainAnswers(r)) {
            assertEquals("pre_recorded", c.get("nonce"), c.toString());
            assertEquals("good", c.get("status"));
        }
        // Only the RIM signer chain (L4, L3, CA; not warmed: every device shares it, so it costs
        // one request set per restart), held for the second RIM after the first.
        assertEquals(afterFirst + 3, responder.requestCount());
    }

    @Test
    void answersThatAreNotGoodNowAreNotHeld() throws Exception {
        Map<String, byte[]> recorded = firstAttestationAnswers();
        List<X509Certificate> chain = GPU.credentials().chain();
        String brom = chain.get(1).getSerialNumber().toString(16);
        String ica = chain.get(2).getSerialNumber().toString(16);
        String identityCa = chain.get(3).getSerialNumber().toString(16);

        Map<String, byte[]> doctored = new HashMap<>();
        doctored.put(brom, recorded.get(ica)); // an answer about another certificate
        byte[] flipped = recorded.get(identityCa).clone();
        flipped[flipped.length - 5] ^= 1; // inside the signature
        doctored.put(identityCa, flipped);
        doctored.put(ica, new byte[] {0x30, 0x03, 0x0a, 0x01, 0x00}); // not an OCSP response
        CachingOcspSource caching = new CachingOcspSource(live, CLOCK, Duration.ofHours(1));
        GpuEvidenceVerifier.WarmOutcome w = warm(root(), doctored, NOW.minus(Duration.ofMinutes(10)), caching);
        assertTrue(w.chainValid());
        assertEquals(0, w.ocspAnswersKept());
        assertEquals(0, caching.size());

        // Genuine answers, but received longer ago than the source keeps any answer.
        GpuEvidenceVerifier.WarmOutcome stale = warm(root(), recorded, NOW.minus(Duration.ofHours(2)), caching);
        assertEquals(0, stale.ocspAnswersKept());

        // A genuine answer that says revoked is not held either: requests ask again.
        responder.setStatus(chain.get(1).getSerialNumber(), new OcspResponseFactory.Status.Revoked(
                NOW.minus(Duration.ofDays(3)), OcspResponseFactory.KEY_COMPROMISE));
        Map<String, byte[]> revoked = answersOfOneAttestation(false);
        GpuEvidenceVerifier.WarmOutcome w2 = warm(root(), Map.of(brom, revoked.get(brom)),
                NOW.minus(Duration.ofMinutes(1)), caching);
        assertTrue(w2.chainValid());
        assertEquals(0, w2.ocspAnswersKept());
    }

    @Test
    void aChainThatDoesNotValidateHoldsNothing() throws Exception {
        Map<String, byte[]> recorded = firstAttestationAnswers();
        NvidiaTestPki other = NvidiaTestPki.create(PKI_FROM, PKI_TO);
        CachingOcspSource caching = new CachingOcspSource(live, CLOCK, Duration.ofHours(1));
        GpuEvidenceVerifier.WarmOutcome w = warm(other.deviceRoot(), recorded, NOW.minus(Duration.ofMinutes(10)),
                caching);
        assertFalse(w.chainValid());
        assertEquals(0, caching.size());
    }

    @Test
    void aSourceThatKeepsNothingIsLeftAlone() throws Exception {
        Map<String, byte[]> recorded = firstAttestationAnswers();
        GpuEvidenceVerifier.WarmOutcome w = warm(root(), recorded, NOW.minus(Duration.ofMinutes(10)), live);
        assertTrue(w.chainValid());
        assertEquals(0, w.ocspAnswersKept());
    }
}

package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.CryptoProviders;
import org.openanolis.attestation.simulator.gpu.OcspResponseFactory;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;

/** Answers are reused per certificate until their nextUpdate (at most maxAge), then fetched again. */
class CachingOcspSourceTest {
    private static final Instant NOW = GpuTestFixture.NOW;

    /** A good answer about {@code chain[1]} by its issuer, nextUpdate 2 h from now. */
    private static byte[] goodAnswer(List<X509Certificate> chain, Instant thisUpdate) throws Exception {
        return OcspResponseFactory.response(chain.get(1).getSerialNumber(), chain.get(2),
                GpuTestFixture.PKI.keyOf(chain.get(2)), null, new OcspResponseFactory.Status.Good(), thisUpdate,
                NOW.plus(Duration.ofHours(2)), null);
    }

    @Test
    void reusesAnAnswerUntilItsNextUpdateAsPreRecorded() throws Exception {
        SimulatedNvidiaDevice gpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(GpuTestFixture.PKI);
        List<X509Certificate> chain = gpu.credentials().chain();
        X509Certificate subject = chain.get(1);
        X509Certificate issuer = chain.get(2);
        byte[] der = goodAnswer(chain, NOW);
        AtomicInteger calls = new AtomicInteger();
        OcspSource upstream = q -> {
            calls.incrementAndGet();
            return Optional.of(new OcspSource.Answer(der, true));
        };
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId z) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        CachingOcspSource source = new CachingOcspSource(upstream, clock, Duration.ofHours(1));
        OcspSource.Query q = new OcspSource.Query(subject, issuer, new byte[] {1});

        OcspSource.Answer first = source.fetch(q).orElseThrow();
        assertTrue(first.answersThisRequest(), "the first answer is live: its nonce is checked");
        OcspSource.Answer second = source.fetch(q).orElseThrow();
        assertFalse(second.answersThisRequest(), "a kept answer is judged as pre-recorded");
        assertArrayEquals(der, second.responseDer());
        assertEquals(1, calls.get());

        // held(): the same kept answer without a request (pre-recorded), nothing fetched.
        OcspSource.Answer held = source.held(subject, issuer).orElseThrow();
        assertFalse(held.answersThisRequest());
        assertArrayEquals(der, held.responseDer());
        assertEquals(1, calls.get());
        // One kept answer, one array: the verifier and the log hash it once, not on every use.
        assertSame(held.sharedDer(), source.held(subject, issuer).orElseThrow().sharedDer());
        assertSame(held.sharedDer(), second.sharedDer());
        assertNotSame(der, held.sharedDer(), "the cache keeps its own copy of the upstream bytes");
        byte[] copy = held.responseDer();
        copy[0] ^= 1;
        assertArrayEquals(der, source.held(subject, issuer).orElseThrow().responseDer(), "responseDer() is a copy");
        assertTrue(source.held(chain.get(2), chain.get(3)).isEmpty(), "nothing kept for another certificate");
        // The key is the issuer's exact certificate: the same serial under another issuer is not held.
        assertTrue(source.held(subject, chain.get(3)).isEmpty());

        now.set(NOW.plus(Duration.ofMinutes(61))); // past maxAge (nextUpdate is 2 h away)
        assertTrue(source.held(subject, issuer).isEmpty(), "expired: not held any more");
        assertTrue(source.fetch(q).orElseThrow().answersThisRequest());
        assertEquals(2, calls.get());

        // another certificate is another entry
        source.fetch(new OcspSource.Query(chain.get(2), chain.get(3), new byte[] {1}));
        assertEquals(3, calls.get());
        assertEquals(2, source.size());
    }

    @Test
    void keepsOfferedAnswersOnlyWithinTheirKeepTimeAndAZeroMaxAgeKeepsNothing() throws Exception {
        SimulatedNvidiaDevice gpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(GpuTestFixture.PKI);
        List<X509Certificate> chain = gpu.credentials().chain();
        X509Certificate subject = chain.get(1);
        X509Certificate issuer = chain.get(2);
        byte[] der = goodAnswer(chain, NOW.minus(Duration.ofMinutes(30)));
        AtomicInteger calls = new AtomicInteger();
        OcspSource upstream = q -> {
            calls.incrementAndGet();
            return Optional.of(new OcspSource.Answer(der, true));
        };
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CachingOcspSource source = new CachingOcspSource(upstream, clock, Duration.ofHours(1));
        // received 61 minutes ago: past the keep time
        assertFalse(source.keep(subject, issuer, der, NOW.minus(Duration.ofMinutes(61))));
        assertTrue(source.held(subject, issuer).isEmpty());
        // received 30 minutes ago: kept for the remaining 30, as pre-recorded
        assertTrue(source.keep(subject, issuer, der, NOW.minus(Duration.ofMinutes(30))));
        assertFalse(source.held(subject, issuer).orElseThrow().answersThisRequest());
        // an older copy does not replace it; a time in the future counts as now
        assertFalse(source.keep(subject, issuer, der, NOW.minus(Duration.ofMinutes(45))));
        assertTrue(source.keep(subject, issuer, der, NOW.plus(Duration.ofDays(1))));
        // not an OCSP response: nothing to keep
        assertFalse(source.keep(chain.get(2), chain.get(3), new byte[] {0x30, 0x00}, NOW));
        assertEquals(1, source.size());
        assertEquals(0, calls.get());

        CachingOcspSource never = new CachingOcspSource(upstream, clock, Duration.ZERO);
        OcspSource.Query q = new OcspSource.Query(subject, issuer, new byte[] {1});
        assertTrue(never.fetch(q).orElseThrow().answersThisRequest());
        assertTrue(never.fetch(q).orElseThrow().answersThisRequest(), "max age 0: asked on every use");
        assertEquals(2, calls.get());
        assertFalse(never.keep(subject, issuer, der, NOW));
        assertEquals(0, never.size());
    }

    /**
     * Past its capacity the cache evicts single entries instead of being emptied (issue #9): a
     * service that saw more distinct devices than the capacity (a warm-up, then a boot storm of new
     * devices) still holds about capacity of them at the next fleet reboot. Scaled down from the
     * measured case (16,384 entries, 10,000 + 10,000 devices) to 64 entries, 40 + 40 devices. The
     * old clear-on-full map held 16 entries after the storm and asked again for all 80 devices.
     */
    @Test
    void pastItsCapacityKeepsServingMostDevicesInsteadOfEmptyingItself() throws Exception {
        int capacity = 64;
        List<X509Certificate> devices = distinctCertificates(80);
        SimulatedNvidiaDevice gpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(GpuTestFixture.PKI);
        X509Certificate issuer = gpu.credentials().chain().get(2);
        // The cache keys by issuer and serial and keeps by the response's nextUpdate: one answer does.
        byte[] der = goodAnswer(gpu.credentials().chain(), NOW);
        AtomicInteger calls = new AtomicInteger();
        OcspSource upstream = q -> {
            calls.incrementAndGet();
            return Optional.of(new OcspSource.Answer(der, true));
        };
        CachingOcspSource source = new CachingOcspSource(upstream, Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofHours(1), capacity);

        for (X509Certificate d : devices) { // warm-up (first 40), then a storm of 40 new devices
            source.fetch(new OcspSource.Query(d, issuer, new byte[] {1}));
        }
        assertEquals(80, calls.get());
        int size = source.size();
        assertTrue(size <= capacity, "bounded: " + size);
        assertTrue(size >= capacity * 3 / 4, "not emptied when full: " + size + " kept");

        // The next fleet reboot: every device again.
        calls.set(0);
        for (X509Certificate d : devices) {
            source.fetch(new OcspSource.Query(d, issuer, new byte[] {1}));
        }
        assertTrue(calls.get() <= 80 - capacity / 2,
                "most devices answered from the cache, asked again: " + calls.get() + " of 80");
        assertTrue(source.size() <= capacity);
        // A kept answer is still the same kept answer (pre-recorded), and what is not kept is fetched.
        int held = 0;
        for (X509Certificate d : devices) {
            Optional<OcspSource.Answer> a = source.held(d, issuer);
            if (a.isPresent()) {
                assertFalse(a.get().answersThisRequest());
                assertArrayEquals(der, a.get().responseDer());
                held++;
            }
        }
        assertTrue(held >= capacity * 3 / 4 && held <= capacity, "held: " + held);
    }

    /** {@code n} certificates with distinct serials (the cache's key), one key, self-issued. */
    private static List<X509Certificate> distinctCertificates(int n) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=device,O=cache capacity test");
        JcaContentSignerBuilder signer = new JcaContentSignerBuilder("SHA256withECDSA")
                .setProvider(CryptoProviders.bouncyCastle());
        List<X509Certificate> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            X509Certificate c = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    name, BigInteger.valueOf(1000 + i), Date.from(GpuTestFixture.PKI_FROM), Date.from(GpuTestFixture.PKI_TO),
                    name, kp.getPublic()).build(signer.build(kp.getPrivate())));
            assertNotNull(c);
            out.add(c);
        }
        return out;
    }
}

package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.attest.RecordedDevice;
import org.openanolis.attestation.verifier.service.log.GpuWarmStart;

/**
 * What the warm start reads from a log and hands to the engines: newest entries first, each
 * distinct device once (its newest record), only collateral whose bytes match the recorded digest,
 * within its entry and device limits; a log that cannot be read leaves it failed, not the service.
 */
class GpuWarmStartTest {
    private static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);

    /** Entry {@code n}: a TDX host with GPUs whose chains are {@code chains} (PEM text stand-ins). */
    private static LogEntry entry(int n, List<String> chains, Map<Sha256Digest, byte[]> blobs) {
        LogEntry.Builder b = LogEntry.builder();
        b.addEvidence(new EvidenceItem("cpu", "tdx", "quote", ("quote-" + n).getBytes(StandardCharsets.UTF_8)));
        for (int g = 0; g < chains.size(); g++) {
            String sub = "gpu" + g;
            b.addEvidence(new EvidenceItem(sub, "nvgpu", "report", ("spdm-" + n + "-" + g).getBytes(StandardCharsets.UTF_8)));
            b.addEvidence(new EvidenceItem(sub, "nvgpu", "cert_chain", chains.get(g).getBytes(StandardCharsets.UTF_8)));
            byte[] nonce = new byte[32];
            nonce[0] = (byte) n;
            b.addEvidence(new EvidenceItem(sub, "nvgpu", "nonce", nonce));
            byte[] ocsp = ("ocsp-" + n + "-" + g).getBytes(StandardCharsets.UTF_8);
            byte[] rim = "driver-rim".getBytes(StandardCharsets.UTF_8);
            b.addCollateral(new CollateralReference(sub, "ocsp/1" + g, Sha256Digest.digest(ocsp)));
            b.addCollateral(new CollateralReference(sub, "driver_rim", Sha256Digest.digest(rim)));
            blobs.put(Sha256Digest.digest(ocsp), ocsp);
            blobs.put(Sha256Digest.digest(rim), rim);
        }
        return b.verifierVersion("test").instant(T0.plusSeconds(n))
                .outcome(new AppraisalOutcome(EarStatus.AFFIRMING, null, Map.of()))
                .jti("jti-" + n).nonce(("nonce-" + n).getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A log in memory; {@code failing} makes every read throw, as a database that is down. */
    private static final class MemoryLog implements LogSource {
        final List<byte[]> records = new ArrayList<>();
        final Map<Sha256Digest, byte[]> blobs = new HashMap<>();
        boolean failing;

        @Override
        public Optional<String> latestCheckpointNote() {
            return Optional.empty();
        }

        @Override
        public long firstIndex() {
            return 0;
        }

        @Override
        public long endIndex() throws LogStorageException {
            if (failing) {
                throw new LogStorageException("database down", null);
            }
            return records.size();
        }

        @Override
        public boolean wholeLog() {
            return true;
        }

        @Override
        public SortedMap<Long, byte[]> entries(long from, long to) {
            SortedMap<Long, byte[]> out = new TreeMap<>();
            for (long i = from; i < to; i++) {
                out.put(i, records.get((int) i));
            }
            return out;
        }

        @Override
        public Optional<byte[]> collateral(Sha256Digest digest) {
            return Optional.ofNullable(blobs.get(digest));
        }

        @Override
        public List<Sha256Digest> inclusionProof(long index, long treeSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Sha256Digest> consistencyProof(long size1, long size2) {
            throw new UnsupportedOperationException();
        }
    }

    /** Engines that only note what they are asked to warm; a chain containing "BAD" is invalid. */
    private static final class NotingEngines implements EvidenceVerifiers {
        final List<RecordedDevice> warmed = new ArrayList<>();

        @Override
        public VerifiedEvidence verifyCpu(CpuEvidence evidence, VerificationContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public VerifiedEvidence verifyGpu(GpuEvidence evidence, byte[] expectedNonce, VerificationContext context)
                throws VerificationException {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean warmGpu(RecordedDevice device, VerificationContext context) {
            warmed.add(device);
            return !new String(device.evidence().certChainPem(), StandardCharsets.UTF_8).contains("BAD");
        }
    }

    private static GpuWarmStart run(MemoryLog log, NotingEngines engines, int maxEntries, int maxDevices) {
        GpuWarmStart w = new GpuWarmStart(log, engines, () -> new VerificationContext(CLOCK, TrustAnchors.builtIn()),
                CLOCK, maxEntries, maxDevices);
        w.run();
        assertTrue(w.finished());
        return w;
    }

    private static String chainOf(RecordedDevice d) {
        return new String(d.evidence().certChainPem(), StandardCharsets.UTF_8);
    }

    @Test
    void newestRecordOfEachDeviceOnceWithItsVerifiedCollateral() throws Exception {
        MemoryLog log = new MemoryLog();
        log.records.add(entry(0, List.of("chain-A", "chain-B"), log.blobs).encode());
        log.records.add(entry(1, List.of("chain-A", "chain-BAD"), log.blobs).encode());
        log.records.add(entry(2, List.of(), log.blobs).encode()); // a CPU-only host
        NotingEngines engines = new NotingEngines();
        GpuWarmStart w = run(log, engines, 100, 100);

        Map<String, Object> status = w.status();
        assertEquals("done", status.get("state"), status.toString());
        assertEquals(3L, status.get("entries_read"));
        assertEquals(3L, status.get("devices"));
        assertEquals(1L, status.get("chains_invalid"));
        // newest first: entry 1's devices, then entry 0's chain-B; chain-A only from entry 1
        List<String> order = engines.warmed.stream().map(GpuWarmStartTest::chainOf).toList();
        assertEquals(3, order.size());
        assertTrue(order.subList(0, 2).containsAll(List.of("chain-A", "chain-BAD")), order.toString());
        assertEquals("chain-B", order.get(2));
        RecordedDevice a = engines.warmed.stream().filter(d -> chainOf(d).equals("chain-A")).findFirst().orElseThrow();
        assertEquals(T0.plusSeconds(1), a.recordedAt());
        assertArrayEquals("ocsp-1-0".getBytes(StandardCharsets.UTF_8), a.collateral().get("ocsp/10"));
        assertArrayEquals("driver-rim".getBytes(StandardCharsets.UTF_8), a.collateral().get("driver_rim"));
    }

    @Test
    void collateralWhoseBytesDoNotMatchTheirDigestIsLeftOut() throws Exception {
        MemoryLog log = new MemoryLog();
        log.records.add(entry(0, List.of("chain-A"), log.blobs).encode());
        Sha256Digest ocsp = Sha256Digest.digest("ocsp-0-0".getBytes(StandardCharsets.UTF_8));
        log.blobs.put(ocsp, "doctored".getBytes(StandardCharsets.UTF_8));
        NotingEngines engines = new NotingEngines();
        run(log, engines, 100, 100);
        RecordedDevice d = engines.warmed.get(0);
        assertFalse(d.collateral().containsKey("ocsp/10"));
        assertTrue(d.collateral().containsKey("driver_rim"));
    }

    @Test
    void entryAndDeviceLimitsHold() throws Exception {
        MemoryLog log = new MemoryLog();
        for (int n = 0; n < 500; n++) {
            log.records.add(entry(n, List.of("chain-" + n + "-0", "chain-" + n + "-1"), log.blobs).encode());
        }
        NotingEngines engines = new NotingEngines();
        GpuWarmStart w = run(log, engines, 300, 100_000);
        assertEquals(300L, w.status().get("entries_read"));
        assertEquals(600, engines.warmed.size());
        assertEquals("chain-499-0", chainOf(engines.warmed.stream()
                .filter(d -> chainOf(d).startsWith("chain-499")).findFirst().orElseThrow()).substring(0, 11));
        assertTrue(engines.warmed.stream().noneMatch(d -> chainOf(d).startsWith("chain-199-")), "older than the newest 300");

        NotingEngines few = new NotingEngines();
        GpuWarmStart limited = run(log, few, 300, 7);
        assertEquals(7, few.warmed.size());
        assertEquals(7L, limited.status().get("devices"));
    }

    @Test
    void aLogThatCannotBeReadLeavesTheWarmStartFailedAndOffMeansOff() {
        MemoryLog log = new MemoryLog();
        log.failing = true;
        GpuWarmStart w = run(log, new NotingEngines(), 100, 100);
        assertEquals("failed", w.status().get("state"));
        assertTrue(String.valueOf(w.status().get("error")).contains("database down"), w.status().toString());

        GpuWarmStart off = new GpuWarmStart(new MemoryLog(), new NotingEngines(),
                () -> new VerificationContext(CLOCK, TrustAnchors.builtIn()), CLOCK, 0, 100).start();
        assertEquals("off", off.status().get("state"));
        assertTrue(off.finished());
    }
}

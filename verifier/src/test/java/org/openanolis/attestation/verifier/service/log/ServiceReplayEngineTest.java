package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.AttestRequest;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.DefaultAppraiser;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.log.AppraisalOutcome;
import org.openanolis.attestation.verifier.log.EarStatus;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.PolicyReference;
import org.openanolis.attestation.verifier.log.ReplayEngine;
import org.openanolis.attestation.verifier.log.Sha256Digest;

/** LogRecorder entries and ServiceReplayEngine checks without HTTP, with the stand-in engines. */
class ServiceReplayEngineTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00.123456Z");
    private final Map<Sha256Digest, byte[]> blobs = new HashMap<>();

    /** Runs the service pipeline on a request bound to {@code nonce} and returns its log entry. */
    private LogEntry entry(int gpus, boolean badGpuNonce) {
        byte[] nonce = new byte[65];
        nonce[1] = 7;
        byte[] gpuNonce = badGpuNonce ? new byte[32] : AttestationService.gpuNonce(nonce);
        List<byte[]> gpuEvidence = new ArrayList<>();
        List<GpuEvidence> gpuItems = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            byte[] ev = java.util.Arrays.copyOf(gpuNonce, 40);
            ev[39] = (byte) i;
            gpuEvidence.add(ev);
            gpuItems.add(new GpuEvidence("nvgpu", ev, "pem".getBytes()));
        }
        byte[] runtime = AttestationService.runtimeData(null, gpuEvidence);
        byte[] quote = Digests.sha512(nonce, runtime);
        AttestRequest req = new AttestRequest(Base64.getUrlEncoder().withoutPadding().encodeToString(nonce), runtime,
                new CpuEvidence("tdx", quote, Map.of()), gpuItems, Map.of(), null);
        CollateralUsage usage = new CollateralUsage();
        VerificationContext ctx = new VerificationContext(Clock.fixed(AT, ZoneOffset.UTC), TrustAnchors.builtIn());
        AttestationRecorder.Record record;
        try {
            AttestationService.Outcome o = AttestationService.verifyAndAppraise(nonce, req,
                    LogServiceVolumeTest.StandInEngines.live(), new DefaultAppraiser(), ctx, usage);
            record = new AttestationRecorder.Record(req, o, "jti-1", null, usage.used(), AT);
        } catch (VerificationException e) {
            record = new AttestationRecorder.Record(req, null, "failed-1", e, usage.used(), AT);
        }
        return LogRecorder.entryOf(record, blobs, "test", Map.of("ocsp_mode", "off"));
    }

    private AppraisalOutcome replay(LogEntry e, ServiceReplayEngine.PolicyResolver policies) throws Exception {
        ServiceReplayEngine engine = new ServiceReplayEngine(TrustAnchors.builtIn(), policies, (byDevice, gpus, mode) -> {
            List<Map<String, byte[]>> g = new ArrayList<>();
            for (int i = 0; i < gpus; i++) {
                g.add(byDevice.getOrDefault("gpu" + i, Map.of()));
            }
            return new LogServiceVolumeTest.StandInEngines(byDevice.getOrDefault("cpu", Map.of()), g);
        });
        return engine.replay(e, ref -> blobs.get(ref.sha256()).clone());
    }

    @Test
    void passedAndFailedEntriesReplayToTheirRecordedOutcome() throws Exception {
        LogEntry passed = entry(2, false);
        assertEquals(EarStatus.AFFIRMING, passed.outcome().status());
        assertEquals(AT, passed.instant());
        assertEquals(3, passed.collateral().size(), "tcb_info for the CPU and a driver RIM per GPU");
        AppraisalOutcome r = replay(passed, ref -> new DefaultAppraiser());
        assertEquals(EarStatus.AFFIRMING, r.status());
        assertNull(r.reason());

        LogEntry failed = entry(1, true);
        assertEquals(ReasonCode.BINDING_MISMATCH, failed.outcome().reason());
        assertEquals(ReasonCode.BINDING_MISMATCH, replay(failed, ref -> new DefaultAppraiser()).reason());
        assertEquals(LogEntry.decode(failed.encode()), failed);
    }

    @Test
    void aDriftedAppraisalIsReported() throws Exception {
        LogEntry passed = entry(1, false);
        // A policy that now says warning: the status diverges (the auditor reports REPLAY_DIVERGENCE).
        AppraisalOutcome warned = replay(passed, ref -> (device, ev, id) -> {
            Appraiser.Appraisal a = new DefaultAppraiser().appraise(device, ev, id);
            return new Appraiser.Appraisal("warning", a.trustVector(), a.policyId(), a.explanation());
        });
        assertEquals(EarStatus.WARNING, warned.status());
        // Same status, another trust vector: reported as a per-device difference.
        assertThrows(ReplayEngine.ReplayException.class, () -> replay(passed, ref -> (device, ev, id) -> {
            Appraiser.Appraisal a = new DefaultAppraiser().appraise(device, ev, id);
            Map<String, Integer> tv = new LinkedHashMap<>(a.trustVector());
            tv.put("hardware", 3);
            return new Appraiser.Appraisal(a.status(), tv, a.policyId(), a.explanation());
        }));
    }

    @Test
    void policyReferences() throws Exception {
        String hash = "ab".repeat(32);
        PolicyReference engine = LogRecorder.policyReference("tdx-prod@3#" + hash);
        assertEquals(new PolicyReference("tdx-prod", 3, Sha256Digest.ofHex(hash)), engine);
        PolicyReference builtin = LogRecorder.policyReference("default-tdx@0#sha256:" + hash);
        assertEquals(0, builtin.version());
        assertThrows(ReplayEngine.ReplayException.class, () -> ServiceReplayEngine.BUILT_IN.appraiserFor(engine));
        ServiceReplayEngine.BUILT_IN.appraiserFor(builtin);
    }
}

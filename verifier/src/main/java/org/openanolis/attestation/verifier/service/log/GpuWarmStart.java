package org.openanolis.attestation.verifier.service.log;

import com.nimbusds.jose.JOSEException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Supplier;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.AttestRequest;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.verifier.attest.RecordedDevice;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.EvidenceItem;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.LogFormatException;
import org.openanolis.attestation.verifier.log.LogRecords;
import org.openanolis.attestation.verifier.log.LogSource;
import org.openanolis.attestation.verifier.log.LogStorageException;
import org.openanolis.attestation.verifier.log.Sha256Digest;
import org.openanolis.attestation.verifier.service.AttestationServer;
import org.openanolis.attestation.verifier.token.EarTokenIssuer;

/**
 * The warm start of a (re)started service from its own verification log: the GPUs and NVSwitches
 * of the newest {@code maxEntries} entries (those that issued a token; a failure or denial may not
 * have used its devices' collateral) get their device chains validated into the engines' caches, and the OCSP answers recorded with them that are still good are held again. A
 * 10,000-GPU cluster that reboots together with its attestation service (a site power event) then
 * costs what a fleet reboot costs instead of what 10,000 never-seen devices cost: two P-384
 * verifications with first-seen keys and an OCSP round trip per device.
 *
 * <p>Nothing read here is trusted: every chain is validated against the pinned root as a request
 * would, every answer is judged (signature, certificate, window, status good) before it is held,
 * and every request still judges everything again. A damaged or doctored log can only waste the
 * warm-up's own bounded CPU. Runs on one background thread, newest entries first; requests are
 * served from the start and simply find more of their devices cached as it proceeds. The newest
 * entries are also rehearsed as whole requests ({@link #rehearseWith}): in a new JVM that compiles
 * the request path, which otherwise runs interpreted through the first storm.
 */
public final class GpuWarmStart implements Runnable {
    private static final System.Logger LOG = System.getLogger(GpuWarmStart.class.getName());
    private static final int PAGE = 200;

    /**
     * Newest entries also rehearsed as whole requests (see {@link #rehearseWith}). In a new JVM,
     * 1,000 8-GPU entries cost ~20 CPU-s in the background (~8 of them compiling) and make the
     * first boot storm after the restart cost about half (docs/performance-replicas.md).
     */
    public static final int REHEARSED_ENTRIES = Integer.getInteger("attestation.warm_start_rehearse", 1000);

    private final LogSource log;
    private final EvidenceVerifiers verifiers;
    private final Supplier<VerificationContext> context;
    private final Clock clock;
    private final int maxEntries;
    private final int maxDevices;

    private volatile String state = "pending";
    private volatile boolean stopped;
    private volatile String error;
    private volatile long entriesRead;
    private volatile long devices;
    private volatile long chainsInvalid;
    private volatile long ocspAnswersOffered;
    private volatile long rehearsed;
    private volatile long rehearsalsFailed;
    private Supplier<Appraiser> appraiser;
    private EarTokenIssuer issuer;
    private LogRecorder recorder;
    private int rehearseEntries;
    private volatile Instant started;
    private volatile Duration took;

    /**
     * @param maxEntries newest log entries to read (0: off)
     * @param maxDevices distinct devices to warm at most (the engines' per-device cache size)
     */
    public GpuWarmStart(LogSource log, EvidenceVerifiers verifiers, Supplier<VerificationContext> context, Clock clock,
                        int maxEntries, int maxDevices) {
        this.log = log;
        this.verifiers = verifiers;
        this.context = context;
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxDevices = maxDevices;
        if (maxEntries <= 0) {
            state = "off";
        }
    }

    /**
     * Also rehearses the newest {@code entries} attestation entries that issued a token as whole
     * requests, once each, after their devices are warm: the recorded request rebuilt as the API's
     * JSON body and read as the API reads it; verification and binding with this service's engines fed only with
     * what the entry recorded ({@link EvidenceVerifiers#recorded}, clock at the recorded instant);
     * the appraisal with the current policies; the token built and signed with the issuer's
     * throw-away rehearsal key ({@link EarTokenIssuer#rehearse}); the log entry built and encoded.
     * Nothing is appended, returned or kept: no nonce is consumed, no token leaves, the log is
     * unchanged. In a new JVM this compiles the request path before the fleet arrives. 0: off.
     */
    public GpuWarmStart rehearseWith(Supplier<Appraiser> appraiser, EarTokenIssuer issuer, LogRecorder recorder,
                                     int entries) {
        this.appraiser = Objects.requireNonNull(appraiser);
        this.issuer = Objects.requireNonNull(issuer);
        this.recorder = Objects.requireNonNull(recorder);
        this.rehearseEntries = Math.max(0, entries);
        return this;
    }

    /** Starts the warm-up on its own daemon thread (nothing when off). */
    public GpuWarmStart start() {
        if (maxEntries > 0) {
            Thread t = new Thread(this, "gpu-warm-start");
            t.setDaemon(true);
            t.start();
        }
        return this;
    }

    /** Asks the warm-up to stop after the device it is on (service shutdown). */
    public void stop() {
        stopped = true;
    }

    /** For {@code /v1/status}: state ({@code off}, {@code pending}, {@code running}, {@code done}, {@code stopped}, {@code failed}) and counts. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state);
        m.put("max_entries", maxEntries);
        m.put("entries_read", entriesRead);
        m.put("devices", devices);
        m.put("chains_invalid", chainsInvalid);
        m.put("ocsp_answers_offered", ocspAnswersOffered);
        m.put("requests_rehearsed", rehearsed);
        m.put("rehearsals_failed", rehearsalsFailed);
        if (took != null) {
            m.put("seconds", took.toMillis() / 1000.0);
        }
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    /** Whether the warm-up has ended (done, stopped, failed or off). */
    public boolean finished() {
        String s = state;
        return !s.equals("pending") && !s.equals("running");
    }

    @Override
    public void run() {
        started = clock.instant();
        state = "running";
        try {
            warm();
            state = stopped ? "stopped" : "done";
        } catch (LogStorageException | RuntimeException e) {
            error = String.valueOf(e.getMessage());
            state = stopped ? "stopped" : "failed";
            if (!stopped) {
                LOG.log(System.Logger.Level.WARNING, "GPU warm start from the verification log failed", e);
            }
        } finally {
            took = Duration.between(started, clock.instant());
        }
        LOG.log(System.Logger.Level.INFO, "GPU warm start " + state + ": " + status());
    }

    private void warm() throws LogStorageException {
        long end = log.endIndex();
        long first = Math.max(log.firstIndex(), end - maxEntries);
        Set<String> seenChains = new HashSet<>();
        // Answers about the CAs every device shares repeat in every entry: read each digest once.
        Map<Sha256Digest, byte[]> blobs = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Sha256Digest, byte[]> eldest) {
                return size() > 1024;
            }
        };
        VerificationContext ctx = context.get();
        for (long to = end; to > first && !stopped; to -= PAGE) {
            long from = Math.max(first, to - PAGE);
            SortedMap<Long, byte[]> page = log.entries(from, to);
            List<byte[]> newestFirst = new ArrayList<>(page.values());
            java.util.Collections.reverse(newestFirst);
            for (byte[] stored : newestFirst) {
                if (stopped || devices >= maxDevices) {
                    return;
                }
                entriesRead++;
                LogEntry entry;
                try {
                    if (!(LogRecords.decode(stored) instanceof LogRecords.Attestation a)) {
                        continue; // a release receipt
                    }
                    entry = a.entry();
                } catch (LogFormatException e) {
                    continue; // the auditor reports it; nothing to warm from
                }
                if (Boolean.FALSE.equals(entry.outcome().explanation().get("token_issued"))) {
                    // A failure or a denial: it may have stopped before the devices' collateral was
                    // used, so an older entry that issued a token speaks for them better.
                    continue;
                }
                warmEntry(entry, seenChains, blobs, ctx);
                if (rehearsed + rehearsalsFailed < rehearseEntries) {
                    rehearse(entry, blobs);
                }
            }
            if (devices >= maxDevices) {
                return;
            }
        }
    }

    /** The bytes of a recorded collateral reference, when present and matching its digest. */
    private byte[] blob(CollateralReference ref, Map<Sha256Digest, byte[]> blobs) throws LogStorageException {
        byte[] bytes = blobs.get(ref.sha256());
        if (bytes == null) {
            bytes = log.collateral(ref.sha256()).orElse(null);
            if (bytes == null || !MessageDigest.isEqual(Digests.sha256(bytes), ref.sha256().bytes())) {
                return null; // missing or damaged: a request will fetch its own
            }
            blobs.put(ref.sha256(), bytes);
        }
        return bytes;
    }

    private void rehearse(LogEntry entry, Map<Sha256Digest, byte[]> blobs) throws LogStorageException {
        if (!Boolean.TRUE.equals(entry.outcome().explanation().get("token_issued"))) {
            return; // the path a fleet takes is the one that issues tokens
        }
        Map<String, Map<String, byte[]>> byDevice = new HashMap<>();
        for (CollateralReference ref : entry.collateral()) {
            byte[] bytes = blob(ref, blobs);
            if (bytes != null) {
                byDevice.computeIfAbsent(ref.submodule(), k -> new HashMap<>()).put(ref.kind(), bytes);
            }
        }
        EvidenceVerifiers engines = verifiers.recorded(byDevice);
        if (engines == null) {
            return;
        }
        try {
            AttestRequest req = AttestationServer.parseAttestBody(requestBody(entry).toBuffer());
            VerificationContext ctx = new VerificationContext(Clock.fixed(entry.instant(), ZoneOffset.UTC),
                    context.get().trustAnchors());
            CollateralUsage usage = new CollateralUsage();
            AttestationService.Outcome o = AttestationService.verifyAndAppraise(entry.nonce(), req, engines,
                    appraiser.get(), ctx, usage);
            if (!o.denied()) {
                issuer.rehearse(AttestationService.toTokenResult(req, o));
            }
            recorder.toEntry(new AttestationRecorder.Record(req, o, "rehearsal", null, usage.used(), entry.instant()),
                    new LinkedHashMap<>()).encode();
            rehearsed++;
        } catch (VerificationException | JOSEException | RuntimeException e) {
            // A recorded failure, an expired certificate, a policy that changed: nothing to keep.
            rehearsalsFailed++;
        }
    }

    /** The API body of the request {@code entry} recorded (what the host sent, as the service logged it). */
    static JsonObject requestBody(LogEntry entry) {
        Map<String, EvidenceItem> cpu = LogRecorder.evidenceOf(entry, "cpu");
        EvidenceItem quote = cpu.containsKey("quote") ? cpu.get("quote") : cpu.get("report");
        EvidenceItem runtime = cpu.get("runtime_data");
        if (quote == null || runtime == null) {
            throw new IllegalArgumentException("entry has no cpu evidence");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        JsonArray gpus = new JsonArray();
        for (String g : LogRecorder.gpuSubmodules(entry)) {
            Map<String, EvidenceItem> ev = LogRecorder.evidenceOf(entry, g);
            EvidenceItem report = ev.get("report");
            EvidenceItem chain = ev.get("cert_chain");
            if (report == null || chain == null) {
                throw new IllegalArgumentException(g + " lacks report or cert_chain");
            }
            gpus.add(new JsonObject().put("tee", report.tee()).put("evidence", b64.encodeToString(report.bytes()))
                    .put("cert_chain", new String(chain.bytes(), StandardCharsets.ISO_8859_1)));
        }
        JsonObject body = new JsonObject()
                .put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(entry.nonce()))
                .put("runtime_data", b64.encodeToString(runtime.bytes()))
                .put("cpu", new JsonObject().put("tee", quote.tee()).put("evidence", b64.encodeToString(quote.bytes())))
                .put("gpus", gpus);
        if (entry.outcome().explanation().get("requested_policies") instanceof Map<?, ?> requested && !requested.isEmpty()) {
            JsonObject ids = new JsonObject();
            requested.forEach((k, v) -> ids.put(String.valueOf(k), String.valueOf(v)));
            body.put("policy_ids", ids);
        }
        return body;
    }

    private void warmEntry(LogEntry entry, Set<String> seenChains, Map<Sha256Digest, byte[]> blobs,
                           VerificationContext ctx) throws LogStorageException {
        Map<String, Map<String, EvidenceItem>> bySubmodule = new HashMap<>();
        for (EvidenceItem e : entry.evidence()) {
            if (GpuEvidence.TEES.contains(e.tee())) {
                bySubmodule.computeIfAbsent(e.submodule(), k -> new HashMap<>()).put(e.kind(), e);
            }
        }
        for (Map.Entry<String, Map<String, EvidenceItem>> d : bySubmodule.entrySet()) {
            EvidenceItem chain = d.getValue().get("cert_chain");
            EvidenceItem report = d.getValue().get("report");
            if (chain == null || report == null || devices >= maxDevices || stopped) {
                continue;
            }
            byte[] pem = chain.bytes();
            if (!seenChains.add(chain.tee() + "/" + Hex.encode(Digests.sha256(pem)))) {
                continue; // a newer entry already warmed this device
            }
            Map<String, byte[]> collateral = new HashMap<>();
            for (CollateralReference ref : entry.collateral()) {
                if (!ref.submodule().equals(d.getKey())) {
                    continue;
                }
                byte[] bytes = blob(ref, blobs);
                if (bytes != null) {
                    collateral.put(ref.kind(), bytes);
                }
            }
            RecordedDevice device;
            try {
                device = new RecordedDevice(new GpuEvidence(chain.tee(), report.bytes(), pem),
                        collateral, entry.instant());
            } catch (IllegalArgumentException e) {
                continue;
            }
            devices++;
            ocspAnswersOffered += collateral.keySet().stream().filter(k -> k.startsWith("ocsp/")).count();
            if (!verifiers.warmGpu(device, ctx)) {
                chainsInvalid++;
            }
        }
    }
}

package org.openanolis.attestation.verifier.service.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.attest.Appraiser;
import org.openanolis.attestation.verifier.attest.AttestRequest;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.CollateralUsage;
import org.openanolis.attestation.verifier.attest.GpuEvidence;
import org.openanolis.attestation.policies.DocumentSource;
import org.openanolis.attestation.policies.ReferenceSetUse;
import org.openanolis.attestation.verifier.log.AppliedPolicy;
import org.openanolis.attestation.verifier.log.AppraisalOutcome;
import org.openanolis.attestation.verifier.log.CollateralReference;
import org.openanolis.attestation.verifier.log.EarStatus;
import org.openanolis.attestation.verifier.log.EvidenceItem;
import org.openanolis.attestation.verifier.log.JdbcLogStore;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.PolicyReference;
import org.openanolis.attestation.verifier.log.ReferenceSetReference;
import org.openanolis.attestation.verifier.log.Sha256Digest;

/**
 * The service's {@link AttestationRecorder}: appends one {@link LogEntry} per appraisal (passed or
 * failed) to the {@link JdbcLogStore}, and completes only after the group commit, so that no token
 * leaves the service without its entry. The entry layout the service uses is documented in
 * {@code docs/verification-log.md} ("What the service records"):
 *
 * <ul>
 *   <li>evidence {@code cpu/<tee>/quote} (TDX/SGX) or {@code cpu/snp/report},
 *       {@code cpu/<tee>/runtime_data}; per GPU {@code gpu<i>/<tee>/report}, {@code cert_chain} and
 *       {@code nonce} (the SPDM nonce, SHA-256 of the service nonce);</li>
 *   <li>collateral: what the engines were handed ({@link CollateralUsage}), by digest;</li>
 *   <li>policies: per appraised device, the policy ({@code id@version#sha256hex} as the policy
 *       engine names it) with its document stored by that digest, and the reference-value sets it
 *       read (name, state, version, digest, document); none for a verification failure;</li>
 *   <li>outcome: the worst device status and no reason, or {@code contraindicated} with the
 *       failure's reason code; the explanation holds per-device status, policy, trust vector and
 *       rule results, the requested policy ids and the OCSP mode (what a replay needs).</li>
 * </ul>
 */
public final class LogRecorder implements AttestationRecorder {
    private static final Pattern ENGINE_POLICY = Pattern.compile("(.+)@(\\d+)#(?:sha256:)?([0-9a-f]{64})");

    private final JdbcLogStore store;
    private final String verifierVersion;
    private final Map<String, Object> settings;

    /**
     * @param settings verification settings a replay must reuse ({@code ocsp_mode}), recorded in
     *     every explanation
     */
    public LogRecorder(JdbcLogStore store, String verifierVersion, Map<String, Object> settings) {
        this.store = Objects.requireNonNull(store);
        this.verifierVersion = Objects.requireNonNull(verifierVersion);
        this.settings = Map.copyOf(settings);
    }

    @Override
    public CompletableFuture<Long> record(Record record) {
        LogEntry entry;
        Map<Sha256Digest, byte[]> blobs = new LinkedHashMap<>();
        try {
            entry = toEntry(record, blobs);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return store.append(entry, blobs);
    }

    /** Builds the entry of {@code record}; collateral bytes go to {@code blobs} by digest. */
    LogEntry toEntry(Record record, Map<Sha256Digest, byte[]> blobs) {
        return entryOf(record, blobs, verifierVersion, settings);
    }

    /** The entry of {@code record} as a service of {@code verifierVersion} with {@code settings} writes it. */
    static LogEntry entryOf(Record record, Map<Sha256Digest, byte[]> blobs, String verifierVersion,
                            Map<String, Object> settings) {
        AttestRequest req = record.request();
        LogEntry.Builder b = LogEntry.builder();
        String cpuTee = req.cpu().tee();
        b.addEvidence(new EvidenceItem("cpu", cpuTee, cpuTee.equals("snp") ? "report" : "quote", req.cpu().evidence()));
        b.addEvidence(new EvidenceItem("cpu", cpuTee, "runtime_data", req.runtimeData()));
        byte[] nonce = Base64.getUrlDecoder().decode(req.nonce());
        byte[] gpuNonce = AttestationService.gpuNonce(nonce);
        for (int i = 0; i < req.gpus().size(); i++) {
            GpuEvidence g = req.gpus().get(i);
            b.addEvidence(new EvidenceItem("gpu" + i, g.tee(), "report", g.report()));
            b.addEvidence(new EvidenceItem("gpu" + i, g.tee(), "cert_chain", g.certChainPem()));
            b.addEvidence(new EvidenceItem("gpu" + i, g.tee(), "nonce", gpuNonce));
        }
        for (CollateralUsage.Used u : record.collateral()) {
            Sha256Digest d = Sha256Digest.of(u.digest());
            if (!blobs.containsKey(d)) {
                blobs.put(d, u.bytes());
            }
            b.addCollateral(new CollateralReference(u.device(), u.kind(), d));
        }
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("requested_policies", new LinkedHashMap<>(req.policyIds()));
        explanation.put("settings", settings);
        if (record.failure() != null) {
            // No policy was evaluated: verification failed first. The entry records no policy.
            VerificationException f = record.failure();
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("reason", f.code() == null ? null : f.code().name());
            failure.put("field", f.field());
            failure.put("message", String.valueOf(f.getMessage()));
            explanation.put("failure", failure);
            explanation.put("token_issued", false);
            b.outcome(new AppraisalOutcome(EarStatus.CONTRAINDICATED, f.code(), explanation));
        } else {
            Map<String, Appraiser.Appraisal> appraisals = record.outcome().appraisals();
            for (Map.Entry<String, Appraiser.Appraisal> a : appraisals.entrySet()) {
                b.addPolicy(appliedPolicy(a.getKey(), a.getValue(), blobs));
            }
            explanation.put("devices", devices(appraisals));
            // A denial is recorded with its full appraisal under a "denied-" jti, and no token.
            explanation.put("token_issued", !record.outcome().denied());
            b.outcome(new AppraisalOutcome(overall(appraisals), null, explanation));
        }
        return b.verifierVersion(verifierVersion).instant(record.instant()).jti(record.jti()).nonce(nonce).build();
    }

    /**
     * The policy {@code device} was appraised with, and the reference sets it read. The documents'
     * bytes and digests come from the policy engine, which holds them per compiled version: nothing
     * is serialised or hashed here, and the store sends a digest it already committed no further.
     */
    static AppliedPolicy appliedPolicy(String device, Appraiser.Appraisal a, Map<Sha256Digest, byte[]> blobs) {
        PolicyReference ref = policyReference(a.policyId());
        Appraiser.Provenance p = a.provenance();
        if (p == null) {
            return new AppliedPolicy(device, ref, null, List.of());
        }
        String format = null;
        DocumentSource doc = p.policy();
        if (doc != null) {
            if (!doc.sha256().equals(ref.sha256().hex())) {
                throw new IllegalStateException("the policy document of " + device + " does not carry the hash of "
                        + a.policyId());
            }
            format = formatName(doc);
            blobs.putIfAbsent(ref.sha256(), doc.bytes());
        }
        List<ReferenceSetReference> sets = new ArrayList<>(p.references().size());
        for (ReferenceSetUse u : p.references()) {
            Sha256Digest digest = u.contentHash() == null ? null : Sha256Digest.ofHex(u.contentHash());
            String setFormat = null;
            if (u.source() != null) {
                setFormat = formatName(u.source());
                blobs.putIfAbsent(digest, u.source().bytes());
            }
            sets.add(new ReferenceSetReference(u.name(), u.state(), u.version(), digest, setFormat));
        }
        return new AppliedPolicy(device, ref, format, sets);
    }

    private static String formatName(DocumentSource d) {
        return d.format().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Per-device status, policy, trust vector and rules: the part of the explanation a replay reproduces. */
    public static Map<String, Object> devices(Map<String, Appraiser.Appraisal> appraisals) {
        Map<String, Object> devices = new LinkedHashMap<>();
        appraisals.forEach((device, a) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("status", a.status());
            d.put("policy", a.policyId());
            d.put("trust_vector", new LinkedHashMap<>(a.trustVector()));
            d.put("rules", new ArrayList<>(a.explanation()));
            devices.put(device, d);
        });
        return devices;
    }

    /**
     * The worst status of the devices, by the policy engine's own ordering; a status the engine
     * does not know counts as contraindicated (fail closed).
     */
    public static EarStatus overall(Map<String, Appraiser.Appraisal> appraisals) {
        org.openanolis.attestation.policies.EarStatus worst = org.openanolis.attestation.policies.EarStatus.AFFIRMING;
        for (Appraiser.Appraisal a : appraisals.values()) {
            worst = worst.worst(org.openanolis.attestation.policies.EarStatus.fromValue(a.status())
                    .orElse(org.openanolis.attestation.policies.EarStatus.CONTRAINDICATED));
        }
        return EarStatus.valueOf(worst.name());
    }

    /**
     * The log's reference for an appraisal's policy id: {@code id@version#sha256hex} (the policy
     * engine's form) is split; any other id is a built-in policy, version 0, whose "document" is
     * the text {@code builtin:<id>}.
     */
    public static PolicyReference policyReference(String policyId) {
        Matcher m = ENGINE_POLICY.matcher(policyId);
        if (m.matches()) {
            return new PolicyReference(m.group(1), Long.parseLong(m.group(2)), Sha256Digest.ofHex(m.group(3)));
        }
        return new PolicyReference(policyId, 0, Sha256Digest.digest(("builtin:" + policyId).getBytes(StandardCharsets.UTF_8)));
    }

    /** The evidence items of {@code submodule} in an entry, by kind. */
    static Map<String, EvidenceItem> evidenceOf(LogEntry entry, String submodule) {
        Map<String, EvidenceItem> m = new LinkedHashMap<>();
        for (EvidenceItem e : entry.evidence()) {
            if (e.submodule().equals(submodule)) {
                m.put(e.kind(), e);
            }
        }
        return m;
    }

    /** GPU submodules of an entry in order ({@code gpu0}, {@code gpu1}, ...). */
    static List<String> gpuSubmodules(LogEntry entry) {
        List<String> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            String s = "gpu" + i;
            if (evidenceOf(entry, s).isEmpty()) {
                return out;
            }
            out.add(s);
        }
    }
}

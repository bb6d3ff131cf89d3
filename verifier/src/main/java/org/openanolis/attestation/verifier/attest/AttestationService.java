package org.openanolis.attestation.verifier.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.nonce.NonceService;
import org.openanolis.attestation.verifier.token.EarTokenIssuer;

/**
 * The composite attestation pipeline of {@code POST /v1/attest}: nonce → CPU verification →
 * binding → GPU verification → appraisal → record → token. Framework-independent: the HTTP layer
 * only translates JSON.
 *
 * <p>Binding rules (docs/api.md): CPU report data = SHA-512(nonce ‖ runtime_data); runtime_data
 * lists SHA-256 of every GPU evidence in request order; every GPU's SPDM nonce =
 * SHA-256(nonce). The GPU nonce cannot be taken from the CPU report data, because that report data
 * hashes runtime_data, which hashes the GPU evidence, which contains the GPU nonce: a fixed point
 * of SHA-512 nobody can compute. With this rule the GPUs prove freshness through the service
 * nonce and the CPU quote pins exactly which GPU evidence belongs to this TEE.
 */
public final class AttestationService {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A completed appraisal: per-device verified evidence and appraisal (with the policy's full
     * explanation), and the TEE key.
     */
    public record Outcome(Map<String, VerifiedEvidence> evidence, Map<String, Appraiser.Appraisal> appraisals,
                          Map<String, Object> teePublicJwk) {
        /** Whether any device's appraisal is a denial: no token, {@code POLICY_DENIED}. */
        public boolean denied() {
            return appraisals.values().stream().anyMatch(Appraiser.Appraisal::denied);
        }
    }

    /** The service's answer: the token and the log index of its entry. */
    public record Attestation(EarTokenIssuer.Issued token, Outcome outcome, long logIndex) {}

    private final NonceService nonces;
    private final EvidenceVerifiers verifiers;
    private final Supplier<Appraiser> appraiser;
    private final EarTokenIssuer issuer;
    private final AttestationRecorder recorder;
    private final Supplier<VerificationContext> context;

    public AttestationService(NonceService nonces, EvidenceVerifiers verifiers, Supplier<Appraiser> appraiser,
                              EarTokenIssuer issuer, AttestationRecorder recorder,
                              Supplier<VerificationContext> context) {
        this.nonces = nonces;
        this.verifiers = verifiers;
        this.appraiser = appraiser;
        this.issuer = issuer;
        this.recorder = recorder;
        this.context = context;
    }

    /** The context with its clock fixed at one instant, so that the instant the log records is the one judged at. */
    private static VerificationContext pinned(VerificationContext ctx) {
        return new VerificationContext(Clock.fixed(ctx.clock().instant(), ZoneOffset.UTC), ctx.trustAnchors());
    }

    /**
     * Everything after the nonce check: CPU verification, binding, GPU verification and appraisal,
     * with the collateral each engine was given noted in {@code usage}. The service calls it with
     * a MAC-checked nonce; a log replay calls it with the recorded nonce, engines fed only with the
     * recorded collateral, and a clock fixed at the recorded instant.
     */
    public static Outcome verifyAndAppraise(byte[] nonce, AttestRequest req, EvidenceVerifiers verifiers,
                                            Appraiser appraiser, VerificationContext ctx, CollateralUsage usage)
            throws VerificationException {
        RuntimeData runtime = RuntimeData.parse(req.runtimeData(), req.gpus().size());

        Map<String, VerifiedEvidence> evidence = new LinkedHashMap<>();
        VerifiedEvidence cpu = usage.run("cpu", () -> verifiers.verifyCpu(req.cpu(), ctx));
        byte[] expectedReportData = Digests.sha512(nonce, req.runtimeData());
        byte[] reportData = hexClaim(cpu, "report_data");
        if (!MessageDigest.isEqual(expectedReportData, reportData)) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "cpu.report_data",
                    Hex.encode(expectedReportData), Hex.encode(reportData));
        }
        evidence.put("cpu", cpu);

        byte[] gpuNonce = gpuNonce(nonce);
        for (int i = 0; i < req.gpus().size(); i++) {
            GpuEvidence g = req.gpus().get(i);
            byte[] digest = Digests.sha256(g.report());
            if (!MessageDigest.isEqual(digest, runtime.gpuDigests().get(i))) {
                throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH,
                        "runtime_data.gpu_evidence_sha256[" + i + "]",
                        Hex.encode(digest), Hex.encode(runtime.gpuDigests().get(i)));
            }
            evidence.put("gpu" + i, usage.run("gpu" + i, () -> verifiers.verifyGpu(g, gpuNonce, ctx)));
        }

        Map<String, Appraiser.Appraisal> appraisals = new LinkedHashMap<>();
        for (Map.Entry<String, VerifiedEvidence> e : evidence.entrySet()) {
            String kind = e.getKey().equals("cpu") ? "cpu" : "gpu";
            appraisals.put(e.getKey(), appraiser.appraise(e.getKey(), e.getValue(), req.policyIds().get(kind)));
        }
        return new Outcome(evidence, appraisals, runtime.teePublicJwk());
    }

    /**
     * The whole pipeline: appraise, record, then issue the token. The returned future fails with
     * the verification exception, or with the recorder's error (no token without its log entry).
     * A denied outcome is recorded (under a {@code denied-} jti that no token carries) and then
     * fails with {@link PolicyDeniedException}, so the log holds the full explanation of every
     * denial.
     *
     * <p>Once the nonce is valid, a verification failure is an appraisal outcome too: it is
     * recorded (with its reason code and the collateral used so far, under a fresh {@code jti}
     * that no token carries) before the failure is returned. Requests with an invalid or expired
     * nonce are not recorded: they are not appraisals, and anyone could flood the log with them.
     */
    public CompletableFuture<Attestation> attest(AttestRequest req) {
        byte[] nonce;
        try {
            nonce = nonces.verify(req.nonce());
        } catch (VerificationException e) {
            return CompletableFuture.failedFuture(e);
        }
        VerificationContext ctx = pinned(context.get());
        Instant instant = ctx.clock().instant();
        CollateralUsage usage = new CollateralUsage();
        Outcome outcome;
        try {
            outcome = verifyAndAppraise(nonce, req, verifiers, appraiser.get(), ctx, usage);
        } catch (VerificationException e) {
            String jti = "failed-" + UUID.randomUUID();
            return recorder.record(new AttestationRecorder.Record(req, null, jti, e, usage.used(), instant))
                    .thenCompose(index -> CompletableFuture.failedFuture(new RecordedFailure(e, index)));
        } catch (Appraiser.PolicyUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (outcome.denied()) {
            Outcome denied = outcome;
            String jti = "denied-" + UUID.randomUUID();
            return recorder.record(new AttestationRecorder.Record(req, denied, jti, null, usage.used(), instant))
                    .thenCompose(index -> CompletableFuture.<Attestation>failedFuture(new PolicyDeniedException(denied)));
        }
        EarTokenIssuer.Issued token;
        try {
            token = issuer.issue(toTokenResult(req, outcome));
        } catch (JOSEException e) {
            return CompletableFuture.failedFuture(e);
        }
        // The token exists only in memory until its log entry is committed.
        return recorder.record(new AttestationRecorder.Record(req, outcome, token.jti(), null, usage.used(), instant))
                .thenApply(index -> new Attestation(token, outcome, index));
    }

    /** A verification failure that the log recorded at {@code logIndex} (-1 when nothing is kept). */
    public static final class RecordedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient VerificationException failure;
        private final long logIndex;

        public RecordedFailure(VerificationException failure, long logIndex) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
            this.logIndex = logIndex;
        }

        public VerificationException failure() {
            return failure;
        }

        public long logIndex() {
            return logIndex;
        }
    }

    /** What the token of an appraised request says (also the warm start's rehearsal). */
    public static EarTokenIssuer.Result toTokenResult(AttestRequest req, Outcome o) {
        Map<String, EarTokenIssuer.Submod> submods = new LinkedHashMap<>();
        for (Map.Entry<String, VerifiedEvidence> e : o.evidence().entrySet()) {
            Appraiser.Appraisal ap = o.appraisals().get(e.getKey());
            Map<String, Object> claims = new LinkedHashMap<>(e.getValue().claims());
            claims.putIfAbsent("tee", e.getValue().tee());
            if (e.getValue().tcbStatus() != null) {
                claims.putIfAbsent("tcb_status", e.getValue().tcbStatus());
                claims.putIfAbsent("advisory_ids", e.getValue().advisoryIds());
            }
            submods.put(e.getKey(), new EarTokenIssuer.Submod(ap.status(), ap.trustVector(), ap.policyId(), claims));
        }
        return new EarTokenIssuer.Result(req.nonce(), req.audience(), o.teePublicJwk(), submods, null);
    }

    /** The SPDM nonce every GPU of a request must have used: SHA-256 of the raw service nonce. */
    public static byte[] gpuNonce(byte[] nonceBytes) {
        return Digests.sha256(nonceBytes);
    }

    private static byte[] hexClaim(VerifiedEvidence ev, String name) throws VerificationException {
        Object v = ev.claims().get(name);
        if (!(v instanceof String s)) {
            throw new VerificationException(ReasonCode.BINDING_MISMATCH, "cpu." + name, "CPU evidence has no " + name);
        }
        return Hex.decode(s);
    }

    /**
     * The attester's runtime data: a JSON object with {@code tee_pubkey} (a public JWK) and
     * {@code gpu_evidence_sha256} (hex SHA-256 of each GPU evidence, in request order).
     */
    record RuntimeData(Map<String, Object> teePublicJwk, List<byte[]> gpuDigests) {
        static RuntimeData parse(byte[] bytes, int gpuCount) throws VerificationException {
            JsonNode root;
            try {
                root = JSON.readTree(bytes);
            } catch (IOException e) {
                throw new VerificationException(ReasonCode.BINDING_MISMATCH, "runtime_data", "runtime_data is not JSON");
            }
            if (root == null || !root.isObject()) {
                throw new VerificationException(ReasonCode.BINDING_MISMATCH, "runtime_data", "runtime_data must be a JSON object");
            }
            Map<String, Object> jwk = null;
            JsonNode k = root.get("tee_pubkey");
            if (k != null && !k.isNull()) {
                try {
                    JWK parsed = JWK.parse(JSON.writeValueAsString(k));
                    if (parsed.isPrivate()) {
                        throw new VerificationException(ReasonCode.BINDING_MISMATCH, "runtime_data.tee_pubkey",
                                "tee_pubkey must not contain private key material");
                    }
                    jwk = parsed.toPublicJWK().toJSONObject();
                } catch (java.text.ParseException | IOException e) {
                    throw new VerificationException(ReasonCode.BINDING_MISMATCH, "runtime_data.tee_pubkey",
                            "tee_pubkey is not a JWK: " + e.getMessage());
                }
            }
            List<byte[]> digests = new ArrayList<>();
            JsonNode d = root.get("gpu_evidence_sha256");
            if (d != null && !d.isNull()) {
                if (!d.isArray()) {
                    throw new VerificationException(ReasonCode.BINDING_MISMATCH, "runtime_data.gpu_evidence_sha256",
                            "gpu_evidence_sha256 must be an array");
                }
                for (JsonNode n : d) {
                    try {
                        byte[] b = Hex.decode(n.asText());
                        if (b.length != 32) {
                            throw new IllegalArgumentException("not 32 bytes");
                        }
                        digests.add(b);
                    } catch (IllegalArgumentException e) {
                        throw new VerificationException(ReasonCode.BINDING_MISMATCH,
                                "runtime_data.gpu_evidence_sha256", "not a hex SHA-256: " + n.asText());
                    }
                }
            }
            if (digests.size() != gpuCount) {
                throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "runtime_data.gpu_evidence_sha256",
                        gpuCount + " digests", digests.size() + " digests");
            }
            return new RuntimeData(jwk, digests);
        }
    }

    /** Builds the runtime_data bytes an attester sends: the recipe documented in docs/api.md. */
    public static byte[] runtimeData(Map<String, Object> teePublicJwk, List<byte[]> gpuEvidence) {
        ObjectNode o = JSON.createObjectNode();
        if (teePublicJwk != null) {
            o.set("tee_pubkey", JSON.valueToTree(teePublicJwk));
        }
        var arr = o.putArray("gpu_evidence_sha256");
        for (byte[] g : gpuEvidence) {
            arr.add(Hex.encode(Digests.sha256(g)));
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

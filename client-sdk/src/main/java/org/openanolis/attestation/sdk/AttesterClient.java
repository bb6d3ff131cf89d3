package org.openanolis.attestation.sdk;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * The attester's side of {@code POST /v1/attest}: fetches a nonce, collects GPU evidence over
 * SHA-256(nonce), builds {@code runtime_data} naming the TEE public key and the GPU evidence
 * digests, collects CPU evidence over SHA-512(nonce ‖ runtime_data), and trades it all for an EAR
 * token. This is exactly the recipe of docs/api.md; evidence comes from caller-supplied
 * {@link CpuEvidenceProvider} and {@link GpuEvidenceProvider}s.
 *
 * <pre>{@code
 * AttesterClient client = AttesterClient.builder(URI.create("https://verifier.example"))
 *         .teePublicKey(teeKey.toPublicJWK())
 *         .cpu(tdxQuoteProvider)
 *         .gpus(List.of(gpu0, gpu1))
 *         .audience("model-gateway")
 *         .build();
 * AttestationToken token = client.attest();
 * }</pre>
 *
 * <p>Answers 503 and 429 (and connection failures) are retried per {@link RetryPolicy}, each
 * attempt from a fresh nonce; any other refusal throws {@link AttestationFailedException} with the
 * service's reason code at once. Instances are immutable and thread-safe.
 */
public final class AttesterClient {
    /** Longest service answer read into memory (a token answer is a few kB); reading stops past it. */
    static final int MAX_ANSWER_BYTES = 256 * 1024;
    /** The certificate fields of {@code cpu} the service accepts (SEV-SNP). */
    private static final java.util.Set<String> CPU_CERTIFICATE_KINDS = java.util.Set.of("vek", "ask", "asvk");

    /** Waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits {@code d}. */
        void sleep(Duration d) throws InterruptedException;
    }

    private final URI base;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final CpuEvidenceProvider cpu;
    private final List<GpuEvidenceProvider> gpus;
    private final Map<String, Object> teePublicJwk;
    private final String audience;
    private final Map<String, String> policyIds;
    private final Map<String, String> cpuCertificates;
    private final RetryPolicy retry;
    private final Sleeper sleeper;

    private AttesterClient(Builder b) {
        String s = b.base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.requestTimeout = b.requestTimeout;
        this.cpu = b.cpu;
        this.gpus = List.copyOf(b.gpus);
        this.teePublicJwk = b.teePublicKey.toJSONObject();
        this.audience = b.audience;
        this.policyIds = Map.copyOf(b.policyIds);
        this.cpuCertificates = Map.copyOf(b.cpu.certificates());
        this.retry = b.retry;
        this.sleeper = b.sleeper;
    }

    /** Starts a builder for the service at {@code serviceUri} (e.g. {@code https://verifier.example}). */
    public static Builder builder(URI serviceUri) {
        return new Builder(serviceUri);
    }

    /**
     * Runs the recipe and returns the token.
     *
     * @throws AttestationFailedException when the service refuses (with its reason code), when
     *                                    retries are exhausted, or when a provider fails
     * @throws InterruptedException       when interrupted while waiting to retry
     */
    public AttestationToken attest() throws AttestationFailedException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Retry again;
            try {
                return attemptOnce();
            } catch (Retry r) {
                again = r;
            }
            if (attempt >= retry.maxAttempts()) {
                throw new AttestationFailedException("gave up after " + attempt + " attempts: " + again.getMessage(),
                        again.status, again.reasonCode, null, again.getCause());
            }
            sleeper.sleep(retry.backoff(attempt, again.retryAfter));
        }
    }

    /** A transient failure: worth another attempt. */
    private static final class Retry extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String reasonCode;
        final transient Duration retryAfter;

        Retry(String message, int status, String reasonCode, Duration retryAfter, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.reasonCode = reasonCode;
            this.retryAfter = retryAfter;
        }
    }

    private AttestationToken attemptOnce() throws Retry, AttestationFailedException, InterruptedException {
        HttpResponse<byte[]> nonceAnswer = send(HttpRequest.newBuilder(base.resolve("/v1/nonce")).GET(), "GET /v1/nonce");
        Map<String, Object> nonceJson = answer(nonceAnswer, "GET /v1/nonce");
        String nonce = string(nonceJson, "nonce", "GET /v1/nonce");
        byte[] nonceBytes;
        try {
            nonceBytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            throw new AttestationFailedException("the service's nonce is not base64url", nonceAnswer.statusCode(),
                    null, "nonce", e);
        }

        byte[] gpuNonce = sha("SHA-256", nonceBytes);
        List<GpuEvidence> gpuEvidence = new ArrayList<>();
        for (int i = 0; i < gpus.size(); i++) {
            try {
                GpuEvidence g = gpus.get(i).evidence(gpuNonce.clone());
                gpuEvidence.add(Objects.requireNonNull(g, "GPU provider " + i + " returned null"));
            } catch (IOException | RuntimeException e) {
                throw new AttestationFailedException("GPU evidence provider " + i + " failed: " + e.getMessage(),
                        0, null, "gpus[" + i + "]", e);
            }
        }
        byte[] runtimeData = runtimeData(teePublicJwk, gpuEvidence);
        byte[] reportData = sha("SHA-512", nonceBytes, runtimeData);
        byte[] quote;
        try {
            quote = Objects.requireNonNull(cpu.evidence(reportData.clone()), "CPU provider returned null");
        } catch (IOException | RuntimeException e) {
            throw new AttestationFailedException("CPU evidence provider failed: " + e.getMessage(), 0, null, "cpu", e);
        }

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtimeData));
        Map<String, Object> cpuItem = new LinkedHashMap<>();
        cpuItem.put("tee", cpu.tee());
        cpuItem.put("evidence", Base64.getEncoder().encodeToString(quote));
        cpuItem.putAll(cpuCertificates);
        body.put("cpu", cpuItem);
        List<Object> gpuItems = new ArrayList<>();
        for (GpuEvidence g : gpuEvidence) {
            gpuItems.add(Map.of("tee", g.tee(), "evidence", Base64.getEncoder().encodeToString(g.report()),
                    "cert_chain", g.certChainPem()));
        }
        body.put("gpus", gpuItems);
        if (!policyIds.isEmpty()) {
            body.put("policy_ids", policyIds);
        }
        if (audience != null) {
            body.put("audience", audience);
        }
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(base.resolve("/v1/attest"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body))), "POST /v1/attest");
        Map<String, Object> json = answer(r, "POST /v1/attest");
        String token = string(json, "token", "POST /v1/attest");
        String jti = string(json, "jti", "POST /v1/attest");
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(string(json, "expires_at", "POST /v1/attest"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new AttestationFailedException("expires_at is not an instant", r.statusCode(), null, "expires_at", e);
        }
        long logIndex = json.get("log_index") instanceof Number n ? n.longValue() : -1;
        Map<String, String> statuses = new LinkedHashMap<>();
        if (json.get("status") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> statuses.put(String.valueOf(k), String.valueOf(v)));
        }
        return new AttestationToken(token, jti, expiresAt, logIndex, statuses);
    }

    /**
     * The exact {@code runtime_data} bytes of the recipe: UTF-8 JSON with {@code tee_pubkey} and
     * {@code gpu_evidence_sha256} (hex SHA-256 of each GPU report, in request order).
     */
    static byte[] runtimeData(Map<String, Object> teePublicJwk, List<GpuEvidence> gpuEvidence) {
        List<Object> digests = new ArrayList<>();
        for (GpuEvidence g : gpuEvidence) {
            digests.add(hex(sha("SHA-256", g.report())));
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("tee_pubkey", teePublicJwk);
        o.put("gpu_evidence_sha256", digests);
        return JSONObjectUtils.toJSONString(o).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One exchange, bounded ({@link BoundedHttp}): {@code requestTimeout} covers it whole, body
     * included, and at most {@link #MAX_ANSWER_BYTES} of answer are read.
     */
    private HttpResponse<byte[]> send(HttpRequest.Builder request, String what) throws Retry, AttestationFailedException,
            InterruptedException {
        try {
            return BoundedHttp.send(http, request.timeout(requestTimeout).header("Accept", "application/json").build(),
                    MAX_ANSWER_BYTES, requestTimeout);
        } catch (BoundedHttp.BodyTooLargeException e) {
            throw new AttestationFailedException(what + ": answer too large (more than " + MAX_ANSWER_BYTES + " bytes)",
                    0, null, null, e);
        } catch (ConnectException | HttpTimeoutException e) {
            throw new Retry("service unreachable: " + e, 0, null, null, e);
        } catch (IOException e) {
            throw new AttestationFailedException("I/O error talking to the service: " + e, 0, null, null, e);
        }
    }

    /** The JSON body of a 200, or the right exception for anything else. */
    private static Map<String, Object> answer(HttpResponse<byte[]> r, String what)
            throws Retry, AttestationFailedException {
        int status = r.statusCode();
        String text = r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8);
        Map<String, Object> json;
        try {
            json = text.isEmpty() ? Map.of() : JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            json = Map.of();
        }
        String code = json.get("code") instanceof String s ? s : null;
        String field = json.get("field") instanceof String s ? s : null;
        String detail = json.get("detail") instanceof String s ? s : "HTTP " + status;
        if (status == 503 || status == 429) {
            throw new Retry(what + ": " + detail, status, code, retryAfter(r), null);
        }
        if (status != 200) {
            throw new AttestationFailedException(what + " refused (" + status + (code != null ? ", " + code : "")
                    + (field != null ? " at " + field : "") + "): " + detail, status, code, field, null);
        }
        if (json.isEmpty()) {
            throw new AttestationFailedException(what + ": answer is not a JSON object", status, null, null, null);
        }
        return json;
    }

    private static Duration retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return null; // an HTTP-date: fall back to our own back-off
            }
        }).orElse(null);
    }

    private static String string(Map<String, Object> json, String key, String what) throws AttestationFailedException {
        if (json.get(key) instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new AttestationFailedException(what + ": answer lacks " + key, 200, null, key, null);
    }

    static byte[] sha(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /**
     * Configures an {@link AttesterClient}. Required: the CPU evidence provider and the TEE public
     * key. {@code build()} refuses a private key, a missing provider or an unknown policy kind.
     */
    public static final class Builder {
        private final URI base;
        private HttpClient http;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private CpuEvidenceProvider cpu;
        private List<GpuEvidenceProvider> gpus = List.of();
        private JWK teePublicKey;
        private String audience;
        private final Map<String, String> policyIds = new LinkedHashMap<>();
        private RetryPolicy retry = RetryPolicy.standard();
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder(URI base) {
            Objects.requireNonNull(base, "serviceUri");
            if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme())) {
                throw new IllegalArgumentException("service URI must be http(s): " + base);
            }
            this.base = base;
        }

        /** The HTTP client to use (default: a new JDK client with a 10 s connect timeout). */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client);
            return this;
        }

        /** Time limit of each HTTP request (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Where the CPU quote or report comes from (required). */
        public Builder cpu(CpuEvidenceProvider provider) {
            this.cpu = Objects.requireNonNull(provider);
            return this;
        }

        /** GPU/NVSwitch providers in device order (default none; at most 12). */
        public Builder gpus(List<GpuEvidenceProvider> providers) {
            this.gpus = List.copyOf(providers);
            return this;
        }

        /**
         * The public key of the TEE (required): it becomes {@code cnf.jwk} of the token and model
         * keys are wrapped to it. The matching private key must never leave the TEE.
         */
        public Builder teePublicKey(JWK publicKey) {
            this.teePublicKey = Objects.requireNonNull(publicKey);
            return this;
        }

        /** The {@code aud} the token is for (optional; relying parties normally require one). */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience);
            return this;
        }

        /** Ask for an appraisal policy: {@code kind} is {@code cpu} or {@code gpu}. */
        public Builder policyId(String kind, String policyId) {
            if (!"cpu".equals(kind) && !"gpu".equals(kind)) {
                throw new IllegalArgumentException("policy kind must be cpu or gpu");
            }
            policyIds.put(kind, Objects.requireNonNull(policyId));
            return this;
        }

        /** How to retry 503/429 (default {@link RetryPolicy#standard()}). */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy);
            return this;
        }

        /** How to wait between attempts (default {@link Thread#sleep}); for tests. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        /** Checks the configuration and builds the client. */
        public AttesterClient build() {
            if (cpu == null) {
                throw new IllegalStateException("cpu(provider) is required");
            }
            if (teePublicKey == null) {
                throw new IllegalStateException("teePublicKey(jwk) is required");
            }
            if (teePublicKey.isPrivate()) {
                throw new IllegalStateException("teePublicKey must be the public key; the private key stays in the TEE");
            }
            if (!java.util.Set.of("tdx", "sgx", "snp").contains(cpu.tee())) {
                throw new IllegalStateException("cpu.tee() must be tdx, sgx or snp");
            }
            if (!CPU_CERTIFICATE_KINDS.containsAll(cpu.certificates().keySet())) {
                throw new IllegalStateException("CPU certificates must be among " + CPU_CERTIFICATE_KINDS);
            }
            if (!cpu.certificates().isEmpty() && !"snp".equals(cpu.tee())) {
                throw new IllegalStateException("CPU certificates are sent for SEV-SNP only");
            }
            if (gpus.size() > 12) {
                throw new IllegalStateException("at most 12 GPU/NVSwitch providers");
            }
            return new AttesterClient(this);
        }
    }
}

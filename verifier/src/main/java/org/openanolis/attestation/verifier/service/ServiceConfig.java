package org.openanolis.attestation.verifier.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Service configuration: a JSON file (unknown keys are errors) whose every scalar can be
 * overridden by an environment variable {@code ATTESTATION_<KEY>} (upper case, e.g.
 * {@code ATTESTATION_PORT=9090}, {@code ATTESTATION_DATA_DIR=/var/lib/verifier}). Validated at
 * start-up; an invalid value stops the service with a message naming the key.
 */
public final class ServiceConfig {
    public String host = "0.0.0.0";
    public int port = 8080;
    /** Where the embedded state lives: token keys, nonce key, SQLite database. */
    public String dataDir = "data";
    /** The {@code iss} of tokens and the base of the discovery document. */
    public String issuer = "http://localhost:8080";
    public int tokenLifetimeSeconds = 300;
    public int nonceLifetimeSeconds = 300;
    /** Largest accepted request body; bigger ones get 413. */
    public int bodyLimitBytes = 1024 * 1024;
    /** Per-request time limit; slower requests get 503. */
    public int requestTimeoutMs = 30_000;
    /**
     * Threads for crypto and blocking work; 0 = max(16, 4 x processors): the work is CPU-bound
     * except for collateral and OCSP fetches, which a boot storm of new devices waits on.
     */
    public int workerPoolSize = 0;
    /** PKCS#12 keystore of the token-signing keys; default {@code <data_dir>/token-keys.p12}. */
    public String keystorePath;
    /** Keystore password; set it through ATTESTATION_KEYSTORE_PASSWORD in production. */
    public String keystorePassword = "changeit";
    /** Hex MAC key for nonces, shared by every replica; default a key generated in the data dir. */
    public String nonceKeyHex;
    /** Optional TLS: PEM certificate chain and PEM private key. */
    public String tlsCertPath;
    public String tlsKeyPath;
    /** A directory of attestation-bundle collateral for air-gapped sites (optional). */
    public String offlineCollateralDir;
    /** Built-in trust anchors are used unless this names a directory of the same layout. */
    public String trustAnchorsDir;
    /** Intel PCS / PCCS base URLs in order of preference. */
    public List<String> intelPcsUrls = new ArrayList<>(List.of("https://api.trustedservices.intel.com"));
    /** Where the Intel SGX root CA CRL is published. */
    public String intelRootCaCrlUrl = "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der";
    /** Time limit of one upstream collateral request. */
    public int collateralTimeoutMs = 10_000;
    /** How often cached collateral is refreshed ahead of its expiry. */
    public int collateralRefreshSeconds = 3600;
    public String amdKdsUrl = "https://kdsintf.amd.com";
    public String nvidiaRimUrl = "https://rim.attestation.nvidia.com";
    public String nvidiaOcspUrl = "https://ocsp.ndis.nvidia.com";
    /** Per-client (source address) limit on /v1/attest and /v1/nonce, requests per second; 0 = off. */
    public int rateLimitPerSecond = 100;
    /** Burst size of the per-client limit. */
    public int rateLimitBurst = 200;
    /** OCSP for GPU chains: {@code required}, {@code best-effort} or {@code off}. */
    public String ocspMode = "best-effort";
    /**
     * Longest time an OCSP answer for a GPU/NVSwitch certificate is reused, never past its own
     * nextUpdate (0 = ask on every attestation). Longer keeps make fleet reboots cheaper and see
     * revocations later.
     */
    public int ocspCacheMaxAgeSeconds = 3600;

    // ---- policy store, appraisal and admin API (issue 6; docs/configuration.md) ----
    /** PostgreSQL JDBC URL ({@code jdbc:postgresql://…}) shared by replicas; null: SQLite in {@code data_dir}. */
    public String databaseUrl;
    public String databaseUser;
    /** Set it through ATTESTATION_DATABASE_PASSWORD. */
    public String databasePassword;
    /** A contraindicated appraisal is a denial: 403 {@code POLICY_DENIED}, no token (false: token with the status). */
    public boolean denyContraindicated = true;
    /** Whether a {@code POLICY_DENIED} answer includes the failing rules' explanation (the log always has it). */
    public boolean exposePolicyExplanation = false;
    /** How long a replica may use its cached view of which policy version is active. */
    public int policyCacheTtlSeconds = 5;
    /** Static admin bearer tokens, each {@code <subject>:<role>[+<role>…]:<token>} (token ≥ 32 characters). */
    public List<String> adminTokens = new ArrayList<>();
    /** OIDC issuer of admin JWTs ({@code iss}); with {@code oidc_jwks_url} and {@code oidc_audience}. */
    public String oidcIssuer;
    public String oidcJwksUrl;
    public String oidcAudience;
    /** Claim (or dotted path, e.g. {@code realm_access.roles}) holding the roles in admin JWTs. */
    public String oidcRolesClaim = "roles";
    /** Signed-policy mode: {@code off}, {@code optional} or {@code required}. */
    public String policySigning = "off";
    /** JWKS file of the registered policy-signing public keys (each with a kid). */
    public String policySigningKeysPath;
    /** JWKS file of the CoRIM signers' EC public keys (by kid); unset: CoRIM import is refused. */
    public String corimSignersPath;
    // ---- end of issue 6 keys ----

    // --- Verification log (issue #7, branch logint) -------------------------------------------
    /** The log's C2SP origin line; default the issuer's host and path + {@code /verification-log}. */
    public String logOrigin;
    /** File of the log's Ed25519 signer key (Go note {@code PRIVATE+KEY+...}); created on first start. */
    public String logKeyPath;
    /** The signer key text itself (for replicas sharing one log; set through ATTESTATION_LOG_SIGNING_KEY). */
    public String logSigningKey;
    /** Seconds between periodic checkpoints (signed only when the tree grew). */
    public int logCheckpointIntervalSeconds = 60;
    /** Static bearer token of the auditor role until the shared authenticator is wired; unset = log routes refused. */
    public String auditorToken;
    /**
     * Rotate the token-signing key when the current one is this many seconds old (0 = never;
     * otherwise at least token_lifetime_seconds and 60). Single-instance deployments: replicas
     * sharing a keystore must not each rotate (rotate one, then restart the others).
     */
    public int tokenKeyRotationSeconds = 0;
    /**
     * At start-up, warm the GPU/NVSwitch caches from this many newest log entries (device chains
     * validated again, recorded OCSP answers still good held again), on a background thread;
     * 0 = off.
     */
    public int gpuWarmStartEntries = 20_000;
    // --- end verification log ----------------------------------------------------------------

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Defaults, then {@code file} if given, then environment overrides, then validation. */
    public static ServiceConfig load(Path file, Map<String, String> env) throws ConfigException {
        ServiceConfig c;
        try {
            c = file == null ? new ServiceConfig() : JSON.readValue(file.toFile(), ServiceConfig.class);
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": " + e.getMessage());
        }
        c.applyEnv(env);
        c.validate();
        return c;
    }

    private void applyEnv(Map<String, String> env) throws ConfigException {
        for (java.lang.reflect.Field f : ServiceConfig.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            String key = "ATTESTATION_" + PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE
                    .translate(f.getName()).toUpperCase(Locale.ROOT);
            String v = env.get(key);
            if (v == null) {
                continue;
            }
            try {
                if (f.getType() == boolean.class) {
                    String b = v.trim().toLowerCase(Locale.ROOT);
                    if (!b.equals("true") && !b.equals("false")) {
                        throw new ConfigException(key + " must be true or false, got '" + v + "'");
                    }
                    f.setBoolean(this, Boolean.parseBoolean(b));
                } else if (f.getType() == int.class) {
                    f.setInt(this, Integer.parseInt(v.trim()));
                } else if (f.getType() == String.class) {
                    f.set(this, v);
                } else if (f.getType() == List.class) {
                    f.set(this, new ArrayList<>(List.of(v.split(","))));
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be an integer, got '" + v + "'");
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Checks every value; the message names the key. */
    public void validate() throws ConfigException {
        require(port > 0 && port < 65536, "port must be 1..65535");
        require(tokenLifetimeSeconds >= 10 && tokenLifetimeSeconds <= 86_400, "token_lifetime_seconds must be 10..86400");
        require(nonceLifetimeSeconds >= 10 && nonceLifetimeSeconds <= 3600, "nonce_lifetime_seconds must be 10..3600");
        require(bodyLimitBytes >= 4096 && bodyLimitBytes <= 64 * 1024 * 1024, "body_limit_bytes must be 4096..67108864");
        require(requestTimeoutMs >= 100, "request_timeout_ms must be at least 100");
        require(rateLimitPerSecond >= 0 && rateLimitBurst >= 1, "rate_limit_per_second must be >= 0 and rate_limit_burst >= 1");
        require(workerPoolSize >= 0 && workerPoolSize <= 256, "worker_pool_size must be 0..256");
        require(dataDir != null && !dataDir.isBlank(), "data_dir must be set");
        require(issuer != null && (issuer.startsWith("https://") || issuer.startsWith("http://")), "issuer must be an http(s) URL");
        require(List.of("required", "best-effort", "off").contains(ocspMode), "ocsp_mode must be required, best-effort or off");
        require((tlsCertPath == null) == (tlsKeyPath == null), "tls_cert_path and tls_key_path go together");
        require(nonceKeyHex == null || nonceKeyHex.matches("([0-9a-fA-F]{2}){32,}"), "nonce_key_hex must be at least 32 hex bytes");
        require(collateralTimeoutMs >= 100, "collateral_timeout_ms must be at least 100");
        require(collateralRefreshSeconds >= 10, "collateral_refresh_seconds must be at least 10");
        require(intelPcsUrls != null && !intelPcsUrls.isEmpty(), "intel_pcs_urls must list at least one URL");
        validatePolicyKeys();
        require(logCheckpointIntervalSeconds >= 1 && logCheckpointIntervalSeconds <= 86_400,
                "log_checkpoint_interval_seconds must be 1..86400");
        require(auditorToken == null || auditorToken.length() >= 16, "auditor_token must be at least 16 characters");
        require(ocspCacheMaxAgeSeconds >= 0 && ocspCacheMaxAgeSeconds <= 7 * 86_400,
                "ocsp_cache_max_age_seconds must be 0..604800");
        require(gpuWarmStartEntries >= 0 && gpuWarmStartEntries <= 1_000_000,
                "gpu_warm_start_entries must be 0 (off) .. 1000000");
        require(tokenKeyRotationSeconds == 0 || (tokenKeyRotationSeconds >= 60
                && tokenKeyRotationSeconds >= tokenLifetimeSeconds),
                "token_key_rotation_seconds must be 0 (off) or at least 60 and at least token_lifetime_seconds");
    }

    private void validatePolicyKeys() throws ConfigException {
        require(databaseUrl == null || databaseUrl.startsWith("jdbc:postgresql://"),
                "database_url must be a jdbc:postgresql:// URL (unset: SQLite in data_dir)");
        require(databaseUrl != null || (databaseUser == null && databasePassword == null),
                "database_user and database_password need database_url");
        require(policyCacheTtlSeconds >= 0 && policyCacheTtlSeconds <= 3600, "policy_cache_ttl_seconds must be 0..3600");
        require(adminTokens != null, "admin_tokens must be a list");
        for (int i = 0; i < adminTokens.size(); i++) {
            try {
                AdminTokens.parse(adminTokens.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("admin_tokens[" + i + "]: " + e.getMessage());
            }
        }
        boolean anyOidc = oidcIssuer != null || oidcJwksUrl != null || oidcAudience != null;
        require(!anyOidc || (oidcIssuer != null && oidcJwksUrl != null && oidcAudience != null),
                "oidc_issuer, oidc_jwks_url and oidc_audience go together");
        require(oidcJwksUrl == null || oidcJwksUrl.startsWith("https://") || oidcJwksUrl.startsWith("http://")
                || oidcJwksUrl.startsWith("file:"), "oidc_jwks_url must be an http(s) or file: URL");
        require(oidcRolesClaim != null && !oidcRolesClaim.isBlank(), "oidc_roles_claim must be set");
        require(List.of("off", "optional", "required").contains(policySigning),
                "policy_signing must be off, optional or required");
        require(policySigning.equals("off") == (policySigningKeysPath == null),
                "policy_signing_keys_path is needed exactly when policy_signing is optional or required");
    }

    private static void require(boolean ok, String message) throws ConfigException {
        if (!ok) {
            throw new ConfigException(message);
        }
    }

    public Path dataPath() {
        return Path.of(dataDir);
    }

    public Path keystoreFile() {
        return keystorePath != null ? Path.of(keystorePath) : dataPath().resolve("token-keys.p12");
    }

    /** The log's origin line: configured, or derived from the issuer URL. */
    public String logOriginOrDefault() {
        if (logOrigin != null) {
            return logOrigin;
        }
        String base = issuer.replaceFirst("^https?://", "");
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/verification-log";
    }

    /** A configuration error: the service does not start. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }
}

package org.openanolis.attestation.verifier.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.policies.store.Database;
import org.openanolis.attestation.verifier.BundleVerifier;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.gpu.DeviceCacheLimits;
import org.openanolis.attestation.verifier.log.LogDatabase;
import org.openanolis.attestation.verifier.nonce.NonceService;
import org.openanolis.attestation.verifier.service.log.AuditorAuth;
import org.openanolis.attestation.verifier.service.log.GpuWarmStart;
import org.openanolis.attestation.verifier.service.log.LogRoutes;
import org.openanolis.attestation.verifier.service.log.LogService;
import org.openanolis.attestation.verifier.service.log.ReleaseReceiptRoutes;
import org.openanolis.attestation.verifier.token.EarTokenIssuer;
import org.openanolis.attestation.verifier.token.SigningKeys;
import org.openanolis.attestation.verifier.token.TokenKeyRotation;

/**
 * Assembles the service from its configuration: data directory, token keys (PKCS#12, created on
 * first start), nonce MAC key (configured, or generated once into the data directory), the
 * verification engines, the one database (policies, reference values, verification log) with the
 * policy engine and admin API, and the HTTP server.
 */
public final class ServiceLauncher {
    /**
     * The running service.
     *
     * @param database the one database of the service (policies, reference values, and the
     *                 verification log's tables through {@link Database#dataSource()})
     * @param policies the policy engine, appraiser and admin operations over {@code database}
     * @param log      the verification log over the same database
     */
    public record Running(Vertx vertx, AttestationServer server, SigningKeys keys, NonceService nonces,
                          Database database, PolicyServices policies, LogService log, GpuWarmStart warmStart) {
        public int port() {
            return server.actualPort();
        }

        /** Graceful shutdown: stops accepting, lets in-flight requests finish, closes Vert.x, the log, then the database. */
        public Future<Void> close() {
            warmStart.stop();
            return vertx.close().eventually(() -> {
                log.close();
                database.close();
                return Future.succeededFuture();
            });
        }
    }

    private ServiceLauncher() {}

    /**
     * Starts the service.
     *
     * @param verifiers builds the evidence engines from the configuration and trust anchors
     * @param recorder where appraisals are recorded; null = the verification log of this service
     */
    public static Running start(ServiceConfig config, Clock clock,
                                Function<TrustAnchors, EvidenceVerifiers> verifiers,
                                AttestationRecorder recorder) throws Exception {
        return start(config, clock, verifiers, recorder, java.util.Map::of);
    }

    /**
     * Starts the service; {@code collateralStatus} feeds {@code GET /v1/status}.
     */
    public static Running start(ServiceConfig config, Clock clock,
                                Function<TrustAnchors, EvidenceVerifiers> verifiers,
                                AttestationRecorder recorder,
                                java.util.function.Supplier<java.util.Map<String, Object>> collateralStatus)
            throws Exception {
        return startWithDatabase(config, clock, verifiers, database -> recorder, collateralStatus);
    }

    /**
     * Starts the service; the recorder is built on the service's one {@link Database} (opened
     * here from {@code database_url} or SQLite in {@code data_dir}, and closed with the service).
     */
    public static Running startWithDatabase(ServiceConfig config, Clock clock,
                                            Function<TrustAnchors, EvidenceVerifiers> verifiers,
                                            Function<Database, AttestationRecorder> recorderOnDatabase,
                                            java.util.function.Supplier<java.util.Map<String, Object>> collateralStatus)
            throws Exception {
        Path data = config.dataPath();
        Files.createDirectories(data);
        Database database = PolicyServices.openDatabase(config);
        try {
            return start(config, clock, verifiers, recorderOnDatabase.apply(database), collateralStatus, database);
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    private static Running start(ServiceConfig config, Clock clock, Function<TrustAnchors, EvidenceVerifiers> verifiers,
                                 AttestationRecorder recorder,
                                 java.util.function.Supplier<java.util.Map<String, Object>> collateralStatus,
                                 Database database) throws Exception {
        TrustAnchors anchors = config.trustAnchorsDir == null ? TrustAnchors.builtIn()
                : TrustAnchors.fromDirectory(Path.of(config.trustAnchorsDir));
        SigningKeys keys = SigningKeys.openOrCreate(config.keystoreFile(), config.keystorePassword.toCharArray(),
                clock, Duration.ofSeconds(config.tokenLifetimeSeconds));
        NonceService nonces = new NonceService(nonceKey(config), clock, Duration.ofSeconds(config.nonceLifetimeSeconds));
        EarTokenIssuer issuer = new EarTokenIssuer(keys, clock, Duration.ofSeconds(config.tokenLifetimeSeconds),
                config.issuer, "attestation-verifier " + version());
        PolicyServices policies = PolicyServices.create(config, database, clock);
        // The verification log lives in the same database (its Flyway scripts are V100 and up). On
        // SQLite it gets its own connections to the same file: the pool's IMMEDIATE transactions
        // would keep the write lock between the log writer's group commits.
        LogDatabase logDb = database.vendor() == Database.Vendor.POSTGRESQL
                ? LogDatabase.postgresql(database.dataSource())
                : LogDatabase.sqlite(config.dataPath().resolve(Database.SQLITE_FILE), LogDatabase.SqliteDurability.FULL);
        LogService log = LogService.open(config, logDb, clock, version());
        AttestationRecorder effectiveRecorder = recorder != null ? recorder : log.recorder();
        EvidenceVerifiers engines = verifiers.apply(anchors);
        AttestationService service = new AttestationService(nonces, engines, policies::appraiser,
                issuer, effectiveRecorder, () -> new VerificationContext(clock, anchors));
        // Devices of the newest log entries get their chains and good OCSP answers cached again.
        GpuWarmStart warmStart = new GpuWarmStart(log.store(), engines, () -> new VerificationContext(clock, anchors),
                clock, config.gpuWarmStartEntries, DeviceCacheLimits.perDevice(1))
                .rehearseWith(policies::appraiser, issuer, log.recorder(), GpuWarmStart.REHEARSED_ENTRIES);
        AttestationServer server = new AttestationServer(config, nonces, service, keys,
                () -> new JsonObject().put("trust_anchors", anchors.origin())
                        .put("version", version())
                        .put("database", database.vendor().name().toLowerCase(java.util.Locale.ROOT))
                        .put("collateral", new JsonObject(collateralStatus.get()))
                        .put("gpu_warm_start", new JsonObject(warmStart.status())),
                new AdminRoutes(policies, new BundleVerifier(anchors), clock, config.denyContraindicated).withLog(log)
                        .withTokenKeys(keys));
        server.withRoutes(new LogRoutes(log, AuditorAuth.staticToken(config.auditorToken))::mount);
        server.withRoutes(new ReleaseReceiptRoutes(config, keys, log.store(), clock)::mount);
        Vertx vertx = Vertx.vertx();
        try {
            vertx.deployVerticle(server).await();
        } catch (Exception e) {
            vertx.close();
            log.close();
            throw e;
        }
        if (config.tokenKeyRotationSeconds > 0) {
            TokenKeyRotation rotation = new TokenKeyRotation(keys, clock, Duration.ofSeconds(config.tokenKeyRotationSeconds));
            vertx.setPeriodic(rotation.checkPeriod().toMillis(), id -> vertx.executeBlocking(rotation::rotateIfDue, false)
                    .onFailure(e -> System.getLogger(ServiceLauncher.class.getName())
                            .log(System.Logger.Level.WARNING, "scheduled token-key rotation failed", e)));
        }
        warmStart.start();
        return new Running(vertx, server, keys, nonces, database, policies, log, warmStart);
    }

    /** The nonce key from configuration, or one generated once and kept in the data directory. */
    static byte[] nonceKey(ServiceConfig config) throws IOException, GeneralSecurityException {
        if (config.nonceKeyHex != null) {
            return Hex.decode(config.nonceKeyHex);
        }
        Path file = config.dataPath().resolve("nonce.key");
        if (Files.exists(file)) {
            byte[] k = Hex.decode(Files.readString(file).strip());
            if (k.length < 32) {
                throw new GeneralSecurityException(file + " holds fewer than 32 bytes");
            }
            return k;
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Path tmp = file.resolveSibling("nonce.key.tmp");
        Files.writeString(tmp, Hex.encode(k));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return k;
    }

    /** The build version from the jar manifest, or "dev". */
    public static String version() {
        String v = ServiceLauncher.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

}

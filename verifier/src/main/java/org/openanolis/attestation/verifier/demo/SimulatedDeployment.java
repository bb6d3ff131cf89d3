package org.openanolis.attestation.verifier.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.VendorServices;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.service.LiveEngines;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * The attestation service running in-process on the real engines ({@link LiveEngines}) for the
 * hosts of a {@link SimulatedEnvironment}: the environment's test roots as trust anchors, its
 * Intel collateral as an offline collateral directory, its loopback RIM service and OCSP
 * responder as the NVIDIA endpoints, AMD KDS pointed at a closed loopback port (SNP hosts send
 * their VCEK). Listens on a free loopback port; never reaches the internet. Used by the
 * {@code demo} command, the end-to-end tests and the load benchmark.
 */
public final class SimulatedDeployment implements AutoCloseable {
    private final Path workDir;
    private final boolean deleteWorkDir;
    private final VendorServices vendors;
    private final LiveEngines engines;
    private final ServiceLauncher.Running running;
    private final ServiceConfig config;
    private final Clock clock;
    /** Set when {@link #restart} handed the vendor services and the work directory to a successor. */
    private volatile boolean handedOver;

    private SimulatedDeployment(Path workDir, boolean deleteWorkDir, VendorServices vendors, LiveEngines engines,
                                ServiceLauncher.Running running, ServiceConfig config, Clock clock) {
        this.clock = clock;
        this.workDir = workDir;
        this.deleteWorkDir = deleteWorkDir;
        this.vendors = vendors;
        this.engines = engines;
        this.running = running;
        this.config = config;
    }

    /**
     * Starts the vendor services and the service in a new temporary directory (deleted on close).
     *
     * @param customize adjusts the configuration before start-up (e.g. {@code worker_pool_size})
     */
    public static SimulatedDeployment start(SimulatedEnvironment env, Clock clock, Consumer<ServiceConfig> customize)
            throws Exception {
        return start(env, Files.createTempDirectory("attestation-demo"), true, clock, customize);
    }

    /** Starts the vendor services and the service with its files under {@code workDir}. */
    public static SimulatedDeployment start(SimulatedEnvironment env, Path workDir, boolean deleteWorkDir, Clock clock,
                                            Consumer<ServiceConfig> customize) throws Exception {
        VendorServices vendors = env.startServices(clock);
        try {
            ServiceConfig c = config(env, workDir, vendors);
            customize.accept(c);
            c.validate();
            c.port = 0; // a free port (validation wants a real one; 0 is for in-process use only)
            return launch(workDir, deleteWorkDir, vendors, c, clock);
        } catch (Exception | Error e) {
            vendors.close();
            throw e;
        }
    }

    /**
     * The configuration a simulated deployment gives the service, for running it in-process or in
     * a process of its own: loopback only, files under {@code workDir}, the environment's trust
     * anchors and Intel collateral (written there now) and {@code vendors}' RIM service and OCSP
     * responder; AMD KDS and Intel PCS at a closed port; no rate limit. Port 8080 until changed.
     */
    public static ServiceConfig config(SimulatedEnvironment env, Path workDir, VendorServices vendors)
            throws Exception {
        Path anchors = env.writeTrustAnchors(workDir.resolve("trust-anchors"));
        Path collateral = env.writeOfflineCollateral(workDir.resolve("offline-collateral"));
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.host = "127.0.0.1";
        c.dataDir = workDir.resolve("data").toString();
        c.trustAnchorsDir = anchors.toString();
        c.offlineCollateralDir = collateral.toString();
        c.nvidiaRimUrl = vendors.rimServiceUrl().toString();
        c.nvidiaOcspUrl = vendors.ocspUrl().toString();
        c.amdKdsUrl = "http://127.0.0.1:9";
        c.intelPcsUrls = new java.util.ArrayList<>(java.util.List.of("http://127.0.0.1:9"));
        c.intelRootCaCrlUrl = "http://127.0.0.1:9/IntelSGXRootCA.der";
        c.collateralTimeoutMs = 2000;
        c.rateLimitPerSecond = 0;
        return c;
    }

    private static SimulatedDeployment launch(Path workDir, boolean deleteWorkDir, VendorServices vendors,
                                              ServiceConfig c, Clock clock) throws Exception {
        LiveEngines engines = new LiveEngines(c, clock);
        // null: every appraisal goes to the service's verification log, as in production.
        ServiceLauncher.Running running = ServiceLauncher.start(c, clock, a -> engines.verifiers(),
                (AttestationRecorder) null, engines::status);
        return new SimulatedDeployment(workDir, deleteWorkDir, vendors, engines, running, c, clock);
    }

    /**
     * Restarts the service: stops this one gracefully and starts a new one on the same
     * configuration and data directory (its database, verification log, keys and collateral
     * copies), with new engines whose caches are empty, as after a process restart. The vendor
     * services keep running. This deployment is done afterwards; close the returned one.
     */
    public SimulatedDeployment restart() throws Exception {
        running.close().toCompletionStage().toCompletableFuture().join();
        handedOver = true;
        return launch(workDir, deleteWorkDir, vendors, config, clock);
    }

    /** The service's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + running.port());
    }

    public int port() {
        return running.port();
    }

    public ServiceLauncher.Running service() {
        return running;
    }

    public ServiceConfig config() {
        return config;
    }

    public VendorServices vendors() {
        return vendors;
    }

    /** Freshness of the collateral sources (what {@code /v1/status} shows). */
    public Map<String, Object> collateralStatus() {
        return engines.status();
    }

    /** Stops the service (gracefully), the vendor services, and deletes the work directory if it made it. */
    @Override
    public void close() {
        if (handedOver) {
            return;
        }
        try {
            running.close().toCompletionStage().toCompletableFuture().join();
        } finally {
            vendors.close();
            if (deleteWorkDir) {
                deleteTree(workDir);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary directory
        }
    }
}

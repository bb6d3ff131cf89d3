package org.openanolis.attestation.sdk.testing;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.service.LiveEngines;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * The real verifier service ({@link ServiceLauncher}) on a loopback port, its own data directory
 * (so its own signing keys) and a caller-chosen clock, either with {@link StandInEngines} (tests
 * about the SDK alone) or on the real evidence engines ({@link LiveEngines}) trusting a
 * {@link SimulatedWorld}. The issuer is the service's own URL unless another is given (an impostor
 * signing as someone else). Contraindicated devices get a token carrying that status
 * ({@code deny_contraindicated=false}), so relying-party code can be tested refusing it.
 */
public final class VerifierFixture implements AutoCloseable {
    private final ServiceLauncher.Running running;
    private final String issuer;
    private final URI uri;

    private VerifierFixture(ServiceLauncher.Running running, String issuer, URI uri) {
        this.running = running;
        this.issuer = issuer;
        this.uri = uri;
    }

    /** Starts a service whose issuer is its own URL. */
    public static VerifierFixture start(Path dataDir, Clock clock) throws Exception {
        return start(dataDir, clock, null);
    }

    /** Starts a service that puts {@code issuer} (or its own URL when null) into its tokens. */
    public static VerifierFixture start(Path dataDir, Clock clock, String issuer) throws Exception {
        return start(dataDir, clock, issuer, false);
    }

    /**
     * As {@link #start(Path, Clock, String)}; with {@code logged} every appraisal is recorded in
     * the service's verification log, so it records release receipts for its tokens.
     */
    public static VerifierFixture start(Path dataDir, Clock clock, String issuer, boolean logged) throws Exception {
        ServiceConfig c = config(dataDir, issuer);
        if (logged) {
            c.auditorToken = AUDITOR_TOKEN;
            c.logCheckpointIntervalSeconds = 3600;
        }
        ServiceLauncher.Running r = ServiceLauncher.start(c, clock, anchors -> new StandInEngines(),
                logged ? null : AttestationRecorder.NONE);
        return new VerifierFixture(r, c.issuer, URI.create("http://127.0.0.1:" + c.port));
    }

    /**
     * Starts a service on the real engines (TDX/SNP quote verification with the world's offline
     * Intel collateral, GPU verification with RIMs from its RIM service and its OCSP responder),
     * trusting exactly the roots of {@code world}; the construction of the verifier's
     * {@code SimulatedDeployment}, on a port chosen first so that the issuer can be its URL.
     */
    public static VerifierFixture startOnRealEngines(SimulatedWorld world, Path dataDir, Clock clock, String issuer)
            throws Exception {
        return startOnRealEngines(world, dataDir, clock, issuer, false);
    }

    /**
     * As {@link #startOnRealEngines(SimulatedWorld, Path, Clock, String)}; with {@code logged}
     * every appraisal is recorded in the service's verification log (the service's own recorder,
     * so release receipts can be recorded for its tokens) and the auditor routes accept
     * {@link #AUDITOR_TOKEN}.
     */
    public static VerifierFixture startOnRealEngines(SimulatedWorld world, Path dataDir, Clock clock, String issuer,
                                                     boolean logged) throws Exception {
        ServiceConfig c = config(dataDir, issuer);
        if (logged) {
            c.auditorToken = AUDITOR_TOKEN;
            c.logCheckpointIntervalSeconds = 3600;
        }
        c.trustAnchorsDir = world.trustAnchors().toString();
        c.offlineCollateralDir = world.offlineCollateral().toString();
        c.nvidiaRimUrl = world.vendors().rimServiceUrl().toString();
        c.nvidiaOcspUrl = world.vendors().ocspUrl().toString();
        // Nothing may leave the loopback interface: closed ports for the sources not simulated.
        c.amdKdsUrl = "http://127.0.0.1:9";
        c.intelPcsUrls = new java.util.ArrayList<>(java.util.List.of("http://127.0.0.1:9"));
        c.intelRootCaCrlUrl = "http://127.0.0.1:9/IntelSGXRootCA.der";
        c.collateralTimeoutMs = 2000;
        c.rateLimitPerSecond = 0;
        c.validate();
        LiveEngines engines = new LiveEngines(c, clock);
        ServiceLauncher.Running r = ServiceLauncher.start(c, clock, anchors -> engines.verifiers(),
                logged ? null : AttestationRecorder.NONE, engines::status);
        return new VerifierFixture(r, c.issuer, URI.create("http://127.0.0.1:" + c.port));
    }

    /** The auditor token of a service started with its log on. */
    public static final String AUDITOR_TOKEN = "auditor-token-for-the-sdk-tests-0123456789";

    private static ServiceConfig config(Path dataDir, String issuer) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.host = "127.0.0.1";
        c.port = port;
        c.dataDir = dataDir.toString();
        c.issuer = issuer != null ? issuer : "http://127.0.0.1:" + port;
        c.workerPoolSize = 2;
        c.denyContraindicated = false;
        return c;
    }

    /** The {@code iss} of its tokens. */
    public String issuer() {
        return issuer;
    }

    /** Where it listens. */
    public URI uri() {
        return uri;
    }

    /** The running service (keys, nonces). */
    public ServiceLauncher.Running running() {
        return running;
    }

    @Override
    public void close() {
        running.close().await();
    }
}

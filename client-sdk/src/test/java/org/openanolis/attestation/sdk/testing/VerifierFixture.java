package org.openanolis.attestation.sdk.testing;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * The real verifier service ({@link ServiceLauncher}) on a loopback port with
 * {@link StandInEngines}, its own data directory (so its own signing keys) and a caller-chosen
 * clock. The issuer is the service's own URL unless another is given (an impostor signing as
 * someone else).
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
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + port);
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.host = "127.0.0.1";
        c.port = port;
        c.dataDir = dataDir.toString();
        c.issuer = issuer != null ? issuer : uri.toString();
        c.workerPoolSize = 2;
        // Contraindicated devices get a token carrying that status (not a 403), so relying-party
        // code can be tested refusing it.
        c.denyContraindicated = false;
        ServiceLauncher.Running r = ServiceLauncher.start(c, clock, anchors -> new StandInEngines(),
                AttestationRecorder.NONE);
        return new VerifierFixture(r, c.issuer, uri);
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

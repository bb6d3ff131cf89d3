package org.openanolis.attestation.sdk.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.openanolis.attestation.simulator.host.SimulatedEnvironment;
import org.openanolis.attestation.simulator.host.VendorServices;

/**
 * The vendors' side of a simulated deployment, shared by every verifier service of a test: a
 * {@link SimulatedEnvironment} (Intel/AMD/NVIDIA test PKIs), its roots written as a trust-anchors
 * directory, its Intel collateral as an offline collateral directory, and its loopback NVIDIA RIM
 * service and OCSP responder. Services started with
 * {@link VerifierFixture#startOnRealEngines} trust exactly this world.
 */
public final class SimulatedWorld implements AutoCloseable {
    private final SimulatedEnvironment env;
    private final Path trustAnchors;
    private final Path offlineCollateral;
    private final VendorServices vendors;

    private SimulatedWorld(SimulatedEnvironment env, Path trustAnchors, Path offlineCollateral, VendorServices vendors) {
        this.env = env;
        this.trustAnchors = trustAnchors;
        this.offlineCollateral = offlineCollateral;
        this.vendors = vendors;
    }

    /**
     * A world whose certificates and collateral are valid at {@code now}, its files under
     * {@code dir}, its vendor services answering by {@code clock}.
     */
    public static SimulatedWorld create(Path dir, Instant now, Clock clock) throws Exception {
        SimulatedEnvironment env = SimulatedEnvironment.create(now);
        Path anchors = env.writeTrustAnchors(dir.resolve("trust-anchors"));
        Path collateral = env.writeOfflineCollateral(dir.resolve("offline-collateral"));
        return new SimulatedWorld(env, anchors, collateral, env.startServices(clock));
    }

    /** Hosts are built against this ({@code SimulatedHost.tdx(world.environment())…}). */
    public SimulatedEnvironment environment() {
        return env;
    }

    public Path trustAnchors() {
        return trustAnchors;
    }

    public Path offlineCollateral() {
        return offlineCollateral;
    }

    /** The loopback RIM service and OCSP responder. */
    public VendorServices vendors() {
        return vendors;
    }

    @Override
    public void close() {
        vendors.close();
    }
}

package org.openanolis.attestation.verifier.service.log;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/** {@link StoredPolicyReplayContract} with the service on its embedded SQLite database. */
class SqliteStoredPolicyReplayTest extends StoredPolicyReplayContract {
    @TempDir
    Path work;

    @Override
    Service startService(ServiceConfig config, Clock clock, Function<TrustAnchors, EvidenceVerifiers> engines)
            throws Exception {
        ServiceLauncher.Running running = ServiceLauncher.start(config, clock, engines, null);
        return new Service(running, new LogTestClient("http://127.0.0.1:" + running.port()), Path.of(config.dataDir));
    }

    @Test
    void storedPoliciesReplayWithTheDocumentsTheyUsed() throws Exception {
        storedPoliciesReplayWithTheDocumentsTheyUsed(work);
    }
}

package org.openanolis.attestation.verifier.service.log;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.simulator.db.EmbeddedPostgresServer;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/** {@link StoredPolicyReplayContract} with the service, its policies and its log on PostgreSQL (embedded). */
class PostgresStoredPolicyReplayTest extends StoredPolicyReplayContract {
    private static final String DB = "stored_policy_replay";
    @TempDir
    Path work;

    @Override
    Service startService(ServiceConfig config, Clock clock, Function<TrustAnchors, EvidenceVerifiers> engines)
            throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgresServer.get();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DB);
            st.execute("CREATE DATABASE " + DB);
        }
        config.databaseUrl = postgres.getJdbcUrl("postgres", DB);
        config.databaseUser = "postgres";
        config.databasePassword = "postgres";
        ServiceLauncher.Running running = ServiceLauncher.start(config, clock, engines, null);
        return new Service(running, new LogTestClient("http://127.0.0.1:" + running.port()), Path.of(config.dataDir));
    }

    @Test
    void storedPoliciesReplayWithTheDocumentsTheyUsed() throws Exception {
        storedPoliciesReplayWithTheDocumentsTheyUsed(work);
    }
}

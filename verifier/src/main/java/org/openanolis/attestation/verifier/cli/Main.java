package org.openanolis.attestation.verifier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.verifier.BundleVerifier;
import org.openanolis.attestation.verifier.VerificationResult;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;
import org.openanolis.attestation.verifier.bundle.BundleException;

/**
 * The command line: {@code verify <bundle-dir> [--at <RFC 3339>] [--trust-anchors <dir>] [--json]}.
 * Exit status 0 for {@code pass}, 1 for {@code fail}, 2 for a usage or bundle error.
 */
public final class Main {
    public static final int EXIT_PASS = 0;
    public static final int EXIT_FAIL = 1;
    public static final int EXIT_USAGE = 2;

    private static final String USAGE = String.join("\n",
            "usage: verifier verify <bundle-dir> [--at <RFC 3339 instant>] [--trust-anchors <dir>] [--json]",
            "       verifier serve [--config <file.json>]",
            "       verifier replay (--url <service> [--token <t>] | --export <dir>) [--log-key <vkey file>]",
            "                [--origin <origin>] [--since-checkpoint <note file>] [--trust-anchors <dir>] [--json]",
            "       verifier export --url <service> [--token <t>] --from <N> --to <M> --out <dir>",
            "       verifier demo [--gpus <0..8>]",
            "",
            "  demo     a full round trip on loopback: in-process service on the real engines, a simulated",
            "           TDX host with 8 GPUs (test PKIs), nonce -> attest -> token -> token verified",
            "  serve    run the attestation service (port 8080, state under ./data unless configured;",
            "           every config key can be set as ATTESTATION_<KEY>, see docs/configuration.md)",
            "  verify   verify an attestation bundle offline (shared/design/bundle-format.md)",
            "  replay   audit the verification log: checkpoint signature, consistency, inclusion of every",
            "           entry, and re-run of every appraisal (exit 0 clean, 1 findings, 2 usage error;",
            "           the auditor token defaults to $ATTESTATION_AUDITOR_TOKEN; see docs/verification-log.md)",
            "  export   write a range of log entries with checkpoint, proofs and bundles for offline replay",
            "           --at             judge at this instant instead of the manifest's verify_at",
            "           --trust-anchors  use the vendor roots in <dir> instead of the built-in ones",
            "           --json           print one JSON object instead of a summary",
            "exit status: 0 pass, 1 fail, 2 usage or bundle error");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    /** Runs the CLI with the given streams and clock (tests call this directly). */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0])) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? EXIT_USAGE : EXIT_PASS;
        }
        String command = args[0];
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        try {
            switch (command) {
                case "verify":
                    return verify(rest, out, clock);
                case "serve":
                    return serve(rest, out, err);
                case "replay":
                    return org.openanolis.attestation.verifier.log.LogReplayCommand.run(rest,
                            java.util.Optional.of(new org.openanolis.attestation.verifier.service.log.ServiceReplayEngine(
                                    replayAnchors(rest),
                                    org.openanolis.attestation.verifier.service.log.ServiceReplayEngine.BUILT_IN)),
                            out, err);
                case "export":
                    return org.openanolis.attestation.verifier.log.LogExportCommand.run(rest, out, err);
                case "demo":
                    return demo(rest, out, err, clock);
                default:
                    err.println("unknown command: " + command);
                    err.println(USAGE);
                    return EXIT_USAGE;
            }
        } catch (UsageException | BundleException e) {
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    /** {@code --trust-anchors <dir>} of a replay (removed from {@code args}), else the built-in roots. */
    private static TrustAnchors replayAnchors(List<String> args) throws UsageException {
        int i = args.indexOf("--trust-anchors");
        if (i < 0) {
            return TrustAnchors.builtIn();
        }
        if (i + 1 >= args.size()) {
            throw new UsageException("--trust-anchors needs a directory");
        }
        Path dir = Path.of(args.get(i + 1));
        args.remove(i + 1);
        args.remove(i);
        try {
            return TrustAnchors.fromDirectory(dir);
        } catch (Exception e) {
            throw new UsageException("cannot read trust anchors from " + dir + ": " + e.getMessage());
        }
    }

    private static int verify(List<String> args, PrintStream out, Clock clock) throws UsageException, BundleException {
        Path bundleDir = null;
        Optional<Instant> at = Optional.empty();
        Path anchorsDir = null;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--json" -> json = true;
                case "--at" -> at = Optional.of(parseInstant(value(args, ++i, a)));
                case "--trust-anchors" -> anchorsDir = Path.of(value(args, ++i, a));
                default -> {
                    if (a.startsWith("--") || bundleDir != null) {
                        throw new UsageException("unexpected argument: " + a);
                    }
                    bundleDir = Path.of(a);
                }
            }
        }
        if (bundleDir == null) {
            throw new UsageException("verify needs a bundle directory");
        }
        TrustAnchors anchors;
        try {
            anchors = anchorsDir == null ? TrustAnchors.builtIn() : TrustAnchors.fromDirectory(anchorsDir);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        AttestationBundle bundle = AttestationBundle.read(bundleDir);
        VerificationResult result = new BundleVerifier(anchors).verify(bundle, at, clock);
        if (json) {
            out.println(toJson(result.toJson()));
        } else {
            printSummary(result, out);
        }
        return result.pass() ? EXIT_PASS : EXIT_FAIL;
    }

    private static int serve(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        Path config = null;
        for (int i = 0; i < args.size(); i++) {
            if ("--config".equals(args.get(i))) {
                config = Path.of(value(args, ++i, "--config"));
            } else {
                throw new UsageException("unexpected argument: " + args.get(i));
            }
        }
        try {
            org.openanolis.attestation.verifier.service.ServiceConfig c =
                    org.openanolis.attestation.verifier.service.ServiceConfig.load(config, System.getenv());
            Clock clock = Clock.systemUTC();
            org.openanolis.attestation.verifier.service.LiveEngines engines =
                    new org.openanolis.attestation.verifier.service.LiveEngines(c, clock);
            org.openanolis.attestation.verifier.service.ServiceLauncher.Running running =
                    org.openanolis.attestation.verifier.service.ServiceLauncher.start(c, clock,
                            anchors -> engines.verifiers(),
                            null, engines::status);
            out.println("attestation verifier " + org.openanolis.attestation.verifier.service.ServiceLauncher.version()
                    + " listening on " + c.host + ":" + running.port() + " (data in " + c.dataPath().toAbsolutePath() + ")");
            java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                running.close().toCompletionStage().toCompletableFuture().join();
                stopped.countDown();
            }));
            stopped.await();
            return EXIT_PASS;
        } catch (org.openanolis.attestation.verifier.service.ServiceConfig.ConfigException e) {
            throw new UsageException("configuration: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_PASS;
        } catch (Exception e) {
            err.println("error: the service could not start: " + e);
            return EXIT_USAGE;
        }
    }

    private static int demo(List<String> args, PrintStream out, PrintStream err, Clock clock) throws UsageException {
        int gpus = 8;
        for (int i = 0; i < args.size(); i++) {
            if ("--gpus".equals(args.get(i))) {
                String v = value(args, ++i, "--gpus");
                try {
                    gpus = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new UsageException("--gpus needs a number, got " + v);
                }
                if (gpus < 0 || gpus > 8) {
                    throw new UsageException("--gpus must be 0..8");
                }
            } else {
                throw new UsageException("unexpected argument: " + args.get(i));
            }
        }
        return DemoCommand.run(gpus, out, err, clock);
    }

    private static String value(List<String> args, int i, String flag) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(i);
    }

    private static Instant parseInstant(String text) throws UsageException {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new UsageException("--at is not an RFC 3339 instant: " + text);
        }
    }

    static String toJson(Map<String, Object> map) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(map);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void printSummary(VerificationResult r, PrintStream out) {
        out.println((r.pass() ? "PASS" : "FAIL") + "  tee=" + r.tee()
                + (r.tcbStatus() != null ? "  tcb_status=" + r.tcbStatus() : "")
                + (r.advisoryIds().isEmpty() ? "" : "  advisories=" + String.join(",", r.advisoryIds()))
                + (r.reason() != null ? "  reason=" + r.reason() : ""));
        if (!r.pass()) {
            out.println("  " + r.details().get("message"));
        }
        for (Map.Entry<String, Object> e : r.claims().entrySet()) {
            if (!(e.getValue() instanceof Map) && !(e.getValue() instanceof List)) {
                out.println("  " + e.getKey() + ": " + e.getValue());
            }
        }
    }

    /** A command-line mistake: exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}

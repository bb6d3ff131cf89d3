package org.openanolis.attestation.verifier.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code verifier replay}: {@code (--url <service> [--token <t>] | --export <dir>) [--log-key <vkey
 * file>] [--origin <origin>] [--since-checkpoint <note file>] [--json]}. Audits the export against the
 * pinned key (and the checkpoint the auditor trusted last, verified with the same key), replays
 * every entry with the given {@link ReplayEngine} when there is one, prints a summary (or JSON)
 * and a progress bar on long runs, and returns the exit status: 0 clean, 1 any finding, 2 usage
 * or I/O error. {@code --url} reads the service's auditor routes ({@link HttpLogSource}).
 */
public final class LogReplayCommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long PROGRESS_MIN_ENTRIES = 1000;

    private LogReplayCommand() {}

    /**
     * Runs the command.
     *
     * @param engine re-runs appraisals; empty means proofs and collateral only (the summary says so)
     */
    public static int run(List<String> args, Optional<ReplayEngine> engine, PrintStream out, PrintStream err) {
        try {
            return parseAndRun(args, engine, out, err);
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
    }

    private static int parseAndRun(List<String> args, Optional<ReplayEngine> engine, PrintStream out, PrintStream err) {
        Path export = null;
        String url = null;
        String token = System.getenv("ATTESTATION_AUDITOR_TOKEN");
        Path keyFile = null;
        Path since = null;
        String origin = null;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--export" -> export = Path.of(value(args, ++i, a));
                case "--url" -> url = value(args, ++i, a);
                case "--token" -> token = value(args, ++i, a);
                case "--log-key" -> keyFile = Path.of(value(args, ++i, a));
                case "--since-checkpoint" -> since = Path.of(value(args, ++i, a));
                case "--origin" -> origin = value(args, ++i, a);
                case "--json" -> json = true;
                default -> {
                    err.println("replay: unknown argument " + a);
                    return 2;
                }
            }
        }
        if ((export == null) == (url == null) || (export != null && keyFile == null)) {
            err.println(USAGE);
            return 2;
        }
        try {
            LogSource source;
            NoteVerifierKey key;
            if (url != null) {
                HttpLogSource http = new HttpLogSource(url, token);
                source = http;
                if (keyFile == null) {
                    key = NoteVerifierKey.parse(http.publishedKey());
                    err.println("replay: warning: no --log-key; using the key the service publishes (" + key
                            + "), which proves nothing against that service. Pin it for the next audit.");
                } else {
                    key = NoteVerifierKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8).strip());
                }
            } else {
                key = NoteVerifierKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8).strip());
                source = ExportedLog.open(export);
            }
            if (origin == null) {
                origin = key.name();
            }
            LogAuditor.Builder builder = LogAuditor.builder().logKey(key).origin(origin);
            if (since != null) {
                builder.trustedCheckpoint(Checkpoint.open(Files.readString(since, StandardCharsets.UTF_8), key, origin));
            } else {
                builder.firstAudit();
            }
            if (engine.isPresent()) {
                builder.replay(engine.get());
            } else {
                builder.skipReplay();
            }
            long total = source.endIndex() - source.firstIndex();
            boolean showProgress = !json && total >= PROGRESS_MIN_ENTRIES;
            if (showProgress) {
                builder.progress(done -> {
                    if (done % 500 == 0 || done == total) {
                        err.print("\r" + bar(done, total));
                    }
                });
            }
            AuditReport report = builder.build().audit(source);
            if (showProgress) {
                err.println();
            }
            if (json) {
                out.println(JSON.writeValueAsString(report.toJson()));
            } else {
                printSummary(report, engine.isPresent(), out);
            }
            return report.clean() ? 0 : 1;
        } catch (IOException | LogStorageException | LogFormatException | NoteVerificationException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
    }

    /** Usage of {@code replay}. */
    public static final String USAGE = "usage: replay (--url <service> [--token <auditor token>] | --export <dir>) "
            + "[--log-key <vkey file>] [--origin <origin>] [--since-checkpoint <note file>] [--json]\n"
            + "  --log-key is required with --export; --origin defaults to the key's name;\n"
            + "  the token defaults to $ATTESTATION_AUDITOR_TOKEN";

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i);
    }

    static String bar(long done, long total) {
        int width = 40;
        int filled = total == 0 ? width : (int) (width * done / total);
        return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total;
    }

    private static void printSummary(AuditReport report, boolean replayed, PrintStream out) {
        report.checkpoint().ifPresent(cp -> out.println("checkpoint: " + cp.origin() + " size " + cp.size()
                + " root " + cp.rootHash().hex() + " (signature verified)"));
        out.println("entries checked: " + report.entriesChecked());
        out.println(replayed ? "entries replayed: " + report.entriesReplayed()
                : "entries replayed: 0 (no replay engine: proofs and collateral only)");
        out.println("findings: " + report.findings().size());
        for (AuditFinding f : report.findings()) {
            out.println("  " + f.kind() + (f.index() >= 0 ? " at " + f.index() : "") + ": " + f.detail());
        }
    }
}

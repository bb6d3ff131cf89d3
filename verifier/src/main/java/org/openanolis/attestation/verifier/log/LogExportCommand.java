package org.openanolis.attestation.verifier.log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code verifier export --url <service> [--token <t>] --from N --to M --out <dir>
 * [--consistency-from <size>]... [--no-bundles]}: writes entries {@code [N, M)} with the latest
 * checkpoint, inclusion proofs, collateral and per-entry attestation bundles ({@link LogExport})
 * so that an auditor can {@code replay --export} without network access. Exit 0 written, 2 usage
 * or I/O error.
 */
public final class LogExportCommand {
    /** Usage of {@code export}. */
    public static final String USAGE = "usage: export --url <service> [--token <auditor token>] --from <N> --to <M> "
            + "--out <dir> [--consistency-from <tree size>]... [--no-bundles]";

    private LogExportCommand() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String url = null;
        String token = System.getenv("ATTESTATION_AUDITOR_TOKEN");
        Long from = null;
        Long to = null;
        Path dir = null;
        boolean bundles = true;
        List<Long> consistency = new ArrayList<>();
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--url" -> url = value(args, ++i, a);
                    case "--token" -> token = value(args, ++i, a);
                    case "--from" -> from = Long.parseLong(value(args, ++i, a));
                    case "--to" -> to = Long.parseLong(value(args, ++i, a));
                    case "--out" -> dir = Path.of(value(args, ++i, a));
                    case "--consistency-from" -> consistency.add(Long.parseLong(value(args, ++i, a)));
                    case "--no-bundles" -> bundles = false;
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (url == null || from == null || to == null || dir == null) {
                err.println(USAGE);
                return 2;
            }
            LogExport.Summary s = LogExport.write(new HttpLogSource(url, token), from, to, consistency, bundles, dir);
            out.println("exported entries [" + s.from() + ", " + s.to() + ") of " + s.checkpoint().origin()
                    + " (checkpoint size " + s.checkpoint().size() + "), " + s.collateralBlobs()
                    + " collateral blobs, to " + dir);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("export: " + e.getMessage());
            return 2;
        } catch (IOException | LogStorageException e) {
            err.println("export: " + e.getMessage());
            return 2;
        }
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i);
    }
}

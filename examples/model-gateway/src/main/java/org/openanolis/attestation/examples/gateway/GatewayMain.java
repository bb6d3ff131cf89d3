package org.openanolis.attestation.examples.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.openanolis.attestation.sdk.EarStatus;
import org.openanolis.attestation.sdk.ReleaseReceiptClient;
import org.openanolis.attestation.sdk.ReplayGuard;
import org.openanolis.attestation.sdk.TokenVerifier;

/**
 * Runs the model gateway:
 * {@code GatewayMain --issuer <verifier URL> --audience <name> --keys <dir> [--port 8081]
 * [--accept-warning] [--cpu-policy <id>] [--gpu-policy <id>] [--receipts]}. Each regular file in
 * {@code --keys} is one model key, its file name the key id. Exit status 2 on usage errors.
 */
public final class GatewayMain {
    private GatewayMain() {}

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--accept-warning", "--receipts" -> opts.put(a, "true");
                case "--issuer", "--audience", "--keys", "--port", "--cpu-policy", "--gpu-policy" -> {
                    if (i + 1 >= args.length) {
                        usage("missing value for " + a);
                    }
                    opts.put(a, args[++i]);
                }
                default -> usage("unknown option " + a);
            }
        }
        for (String required : new String[] {"--issuer", "--audience", "--keys"}) {
            if (!opts.containsKey(required)) {
                usage(required + " is required");
            }
        }
        TokenVerifier.Builder b = TokenVerifier.builder().issuer(opts.get("--issuer")).jwksFromDiscovery()
                .audience(opts.get("--audience")).clock(Clock.systemUTC()).maxClockSkew(Duration.ofSeconds(30))
                .acceptStatus(opts.containsKey("--accept-warning") ? EarStatus.WARNING : EarStatus.AFFIRMING)
                .replayGuard(ReplayGuard.inMemory(1_000_000));
        if (opts.containsKey("--cpu-policy") || opts.containsKey("--gpu-policy")) {
            if (opts.containsKey("--cpu-policy")) {
                b.requirePolicyId("cpu", opts.get("--cpu-policy"));
            }
            if (opts.containsKey("--gpu-policy")) {
                b.requirePolicyId("gpu", opts.get("--gpu-policy"));
            }
        } else {
            b.ignorePolicyIds();
        }
        TokenVerifier verifier = b.build();
        ReleaseReceiptClient receipts = opts.containsKey("--receipts")
                ? new ReleaseReceiptClient(URI.create(opts.get("--issuer")), verifier, opts.get("--audience"),
                        HttpClient.newHttpClient())
                : null;
        int port = Integer.parseInt(opts.getOrDefault("--port", "8081"));
        ModelGateway g = ModelGateway.start(new InetSocketAddress(port), verifier, loadKeys(Path.of(opts.get("--keys"))),
                receipts, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(g::close));
        System.out.println("model gateway listening on port " + g.port());
    }

    /** Key id (file name) → key bytes, for every regular file of {@code dir}. */
    static Map<String, byte[]> loadKeys(Path dir) throws IOException {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(p)) {
                    keys.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        if (keys.isEmpty()) {
            usage("no model keys in " + dir);
        }
        return keys;
    }

    private static void usage(String problem) {
        System.err.println("model-gateway: " + problem);
        System.err.println("usage: GatewayMain --issuer <url> --audience <name> --keys <dir> [--port 8081]"
                + " [--accept-warning] [--cpu-policy <id>] [--gpu-policy <id>] [--receipts]");
        System.exit(2);
    }
}

package org.openanolis.attestation.examples.gateway;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openanolis.attestation.sdk.KeyRelease;
import org.openanolis.attestation.sdk.KeyReleaseException;
import org.openanolis.attestation.sdk.ReleaseReceipt;
import org.openanolis.attestation.sdk.ReleaseReceiptClient;
import org.openanolis.attestation.sdk.TokenFailure;
import org.openanolis.attestation.sdk.TokenVerificationException;
import org.openanolis.attestation.sdk.TokenVerifier;
import org.openanolis.attestation.sdk.VerifiedToken;

/**
 * A minimal model-serving gateway: it hands a model key, wrapped to the TEE key of the caller's
 * attestation token, only to a caller presenting a valid token. Plain JDK HTTP server.
 *
 * <p>{@code POST /v1/model-keys/<key id>} with {@code Authorization: Bearer <EAR token>}:
 * <ul>
 *   <li>200 {@code application/jose}: the compact JWE of {@link KeyRelease#wrap}</li>
 *   <li>401 problem+json with {@code code} = the {@link TokenFailure} and {@code field}: token refused</li>
 *   <li>400 no bearer token; 404 unknown key id; 405 other methods</li>
 *   <li>503 the service's JWKS is unavailable, or (with receipts on) the receipt could not be recorded</li>
 * </ul>
 * Every check is the {@link TokenVerifier}'s: issuer, audience, expiry, status, one-time use.
 * With a {@link ReleaseReceiptClient} the release is recorded in the verification log before the
 * key leaves the gateway, and no key leaves without a receipt.
 */
public final class ModelGateway implements AutoCloseable {
    private static final String PREFIX = "/v1/model-keys/";
    private final HttpServer server;
    private final ExecutorService executor;
    private final TokenVerifier verifier;
    private final Map<String, byte[]> modelKeys;
    private final ReleaseReceiptClient receipts;
    private final Clock clock;
    /** The most recent receipts this gateway obtained (kept as proof; in memory in this example). */
    private final java.util.ArrayDeque<ReleaseReceipt> recorded = new java.util.ArrayDeque<>();
    private static final int MAX_KEPT_RECEIPTS = 1000;

    private ModelGateway(HttpServer server, ExecutorService executor, TokenVerifier verifier,
                         Map<String, byte[]> modelKeys, ReleaseReceiptClient receipts, Clock clock) {
        this.server = server;
        this.executor = executor;
        this.verifier = verifier;
        this.modelKeys = modelKeys;
        this.receipts = receipts;
        this.clock = clock;
    }

    /**
     * Starts the gateway.
     *
     * @param modelKeys key id → key bytes (copied)
     * @param receipts  records releases in the verification log, or null for none
     * @param clock     the time stamped on receipts
     */
    public static ModelGateway start(InetSocketAddress address, TokenVerifier verifier, Map<String, byte[]> modelKeys,
                                     ReleaseReceiptClient receipts, Clock clock) throws IOException {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        modelKeys.forEach((k, v) -> keys.put(k, v.clone()));
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        ModelGateway g = new ModelGateway(server, executor, Objects.requireNonNull(verifier), Map.copyOf(keys),
                receipts, Objects.requireNonNull(clock));
        server.createContext("/", g::handle);
        server.setExecutor(executor);
        server.start();
        return g;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The receipts of the most recent releases (at most 1,000), oldest first. */
    public java.util.List<ReleaseReceipt> receipts() {
        synchronized (recorded) {
            return java.util.List.copyOf(recorded);
        }
    }

    /** Its base URI on loopback. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
                problem(ex, 404, null, null, "no such resource");
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                problem(ex, 405, null, null, "use POST");
                return;
            }
            String keyId = path.substring(PREFIX.length());
            byte[] key = modelKeys.get(keyId);
            if (key == null) {
                problem(ex, 404, null, null, "unknown model key " + keyId);
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                problem(ex, 400, null, "authorization", "an attestation token is required as a Bearer token");
                return;
            }
            VerifiedToken token;
            try {
                token = verifier.verify(auth.substring(7).trim());
            } catch (TokenVerificationException e) {
                int status = e.failure() == TokenFailure.JWKS_UNAVAILABLE ? 503 : 401;
                problem(ex, status, e.failure().name(), e.field(), e.getMessage());
                return;
            }
            String jwe;
            try {
                jwe = KeyRelease.wrap(token, keyId, key);
            } catch (KeyReleaseException e) {
                problem(ex, 401, TokenFailure.CONFIRMATION_KEY_INVALID.name(), "cnf.jwk", e.getMessage());
                return;
            }
            if (receipts != null) {
                try {
                    ReleaseReceipt receipt = receipts.record(token, keyId, clock.instant());
                    synchronized (recorded) {
                        if (recorded.size() == MAX_KEPT_RECEIPTS) {
                            recorded.removeFirst();
                        }
                        recorded.addLast(receipt);
                    }
                } catch (ReleaseReceiptClient.ReceiptException e) {
                    problem(ex, 503, null, null, "the release could not be recorded; no key was released");
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    problem(ex, 503, null, null, "interrupted");
                    return;
                }
            }
            byte[] body = jwe.getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().add("Content-Type", "application/jose");
            ex.getResponseHeaders().add("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static void problem(HttpExchange ex, int status, String code, String field, String detail)
            throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("title", status == 401 ? "Attestation token refused" : "Request refused");
        p.put("status", status);
        if (code != null) {
            p.put("code", code);
        }
        if (field != null) {
            p.put("field", field);
        }
        p.put("detail", detail);
        byte[] body = JSONObjectUtils.toJSONString(p).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/problem+json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    /** Stops accepting requests and ends the worker threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

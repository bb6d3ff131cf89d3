package org.openanolis.attestation.verifier.collateral;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server standing in for a vendor collateral service (Intel PCS, AMD KDS, NVIDIA
 * RIM/OCSP) in tests: per path it answers with a body and headers, or a failure mode (404, 429 with
 * Retry-After, 500, a slow answer). Counts requests per path.
 */
public final class FakeUpstream implements AutoCloseable {
    /** What a path answers. */
    public record Answer(int status, byte[] body, Map<String, String> headers, long delayMillis) {
        public static Answer ok(byte[] body, Map<String, String> headers) {
            return new Answer(200, body, headers, 0);
        }

        public static Answer status(int status, Map<String, String> headers) {
            return new Answer(status, new byte[0], headers, 0);
        }

        public static Answer slow(long millis, byte[] body) {
            return new Answer(200, body, Map.of(), millis);
        }

        /** Headers announcing {@code body}, its first byte, then nothing until the upstream closes. */
        public static Answer stalledBody(byte[] body) {
            return new Answer(200, body, Map.of(), STALL);
        }
    }

    /** {@link Answer#delayMillis()} of {@link Answer#stalledBody}. */
    private static final long STALL = -1;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Answer> prefixes = new ConcurrentHashMap<>();

    public FakeUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Sets the answer for a path with its query, e.g. {@code /sgx/certification/v4/tcb?fmspc=00a067110000}. */
    public FakeUpstream on(String pathAndQuery, Answer answer) {
        answers.put(pathAndQuery, answer);
        return this;
    }

    /** Answers every request whose path and query start with {@code prefix} (exact paths win). */
    public FakeUpstream onPrefix(String prefix, Answer answer) {
        prefixes.put(prefix, answer);
        return this;
    }

    /** Every path and query requested so far. */
    public java.util.Set<String> requested() {
        return hits.keySet();
    }

    public int hits(String pathAndQuery) {
        AtomicInteger n = hits.get(pathAndQuery);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        String key = ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        ex.getRequestBody().readAllBytes();
        Answer a = answers.get(key);
        if (a == null) {
            a = prefixes.entrySet().stream().filter(e -> key.startsWith(e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(Answer.status(404, Map.of()));
        }
        if (a.delayMillis() > 0) {
            try {
                Thread.sleep(a.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        if (a.delayMillis() == STALL) {
            ex.sendResponseHeaders(a.status(), a.body().length);
            ex.getResponseBody().write(a.body(), 0, 1);
            ex.getResponseBody().flush();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        if (a.body().length == 0) {
            ex.sendResponseHeaders(a.status(), -1);
        } else {
            ex.sendResponseHeaders(a.status(), a.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.body());
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}

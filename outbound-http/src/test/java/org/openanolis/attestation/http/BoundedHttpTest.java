package org.openanolis.attestation.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.http.BoundedHttp.BodyTooLargeException;
import org.openanolis.attestation.http.BoundedHttp.DeadlineExceededException;

/**
 * The bounded exchange against a loopback server that misbehaves on purpose. No assertion depends
 * on timing beyond "well before a generous bound": a refused body must be refused whatever the
 * deadline, and a stalled one must end at its short deadline rather than hang.
 */
class BoundedHttpTest {
    private static final int MAX = 64 * 1024;
    /** Longer than any answer that should be refused for its size takes: reaching it is a failure. */
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofSeconds(2);

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch clientClosed = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bounded-http-test");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    private interface Handler {
        void handle(HttpExchange ex) throws IOException, InterruptedException;
    }

    private URI serve(Handler h) {
        server.createContext("/x", ex -> {
            try {
                h.handle(ex);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x");
    }

    private HttpResponse<byte[]> get(URI uri, Duration deadline) throws IOException, InterruptedException {
        return BoundedHttp.send(client, HttpRequest.newBuilder(uri).GET().build(), MAX, deadline);
    }

    /** Writes until the client goes away, then says so. */
    private void writeForever(OutputStream out, byte[] chunk, long pauseMillis) throws InterruptedException {
        try {
            while (true) {
                out.write(chunk);
                out.flush();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (IOException e) {
            clientClosed.countDown();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void endlessChunkedBodyIsCutAtTheLimitAndTheConnectionClosed() throws Exception {
        URI uri = serve(ex -> {
            ex.sendResponseHeaders(200, 0);
            writeForever(ex.getResponseBody(), new byte[8192], 0);
        });
        BodyTooLargeException e = assertThrows(BodyTooLargeException.class, () -> get(uri, LONG));
        assertEquals(MAX, e.limit());
        assertTrue(e.getMessage().contains(uri + ": answer body of more than 65536 bytes arrived"), e.getMessage());
        assertTrue(clientClosed.await(20, TimeUnit.SECONDS), "the client kept the connection open");
    }

    @Test
    void contentLengthAboveTheLimitIsRefusedBeforeAnyBodyIsRead() {
        // The body never comes: only refusing on the header can end this before LONG.
        URI uri = serve(ex -> {
            ex.sendResponseHeaders(200, MAX + 1L);
            ex.getResponseBody().flush();
            release.await();
        });
        BodyTooLargeException e = assertThrows(BodyTooLargeException.class, () -> get(uri, LONG));
        assertTrue(e.getMessage().contains("declared as 65537 bytes (Content-Length), more than the limit of 65536"),
                e.getMessage());
    }

    @Test
    void headersThenAStalledBodyEndAtTheDeadline() {
        URI uri = serve(ex -> {
            ex.sendResponseHeaders(200, 100);
            ex.getResponseBody().write(new byte[10]);
            ex.getResponseBody().flush();
            release.await();
        });
        long t0 = System.nanoTime();
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> get(uri, SHORT));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(LONG) < 0);
        assertInstanceOf(HttpTimeoutException.class, e);
        assertTrue(e.getMessage().contains(uri + ": no complete answer within 2000 ms (headers arrived, 10 body bytes read)"),
                e.getMessage());
    }

    @Test
    void aDripFedBodyEndsAtTheDeadlineAndTheConnectionIsClosed() throws Exception {
        URI uri = serve(ex -> {
            ex.sendResponseHeaders(200, 0);
            writeForever(ex.getResponseBody(), new byte[1], 50);
        });
        assertThrows(DeadlineExceededException.class, () -> get(uri, SHORT));
        assertTrue(clientClosed.await(20, TimeUnit.SECONDS), "the client kept the connection open");
    }

    @Test
    void noResponseHeadersEndAtTheDeadlineAndTheConnectionIsClosed() throws Exception {
        // A raw socket: it reads the request, never answers, and sees the client close.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            handlers.submit(() -> {
                try (java.net.Socket s = listener.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // the request, then nothing until the client closes
                    }
                    clientClosed.countDown();
                }
                return null;
            });
            URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/x");
            DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> get(uri, SHORT));
            assertTrue(e.getMessage().endsWith("within 2000 ms (no response headers)"), e.getMessage());
            assertTrue(!Thread.currentThread().isInterrupted(), "the deadline's interrupt leaked to the caller");
            assertTrue(clientClosed.await(20, TimeUnit.SECONDS), "the client kept the connection open");
        }
    }

    @Test
    void anInterruptFromElsewhereIsAnInterrupt() throws Exception {
        URI uri = serve(ex -> release.await());
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();
        try {
            assertThrows(InterruptedException.class, () -> get(uri, LONG));
        } finally {
            interrupter.join();
            Thread.interrupted();
        }
    }

    @Test
    void theDeadlineLeavesNoInterruptBehind() throws Exception {
        URI uri = serve(ex -> {
            ex.sendResponseHeaders(200, 3);
            ex.getResponseBody().write(new byte[] {1, 2, 3});
        });
        for (int i = 0; i < 200; i++) {
            // Deadlines about as long as the exchange itself: some expire, some do not; none may
            // leave the caller interrupted.
            try {
                get(uri, Duration.ofNanos(200_000 + 10_000L * i));
            } catch (DeadlineExceededException expected) {
                // fine
            }
            assertTrue(!Thread.currentThread().isInterrupted(), "interrupt left behind at " + i);
        }
    }

    @Test
    void aBodyOfExactlyTheLimitIsAccepted() throws Exception {
        byte[] body = bytes(MAX);
        URI uri = serve(ex -> {
            boolean chunked = ex.getRequestURI().getQuery() != null;
            ex.sendResponseHeaders(200, chunked ? 0 : body.length);
            // In pieces, so the body arrives in several reads.
            for (int i = 0; i < body.length; i += 1000) {
                ex.getResponseBody().write(body, i, Math.min(1000, body.length - i));
                ex.getResponseBody().flush();
            }
        });
        HttpResponse<byte[]> fixed = get(uri, LONG);
        assertEquals(200, fixed.statusCode());
        assertArrayEquals(body, fixed.body());
        assertArrayEquals(body, get(URI.create(uri + "?chunked"), LONG).body());
    }

    @Test
    void oneByteOverTheLimitIsRefusedWhetherDeclaredOrNot() {
        byte[] body = bytes(MAX + 1);
        URI uri = serve(ex -> {
            boolean chunked = ex.getRequestURI().getQuery() != null;
            ex.sendResponseHeaders(200, chunked ? 0 : body.length);
            ex.getResponseBody().write(body);
        });
        BodyTooLargeException declared = assertThrows(BodyTooLargeException.class, () -> get(uri, LONG));
        assertTrue(declared.getMessage().contains("Content-Length"), declared.getMessage());
        BodyTooLargeException arrived = assertThrows(BodyTooLargeException.class,
                () -> get(URI.create(uri + "?chunked"), LONG));
        assertTrue(arrived.getMessage().contains("arrived (reading stopped at 65537)"), arrived.getMessage());
    }

    @Test
    void errorAnswersAndEmptyBodiesAreReturned() throws Exception {
        URI uri = serve(ex -> {
            if (ex.getRequestURI().getQuery() != null) {
                ex.sendResponseHeaders(204, -1);
                return;
            }
            byte[] b = "no such thing".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, b.length);
            ex.getResponseBody().write(b);
        });
        HttpResponse<byte[]> r = get(uri, LONG);
        assertEquals(404, r.statusCode());
        assertEquals("no such thing", new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<byte[]> empty = get(URI.create(uri + "?empty"), LONG);
        assertEquals(204, empty.statusCode());
        assertEquals(0, empty.body().length);
    }

    @Test
    void aRefusedConnectionKeepsItsExceptionType() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/x");
        assertThrows(ConnectException.class, () -> get(uri, LONG));
    }

    @Test
    void argumentsAreChecked() {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")).build();
        assertThrows(IllegalArgumentException.class, () -> BoundedHttp.send(client, r, -1, LONG));
        assertThrows(IllegalArgumentException.class, () -> BoundedHttp.send(client, r, MAX, Duration.ZERO));
        assertTrue(Arrays.asList(BoundedHttp.class.getDeclaredConstructors()).stream()
                .noneMatch(c -> java.lang.reflect.Modifier.isPublic(c.getModifiers())));
    }
}

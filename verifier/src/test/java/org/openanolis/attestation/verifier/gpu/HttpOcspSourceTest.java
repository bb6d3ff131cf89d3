package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;

/**
 * The HTTP transport of {@link HttpOcspSource} against a loopback server whose answer each test
 * chooses: the request it sends, only HTTP 200 as an answer, no redirects, the 64 KiB limit, the
 * timeout, and keep-alive (two exchanges on one connection).
 */
class HttpOcspSourceTest {
    private static final SimulatedNvidiaDevice GPU =
            SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).build(GpuTestFixture.PKI);
    private static final byte[] REQUEST = {0x30, 0x03, 0x02, 0x01, 0x07};

    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private URI serve(Handler h) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                        + ex.getRequestHeaders().getFirst("Accept") + " " + java.util.HexFormat.of().formatHex(body)
                        + " from " + ex.getRemoteAddress().getPort());
                h.handle(ex);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-ocsp-source-test");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp");
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private static OcspSource.Query query() {
        List<X509Certificate> chain = GPU.credentials().chain();
        return new OcspSource.Query(chain.get(1), chain.get(2), REQUEST);
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/ocsp-response");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Test
    void postsTheRequestAndReturnsTheBodyAsALiveAnswerOverOneKeptAliveConnection() throws Exception {
        byte[] response = {0x30, 0x03, 0x0a, 0x01, 0x00};
        OcspSource source = new HttpOcspSource(serve(ex -> answer(ex, 200, response)), Duration.ofSeconds(5));
        Optional<OcspSource.Answer> a = source.fetch(query());
        Optional<OcspSource.Answer> b = source.fetch(query());
        assertArrayEquals(response, a.orElseThrow().responseDer());
        assertTrue(a.get().answersThisRequest());
        assertArrayEquals(response, b.orElseThrow().responseDer());
        assertEquals(2, seen.size());
        assertTrue(seen.get(0).startsWith("POST application/ocsp-request application/ocsp-response 3003020107 from "),
                seen.get(0));
        // Same client port: the second exchange reused the first one's connection.
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void onlyHttp200IsAnAnswer() throws Exception {
        OcspSource source = new HttpOcspSource(serve(ex -> answer(ex, 500, new byte[] {1, 2})), Duration.ofSeconds(5));
        IOException e = assertThrows(IOException.class, () -> source.fetch(query()));
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        URI uri = serve(ex -> {
            if (ex.getRequestURI().getPath().equals("/ocsp")) {
                ex.getResponseHeaders().add("Location", "/elsewhere");
                answer(ex, 302, new byte[0]);
            } else {
                answer(ex, 200, new byte[] {0x30, 0x00});
            }
        });
        IOException e = assertThrows(IOException.class, () -> new HttpOcspSource(uri, Duration.ofSeconds(5)).fetch(query()));
        assertTrue(e.getMessage().contains("HTTP 302"), e.getMessage());
        assertEquals(1, seen.size());
    }

    @Test
    void bodiesOver64KibAreRefusedWithOrWithoutAContentLength() throws Exception {
        byte[] big = new byte[64 * 1024 + 1];
        OcspSource withLength = new HttpOcspSource(serve(ex -> answer(ex, 200, big)), Duration.ofSeconds(5));
        IOException e = assertThrows(IOException.class, () -> withLength.fetch(query()));
        assertTrue(e.getMessage().contains("larger than 65536"), e.getMessage());
        server.stop(0);
        OcspSource chunked = new HttpOcspSource(serve(ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no length announced
            try (OutputStream out = ex.getResponseBody()) {
                out.write(big);
            }
        }), Duration.ofSeconds(5));
        e = assertThrows(IOException.class, () -> chunked.fetch(query()));
        assertTrue(e.getMessage().contains("larger than 65536"), e.getMessage());
        byte[] exact = new byte[64 * 1024];
        server.stop(0);
        OcspSource limit = new HttpOcspSource(serve(ex -> answer(ex, 200, exact)), Duration.ofSeconds(5));
        assertEquals(exact.length, limit.fetch(query()).orElseThrow().responseDer().length);
    }

    @Test
    void aResponderThatNeverAnswersTimesOut() throws Exception {
        OcspSource source = new HttpOcspSource(serve(ex -> {
            try {
                release.await(); // until the test ends
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }), Duration.ofMillis(200));
        IOException e = assertThrows(IOException.class, () -> source.fetch(query()));
        assertTrue(e.getMessage().contains("did not answer within"), e.getMessage());
    }

    @Test
    void aBodyThatStallsAfterTheHeadersTimesOut() throws Exception {
        // HttpRequest.timeout alone covers only the headers: this answer used to hold the thread for ever.
        OcspSource source = new HttpOcspSource(serve(ex -> {
            ex.sendResponseHeaders(200, 100);
            ex.getResponseBody().write(new byte[] {0x30, 0x62});
            ex.getResponseBody().flush();
            try {
                release.await(); // until the test ends
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }), Duration.ofSeconds(2));
        IOException e = assertThrows(IOException.class, () -> source.fetch(query()));
        assertTrue(e.getMessage().contains("did not answer within PT2S"), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("headers arrived, 2 body bytes read"), e.getCause().getMessage());
    }

    @Test
    void onlyHttpUrls() {
        assertThrows(IllegalArgumentException.class,
                () -> new HttpOcspSource(URI.create("ftp://127.0.0.1/ocsp"), Duration.ofSeconds(1)));
    }
}

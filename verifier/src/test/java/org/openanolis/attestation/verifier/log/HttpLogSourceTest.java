package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpLogSource}'s bounds against a loopback stand-in for the auditor routes: answers over
 * the size limit (a page is asked again in halves; one entry alone over it is a clear error) and a
 * body that stalls after its headers (the deadline ends it).
 */
class HttpLogSourceTest {
    private static final int LIMIT = 8192;
    private static final int ENTRY = 1000; // ~1,370 bytes of JSON each: 5 fit in LIMIT, 10 do not

    private final Map<Long, Integer> sizes = new ConcurrentHashMap<>();
    private final List<Integer> askedLimits = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private String base;

    private static byte[] entry(long index, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) index);
        return b;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-log-source-test");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/log/entries", ex -> {
            try (ex) {
                Map<String, Long> q = new ConcurrentHashMap<>();
                for (String kv : ex.getRequestURI().getQuery().split("&")) {
                    q.put(kv.substring(0, kv.indexOf('=')), Long.parseLong(kv.substring(kv.indexOf('=') + 1)));
                }
                long start = q.get("start");
                int limit = q.get("limit").intValue();
                askedLimits.add(limit);
                StringBuilder sb = new StringBuilder("{\"tree_size\":1000000,\"entries\":[");
                for (long i = start; i < start + limit; i++) {
                    sb.append(i == start ? "" : ",").append("{\"index\":").append(i).append(",\"entry\":\"")
                            .append(Base64.getEncoder().encodeToString(entry(i, sizes.getOrDefault(i, ENTRY))))
                            .append("\"}");
                }
                byte[] body = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.createContext("/v1/log/checkpoint", ex -> {
            try (ex) {
                ex.sendResponseHeaders(200, 0); // chunked, and the body stalls after a few bytes
                ex.getResponseBody().write("origin\n".getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.createContext("/v1/log/key", ex -> {
            try (ex) {
                ex.sendResponseHeaders(200, 0); // chunked: no length to refuse early
                ex.getResponseBody().write(new byte[LIMIT + 1]);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private HttpLogSource source() {
        return new HttpLogSource(base, "t", LIMIT, Duration.ofSeconds(2));
    }

    @Test
    void aPageOverTheLimitIsAskedAgainInHalves() throws Exception {
        SortedMap<Long, byte[]> got = source().entries(0, 20);
        assertEquals(20, got.size());
        for (long i = 0; i < 20; i++) {
            assertArrayEquals(entry(i, ENTRY), got.get(i));
        }
        assertEquals(List.of(20, 10, 5, 5, 5, 5), askedLimits);
    }

    @Test
    void anEntryAloneOverTheLimitIsAClearError() {
        sizes.put(3L, LIMIT);
        LogStorageException e = assertThrows(LogStorageException.class, () -> source().entries(0, 8));
        assertEquals("entry 3 alone is larger than an answer may be (8192 bytes)", e.getMessage());
        assertTrue(e.getCause().getMessage().contains("/v1/log/entries?start=3&limit=1: answer larger than 8192 bytes"),
                e.getCause().getMessage());
    }

    @Test
    void anyOtherAnswerOverTheLimitIsRefused() {
        LogStorageException e = assertThrows(LogStorageException.class, () -> source().publishedKey());
        assertEquals("GET " + base + "/v1/log/key: answer larger than 8192 bytes", e.getMessage());
    }

    @Test
    void aBodyThatStallsAfterItsHeadersEndsAtTheDeadline() {
        LogStorageException e = assertThrows(LogStorageException.class, () -> source().latestCheckpointNote());
        assertTrue(e.getMessage().contains("no complete answer within 2000 ms (headers arrived, 7 body bytes read)"),
                e.getMessage());
    }
}

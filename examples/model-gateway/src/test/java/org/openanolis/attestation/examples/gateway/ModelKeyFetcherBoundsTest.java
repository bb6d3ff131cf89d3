package org.openanolis.attestation.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.http.BoundedHttp;

/** A gateway answer larger than a wrapped key can be is refused as it arrives, not read whole. */
class ModelKeyFetcherBoundsTest {
    @Test
    void anOversizedGatewayAnswerIsRefused() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) 'a');
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse early
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 1024; i++) { // 8 MiB, far past the limit
                    out.write(chunk);
                }
            } catch (java.io.IOException closedByTheClient) {
                // expected: the client stops reading at the limit
            }
        });
        server.start();
        try {
            ModelKeyFetcher fetcher = new ModelKeyFetcher(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort()), HttpClient.newHttpClient());
            BoundedHttp.BodyTooLargeException e = assertThrows(BoundedHttp.BodyTooLargeException.class,
                    () -> fetcher.fetch("model-1", "token", "jti", new ECKeyGenerator(Curve.P_256).generate()));
            assertTrue(e.getMessage().contains(Integer.toString(ModelKeyFetcher.MAX_ANSWER_BYTES)), e.getMessage());
        } finally {
            server.stop(0);
        }
    }
}

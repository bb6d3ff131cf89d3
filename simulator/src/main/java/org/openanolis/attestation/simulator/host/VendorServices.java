package org.openanolis.attestation.simulator.host;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.openanolis.attestation.simulator.gpu.LoopbackOcspResponder;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;

/**
 * The vendor services of a {@link SimulatedEnvironment} on the loopback interface: an NVIDIA-like
 * RIM service ({@code GET /v1/rim/<id>} → {@code {"id","rim":"<base64 XML>","sha256"}}, 404 for
 * unknown ids) and an OCSP responder answering for every NVIDIA CA of the environment. Close to
 * stop both.
 */
public final class VendorServices implements AutoCloseable {
    private final HttpServer rimServer;
    private final ExecutorService rimThreads;
    private final LoopbackOcspResponder ocsp;
    private final Map<String, byte[]> rims;
    private final AtomicInteger rimRequests = new AtomicInteger();

    private VendorServices(SimulatedEnvironment env, Clock clock, NvidiaTestPki.RimSigner rimSigner) throws IOException {
        this.rims = env.rims();
        this.ocsp = LoopbackOcspResponder.start(clock);
        // The device CAs are shared by every device of an architecture: register them once.
        SimulatedNvidiaDevice sample = env.newGpu(SimulatedEnvironment.DRIVER_VERSION, Map.of());
        ocsp.addIssuers(env.nvidiaPki(), sample.credentials().chain());
        ocsp.addIssuers(env.nvidiaPki(), rimSigner.chain());
        this.rimThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "simulated-rim-service");
            t.setDaemon(true);
            return t;
        });
        this.rimServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        rimServer.createContext("/v1/rim/", this::rim);
        rimServer.setExecutor(rimThreads);
        rimServer.start();
    }

    static VendorServices start(SimulatedEnvironment env, Clock clock, NvidiaTestPki.RimSigner rimSigner)
            throws IOException {
        return new VendorServices(env, clock, rimSigner);
    }

    /** Base URL of the RIM service (the service's {@code nvidia_rim_url}). */
    public URI rimServiceUrl() {
        return URI.create("http://127.0.0.1:" + rimServer.getAddress().getPort());
    }

    /** URL of the OCSP responder (the service's {@code nvidia_ocsp_url}). */
    public URI ocspUrl() {
        return ocsp.uri();
    }

    /** The OCSP responder, to count requests or change statuses. */
    public LoopbackOcspResponder ocspResponder() {
        return ocsp;
    }

    /** How many RIM requests were answered (found or not). */
    public int rimRequests() {
        return rimRequests.get();
    }

    private void rim(HttpExchange ex) throws IOException {
        try (ex) {
            rimRequests.incrementAndGet();
            String path = ex.getRequestURI().getRawPath();
            String id = URLDecoder.decode(path.substring("/v1/rim/".length()), StandardCharsets.UTF_8);
            byte[] xml = rims.get(id);
            if (!"GET".equals(ex.getRequestMethod()) || xml == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String body = "{\"id\":" + Json.quote(id) + ",\"rim\":" + Json.quote(Base64.getEncoder().encodeToString(xml))
                    + ",\"sha256\":" + Json.quote(HexFormat.of().formatHex(sha256(xml)))
                    + "}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        rimServer.stop(0);
        rimThreads.shutdownNow();
        ocsp.close();
    }
}

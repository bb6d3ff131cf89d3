package org.openanolis.attestation.simulator.gpu;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A tiny OCSP responder on 127.0.0.1 (an ephemeral port) for tests and the simulated service:
 * answers {@code POST} requests for certificates of the CAs registered with {@link #addIssuer},
 * with the status set by {@link #setStatus} (default {@code good}), signed by the issuing CA,
 * {@code thisUpdate} from the injected clock and {@code nextUpdate} one day later, echoing the
 * request nonce unless {@link #echoNonce} is switched off. Close it to stop the server.
 */
public final class LoopbackOcspResponder implements AutoCloseable {
    private final HttpServer server;
    private final Clock clock;
    private final Map<X509Certificate, PrivateKey> issuers = new ConcurrentHashMap<>();
    private final Map<BigInteger, OcspResponseFactory.Status> statuses = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean echoNonce = true;
    private volatile PrivateKey forcedSigner;

    private LoopbackOcspResponder(Clock clock) throws IOException {
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // Concurrent answers: the service asks about many certificates at once in a boot storm.
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-ocsp");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Starts a responder on the loopback interface. */
    public static LoopbackOcspResponder start(Clock clock) throws IOException {
        return new LoopbackOcspResponder(clock);
    }

    /** The responder URL. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Answers for certificates issued by {@code ca}, signing with {@code caKey}. */
    public LoopbackOcspResponder addIssuer(X509Certificate ca, PrivateKey caKey) {
        issuers.put(ca, caKey);
        return this;
    }

    public LoopbackOcspResponder setStatus(BigInteger serial, OcspResponseFactory.Status status) {
        statuses.put(serial, status);
        return this;
    }

    /** Whether responses echo the request nonce (on by default). */
    public LoopbackOcspResponder echoNonce(boolean echo) {
        this.echoNonce = echo;
        return this;
    }

    /** Signs every response with {@code key} instead of the issuer's (a forged response), or null. */
    public LoopbackOcspResponder forceSigner(PrivateKey key) {
        this.forcedSigner = key;
        return this;
    }

    /** How many requests were answered. */
    public int requestCount() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(64 * 1024);
            }
            byte[] answer;
            try {
                answer = answer(new OCSPReq(body));
            } catch (IOException | RuntimeException e) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            if (answer == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            requests.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/ocsp-response");
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private byte[] answer(OCSPReq req) {
        Req[] list = req.getRequestList();
        if (list.length != 1) {
            return null;
        }
        CertificateID id = list[0].getCertID();
        try {
            DigestCalculatorProvider dcp = new JcaDigestCalculatorProviderBuilder().build();
            for (Map.Entry<X509Certificate, PrivateKey> e : issuers.entrySet()) {
                if (id.matchesIssuer(new JcaX509CertificateHolder(e.getKey()), dcp)) {
                    Extension nonce = echoNonce ? req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce) : null;
                    Instant now = clock.instant();
                    PrivateKey signer = forcedSigner != null ? forcedSigner : e.getValue();
                    return OcspResponseFactory.response(id.getSerialNumber(), e.getKey(), signer, null,
                            statuses.getOrDefault(id.getSerialNumber(), new OcspResponseFactory.Status.Good()),
                            now, now.plus(Duration.ofDays(1)), nonce);
                }
            }
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    /** Registers every CA of a chain (all but the first certificate) with its key from {@code pki}. */
    public LoopbackOcspResponder addIssuers(NvidiaTestPki pki, List<X509Certificate> chain) {
        for (int i = 1; i < chain.size(); i++) {
            addIssuer(chain.get(i), pki.keyOf(chain.get(i)));
        }
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package org.openanolis.attestation.verifier.gpu;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * A live OCSP responder reached over HTTP POST ({@code application/ocsp-request}, RFC 6960
 * appendix A.1). Its answers echo the request, so their nonce is checked. The URL is configured,
 * never taken from the certificate (NVIDIA's certificates name no AIA responder). An answer is at
 * most {@value #MAX_RESPONSE} bytes, and the timeout bounds the whole exchange, body included
 * ({@link BoundedHttp}).
 */
public final class HttpOcspSource implements OcspSource {
    /** Largest response accepted (a real one, a signed single response with its signer, is 2-5 kB). */
    static final int MAX_RESPONSE = 64 * 1024;
    private final URI responder;
    private final Duration timeout;
    private final HttpClient client;

    public HttpOcspSource(URI responder, Duration timeout) {
        this.responder = Objects.requireNonNull(responder, "responder");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        String scheme = responder.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("OCSP responder must be an http or https URL: " + responder);
        }
        // HTTP/1.1 (RFC 6960 appendix A): one small request and answer per exchange. The default
        // (HTTP/2) adds an h2c upgrade attempt on every new plain-HTTP connection; with 1.1 the
        // client used less CPU per new GPU in ColdDeviceCpu (docs/performance-replicas.md).
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public Optional<Answer> fetch(Query query) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(responder)
                .timeout(timeout)
                .header("Content-Type", "application/ocsp-request")
                .header("Accept", "application/ocsp-response")
                .POST(HttpRequest.BodyPublishers.ofByteArray(query.requestDer()))
                .build();
        HttpResponse<byte[]> resp;
        try {
            resp = BoundedHttp.send(client, req, MAX_RESPONSE, timeout);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("OCSP responder " + responder + " did not answer within " + timeout, e);
        } catch (BoundedHttp.BodyTooLargeException e) {
            throw new IOException("OCSP response from " + responder + " larger than " + MAX_RESPONSE + " bytes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + responder, e);
        }
        if (resp.statusCode() != 200) {
            throw new IOException("OCSP responder " + responder + " answered HTTP " + resp.statusCode());
        }
        return Optional.of(new Answer(resp.body(), true));
    }
}

package org.openanolis.attestation.verifier.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * A RIM service in the shape of NVIDIA's ({@code gpu-verification.md} §6): {@code GET
 * <base>/v1/rim/<id>} answers {@code {"id": …, "rim": base64(XML), …}}; HTTP 404 means no such
 * RIM. The answer's {@code id} must be the id asked for (as NVAT requires). The documents are not
 * trusted: the verifier checks their signature, chain, version and edition. The base URL is
 * configured; tests use a loopback server. An answer is at most {@value #MAX_RESPONSE} bytes (a RIM
 * is 20-30 kB, about 40 kB in base64), and the timeout bounds the whole exchange, body included
 * ({@link BoundedHttp}).
 */
public final class HttpRimSource implements RimSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_RESPONSE = 4 * 1024 * 1024;
    private final URI base;
    private final Duration timeout;
    private final HttpClient client;

    public HttpRimSource(URI base, Duration timeout) {
        this.base = Objects.requireNonNull(base, "base");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Optional<byte[]> fetch(RimKind kind, String rimId) throws IOException {
        String path = base.toString().replaceAll("/+$", "") + "/v1/rim/" + URLEncoder.encode(rimId, StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(path)).timeout(timeout)
                .header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> resp;
        try {
            resp = BoundedHttp.send(client, req, MAX_RESPONSE, timeout);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("RIM service " + base + " did not answer within " + timeout + " for " + rimId, e);
        } catch (BoundedHttp.BodyTooLargeException e) {
            throw new IOException("RIM service answer larger than " + MAX_RESPONSE + " bytes for " + rimId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + rimId, e);
        }
        if (resp.statusCode() == 404) {
            return Optional.empty();
        }
        if (resp.statusCode() != 200) {
            throw new IOException("RIM service answered HTTP " + resp.statusCode() + " for " + rimId);
        }
        JsonNode root = JSON.readTree(resp.body());
        if (root == null || !root.isObject() || !root.path("id").isTextual() || !root.path("rim").isTextual()) {
            throw new IOException("RIM service answer for " + rimId + " lacks id or rim");
        }
        if (!rimId.equals(root.get("id").asText())) {
            throw new IOException("RIM service answered id " + root.get("id").asText() + " for " + rimId);
        }
        try {
            return Optional.of(Base64.getMimeDecoder().decode(root.get("rim").asText()));
        } catch (IllegalArgumentException e) {
            throw new IOException("RIM service answer for " + rimId + " is not base64", e);
        }
    }
}

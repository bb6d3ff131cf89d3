package org.openanolis.attestation.verifier.collateral;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * Fetches collateral over HTTP from an ordered list of base URLs (Intel PCS then PCCS mirrors, a
 * KDS, a RIM service), failing over on connection errors, time-outs, 404 (a PCCS mirror may lack
 * what PCS has) and 5xx. When every base answered 404 the item does not exist
 * ({@link ReasonCode#COLLATERAL_MISSING}); otherwise {@link Unavailable} carries the largest
 * {@code Retry-After} a throttling (429/503) upstream asked for.
 *
 * <p>Each exchange is bounded ({@link BoundedHttp}): an answer body larger than
 * {@link #MAX_BODY_BYTES} is refused (early when its {@code Content-Length} says so), and the
 * configured time-out bounds the whole exchange, body included. Either counts as that base failing,
 * like a connection error, so the next base is asked.
 * Blocking: call it from a worker thread.
 */
public final class CollateralFetcher {
    /**
     * Largest answer body read (4 MiB). Real collateral is far smaller: TDX TCB info and QE identity
     * some kB to tens of kB, PCK and root CRLs a few kB, AMD KDS certificates and CRLs about 1-3 kB,
     * NVIDIA RIM service answers (base64 RIMs) about 30-40 kB (the RIMs in the test data are 20-26 kB).
     */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    /** A successful response: body and headers (names lower-cased). */
    public record Response(URI uri, byte[] body, Map<String, String> headers) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    /** Every base failed; {@code retryAfter} is what the last throttling upstream asked for. */
    public static final class Unavailable extends VerificationException {
        private static final long serialVersionUID = 1L;
        private final Duration retryAfter;

        Unavailable(String field, String message, Duration retryAfter) {
            super(ReasonCode.COLLATERAL_MISSING, field, message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private final HttpClient http;
    private final List<URI> bases;
    private final Duration timeout;
    private final int maxBodyBytes;

    /**
     * @param bases   the sources, asked in this order
     * @param timeout for each exchange as a whole: connect, headers and body
     */
    public CollateralFetcher(List<URI> bases, Duration timeout) {
        this(bases, timeout, MAX_BODY_BYTES);
    }

    CollateralFetcher(List<URI> bases, Duration timeout, int maxBodyBytes) {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("at least one base URL");
        }
        this.bases = List.copyOf(bases);
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public List<URI> bases() {
        return bases;
    }

    /** GET {@code pathAndQuery} (starting with '/') from the first base that answers. */
    public Response get(String pathAndQuery, String field) throws VerificationException {
        return send(pathAndQuery, field, null, null);
    }

    /** POST a body (OCSP requests) to the first base that answers. */
    public Response post(String pathAndQuery, String field, byte[] body, String contentType) throws VerificationException {
        return send(pathAndQuery, field, body, contentType);
    }

    private Response send(String pathAndQuery, String field, byte[] body, String contentType)
            throws VerificationException {
        List<String> failures = new ArrayList<>();
        Duration retryAfter = null;
        int notFound = 0;
        for (URI base : bases) {
            URI uri = URI.create(stripSlash(base.toString()) + pathAndQuery);
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
            if (body != null) {
                rb.POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
            } else {
                rb.GET();
            }
            HttpResponse<byte[]> r;
            try {
                r = BoundedHttp.send(http, rb.build(), maxBodyBytes, timeout);
            } catch (HttpTimeoutException e) {
                failures.add(uri + ": timed out");
                continue;
            } catch (BoundedHttp.BodyTooLargeException e) {
                failures.add(uri + ": answer larger than " + e.limit() + " bytes");
                continue;
            } catch (IOException e) {
                failures.add(uri + ": " + e.getClass().getSimpleName());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable(field, "interrupted while fetching " + uri, null);
            }
            int status = r.statusCode();
            if (status == 200) {
                Map<String, String> headers = new TreeMap<>();
                r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
                return new Response(uri, r.body(), headers);
            }
            if (status == 404) {
                notFound++;
            }
            if (status == 429 || status == 503) {
                Duration ra = parseRetryAfter(r.headers().firstValue("Retry-After").orElse(null));
                if (ra != null && (retryAfter == null || ra.compareTo(retryAfter) > 0)) {
                    retryAfter = ra;
                }
            }
            failures.add(uri + ": HTTP " + status);
        }
        if (notFound == bases.size()) {
            throw new VerificationException(ReasonCode.COLLATERAL_MISSING, field, "not found at any source: " + failures);
        }
        throw new Unavailable(field, "no collateral source answered: " + failures, retryAfter);
    }

    static Duration parseRetryAfter(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            return null; // an HTTP date: treat as unknown
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}

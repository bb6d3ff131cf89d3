package org.openanolis.attestation.verifier.http;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One outbound HTTP exchange bounded in size and in total time (issue #9, hostile input). The JDK
 * client's {@code HttpRequest.timeout} only bounds the wait for the response headers, and
 * {@code BodyHandlers.ofByteArray()} reads any body whole before a caller can check its length; a
 * broken or hostile server could send gigabytes, or headers and then a body that never ends.
 * {@link #send} instead
 * <ul>
 * <li>refuses an answer whose {@code Content-Length} exceeds the limit before reading its body,
 * and otherwise stops reading as soon as more than the limit has arrived
 * ({@link BodyTooLargeException}); at most the limit plus one network read is ever held;</li>
 * <li>gives the whole exchange (connect, request, headers and body) one deadline, after which it
 * cancels the exchange, which closes its connection ({@link DeadlineExceededException}, an
 * {@link HttpTimeoutException}, so callers that treat a time-out as retryable keep doing so).</li>
 * </ul>
 * Other failures are the client's own {@link IOException}s, of the same types as
 * {@link HttpClient#send} throws (e.g. {@link java.net.ConnectException}). Error statuses are
 * answers like any other: their bodies are bounded the same way and returned.
 *
 * <p>This class exists twice, identical but for the package line and the class's visibility:
 * {@code verifier}'s {@code org.openanolis.attestation.verifier.http.BoundedHttp} (public, tested
 * by {@code BoundedHttpTest}) and {@code client-sdk}'s {@code org.openanolis.attestation.sdk.BoundedHttp}
 * (package-private: the SDK depends on nothing but the JDK and Nimbus, and no module is shared by
 * both at compile scope). {@code client-sdk}'s {@code BoundedHttpTwinTest} fails when they differ.
 */
public final class BoundedHttp {
    private BoundedHttp() {
    }

    /** The answer's body is larger than the limit: declared so by {@code Content-Length}, or as it arrived. */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        BodyTooLargeException(URI uri, long limit, String what) {
            super(uri + ": answer body " + what + ", more than the limit of " + limit + " bytes");
            this.limit = limit;
        }

        /** The limit in bytes. */
        public long limit() {
            return limit;
        }
    }

    /** The whole exchange (connect, headers and body) did not finish within its deadline. */
    public static final class DeadlineExceededException extends HttpTimeoutException {
        private static final long serialVersionUID = 1L;

        DeadlineExceededException(URI uri, Duration deadline, long bodyBytes) {
            super(uri + ": no complete answer within " + deadline.toMillis() + " ms"
                    + (bodyBytes < 0 ? " (no response headers)" : " (headers arrived, " + bodyBytes + " body bytes read)"));
        }
    }

    /**
     * Sends {@code request} with {@code client} and reads the answer's body, at most
     * {@code maxBodyBytes} of it, all within {@code deadline}.
     *
     * @throws BodyTooLargeException     when the body is (or is declared) larger than {@code maxBodyBytes}
     * @throws DeadlineExceededException when the exchange is not done within {@code deadline}
     * @throws IOException               any other failure, as {@link HttpClient#send} reports it
     * @throws InterruptedException      when interrupted while waiting (the exchange is cancelled)
     */
    public static HttpResponse<byte[]> send(HttpClient client, HttpRequest request, int maxBodyBytes, Duration deadline)
            throws IOException, InterruptedException {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(deadline, "deadline");
        if (maxBodyBytes < 0 || maxBodyBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxBodyBytes out of range: " + maxBodyBytes);
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        URI uri = request.uri();
        AtomicReference<LimitedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, info -> {
            LimitedBody b = new LimitedBody(uri, maxBodyBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1));
            body.set(b);
            return b;
        });
        try {
            return exchange.get(Math.min(deadline.toNanos(), Long.MAX_VALUE / 2), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LimitedBody b = body.get();
            DeadlineExceededException timedOut = new DeadlineExceededException(uri, deadline, b == null ? -1 : b.received);
            abort(exchange, b, timedOut);
            throw timedOut;
        } catch (InterruptedException e) {
            abort(exchange, body.get(), new IOException(uri + ": interrupted"));
            throw e;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * A Nimbus {@link ResourceRetriever} (for {@code JWKSourceBuilder.create(url, retriever)}) whose
     * fetches are {@link #send} exchanges through {@code client}. Nimbus's default retriever bounds
     * the size but times each read, not the whole body, so a server dripping bytes could hold a
     * thread for hours. Only HTTP 200 is a resource; its body is read as UTF-8.
     */
    public static ResourceRetriever resourceRetriever(HttpClient client, int maxBodyBytes, Duration deadline) {
        Objects.requireNonNull(client, "client");
        return url -> {
            URI uri;
            try {
                uri = url.toURI();
            } catch (URISyntaxException e) {
                throw new IOException("not a URI: " + url, e);
            }
            HttpResponse<byte[]> r;
            try {
                r = send(client, HttpRequest.newBuilder(uri).timeout(deadline).header("Accept", "application/json")
                        .GET().build(), maxBodyBytes, deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(uri + ": interrupted", e);
            }
            if (r.statusCode() != 200) {
                throw new IOException(uri + ": HTTP " + r.statusCode());
            }
            return new Resource(new String(r.body(), StandardCharsets.UTF_8),
                    r.headers().firstValue("Content-Type").orElse(null));
        };
    }

    /** Cancels the exchange: the body's subscription (closing the connection) and the future. */
    private static void abort(CompletableFuture<?> exchange, LimitedBody body, IOException why) {
        if (body != null) {
            body.fail(why);
        }
        exchange.cancel(true);
    }

    private static IOException rethrow(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                return tooLarge;
            }
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }

    /** Collects at most {@code max} bytes; fails and cancels its subscription past that. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final URI uri;
        private final int max;
        private final long declared;
        private volatile Flow.Subscription subscription;
        private volatile long received;
        private byte[] buf;
        private int size;

        LimitedBody(URI uri, int max, long declared) {
            this.uri = uri;
            this.max = max;
            this.declared = declared;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (subscription != null) {
                s.cancel();
                return;
            }
            subscription = s;
            if (declared > max) {
                fail(new BodyTooLargeException(uri, max, "declared as " + declared + " bytes (Content-Length)"));
                return;
            }
            if (result.isDone()) {
                s.cancel(); // aborted before the body began
                return;
            }
            buf = new byte[(int) Math.min(max, declared >= 0 ? declared : 8192)];
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            long n = 0;
            for (ByteBuffer b : items) {
                n += b.remaining();
            }
            long total = received + n;
            received = total;
            if (total > max) {
                fail(new BodyTooLargeException(uri, max, "of more than " + max + " bytes arrived (reading stopped at "
                        + total + ")"));
                return;
            }
            if (total > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(total, 2L * buf.length)));
            }
            for (ByteBuffer b : items) {
                int r = b.remaining();
                b.get(buf, size, r);
                size += r;
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            result.complete(size == buf.length ? buf : Arrays.copyOf(buf, size));
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        void fail(IOException e) {
            if (result.completeExceptionally(e)) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
            }
        }
    }
}

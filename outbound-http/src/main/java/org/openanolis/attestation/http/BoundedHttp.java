package org.openanolis.attestation.http;

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
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 * <p>The module {@code outbound-http} holds only this class and depends on nothing but the JDK and
 * Nimbus, so the verifier and the client SDK (whose users should get no other dependency) share it.
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
        Exchange x = new Exchange(Thread.currentThread(), request.uri(), maxBodyBytes, deadline);
        ScheduledFuture<?> timer = WATCHDOG.schedule(x::expire, deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            HttpResponse<byte[]> r = client.send(request, x);
            x.finish(); // past the deadline or not, the answer is complete
            return r;
        } catch (InterruptedException e) {
            if (x.finish()) {
                throw e; // interrupted by someone else: send cancelled the exchange
            }
            throw x.timedOut();
        } catch (IOException e) {
            if (!x.finish()) {
                throw x.timedOut();
            }
            throw unwrap(e);
        } finally {
            timer.cancel(false);
            x.finish(); // also when send threw something unchecked: no interrupt may come after this
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

    /** {@link HttpClient#send} wraps what the body subscriber failed with: find ours again. */
    private static IOException unwrap(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                return tooLarge;
            }
        }
        return e;
    }

    /** Ends the exchanges that pass their deadline (one daemon thread, idle but for that). */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bounded-http-deadline");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        return w;
    }

    /**
     * One exchange's deadline. The caller waits in {@link HttpClient#send} ({@code sendAsync} and a
     * timed wait would hand every answer over through the client's executor: about twice the CPU
     * per small exchange, docs/notes/bounded9.md). When the deadline passes before the
     * response headers, the watchdog interrupts the caller, and {@code send} cancels the exchange;
     * after the headers it fails the body, which cancels the body's subscription and so closes the
     * connection. Either way the caller gets a {@link DeadlineExceededException} and its interrupt
     * status is left as it was (an interrupt from elsewhere arriving in the same instant is lost).
     */
    private static final class Exchange implements HttpResponse.BodyHandler<byte[]> {
        private final Thread caller;
        private final URI uri;
        private final int max;
        private final Duration deadline;
        private LimitedBody body;
        private boolean expired;
        private boolean finished;
        private boolean interruptSent;

        Exchange(Thread caller, URI uri, int max, Duration deadline) {
            this.caller = caller;
            this.uri = uri;
            this.max = max;
            this.deadline = deadline;
        }

        @Override
        public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
            LimitedBody b = new LimitedBody(uri, max, info.headers().firstValueAsLong("Content-Length").orElse(-1));
            boolean late;
            synchronized (this) {
                body = b;
                late = expired;
            }
            if (late) {
                b.fail(timedOut());
            }
            return b;
        }

        /** The watchdog's side: the deadline passed. */
        void expire() {
            LimitedBody b;
            synchronized (this) {
                if (finished) {
                    return;
                }
                expired = true;
                b = body;
                if (b == null) {
                    interruptSent = true;
                    caller.interrupt();
                }
            }
            if (b != null) {
                b.fail(timedOut());
            }
        }

        /**
         * The caller's side, once {@code send} returned or threw: true when the deadline had not
         * passed. Clears the interrupt the watchdog sent, if it sent one.
         */
        synchronized boolean finish() {
            finished = true;
            if (interruptSent) {
                interruptSent = false;
                Thread.interrupted();
            }
            return !expired;
        }

        synchronized DeadlineExceededException timedOut() {
            return new DeadlineExceededException(uri, deadline, body == null ? -1 : body.received);
        }
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

package org.openanolis.attestation.verifier.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * A {@link LogSource} over the service's auditor routes ({@code /v1/log/...}, docs/api.md), with
 * the auditor's bearer token. Entries are read in pages of at most {@value #PAGE}. Nothing read is
 * trusted: the {@link LogAuditor} checks it against the pinned key.
 *
 * <p>Every exchange is bounded ({@link BoundedHttp}): at most {@link #MAX_ANSWER_BYTES} of answer,
 * and {@link #DEADLINE} for the whole exchange, body included. A page of entries refused for its
 * size is asked again at half the size, down to a single entry, and later pages keep the smaller size.
 */
public final class HttpLogSource implements LogSource {
    /** Entries per request (the service's maximum page). */
    public static final int PAGE = LogReadApi.MAX_PAGE;
    /**
     * Largest answer read (64 MiB). A full page of {@value #PAGE} entries is the base64 of their
     * bytes plus ~40 bytes of JSON each: 64 MiB holds a full page of entries up to ~48 KiB (a TDX
     * entry is ~5 KiB; evidence is the bulk of an entry). A larger page is refused and asked again
     * in halves ({@link #entries}); one entry alone fits up to ~48 MiB of evidence, more than the
     * default 1 MiB request body limit ({@code body_limit_bytes}) can carry. Only a service configured
     * near that setting's 64 MiB maximum can log an entry this source refuses, with an error naming
     * the limit.
     */
    public static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    /** The whole of one exchange: connect, request, headers and body. */
    public static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most characters of an error answer quoted in an exception. */
    private static final int QUOTED = 500;

    // HTTP/1.1: on plain http the JDK client otherwise attempts an h2c upgrade per connection, and
    // one auditor replay in CI hung there past its 60 s request timeout (2026-11-29).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;
    private final int maxAnswerBytes;
    private final Duration deadline;
    private Long endIndex;

    /**
     * @param baseUrl the service, e.g. {@code https://verifier.example}
     * @param token the auditor bearer token, or null
     */
    public HttpLogSource(String baseUrl, String token) {
        this(baseUrl, token, MAX_ANSWER_BYTES, DEADLINE);
    }

    HttpLogSource(String baseUrl, String token, int maxAnswerBytes, Duration deadline) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.maxAnswerBytes = maxAnswerBytes;
        this.deadline = deadline;
    }

    private HttpResponse<byte[]> get(String path) throws LogStorageException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(deadline);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> r = BoundedHttp.send(http, b.build(), maxAnswerBytes, deadline);
            if (r.statusCode() != 200 && r.statusCode() != 404) {
                String text = new String(r.body(), StandardCharsets.UTF_8);
                throw new LogStorageException("GET " + path + ": HTTP " + r.statusCode() + " "
                        + (text.length() > QUOTED ? text.substring(0, QUOTED) + "..." : text));
            }
            return r;
        } catch (BoundedHttp.BodyTooLargeException e) {
            throw new LogStorageException("GET " + base + path + ": answer larger than " + e.limit() + " bytes", e);
        } catch (IOException e) {
            throw new LogStorageException("GET " + base + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogStorageException("interrupted", e);
        }
    }

    private JsonNode json(String path) throws LogStorageException {
        HttpResponse<byte[]> r = get(path);
        if (r.statusCode() != 200) {
            throw new LogStorageException("GET " + path + ": HTTP " + r.statusCode());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new LogStorageException("GET " + path + ": not JSON", e);
        }
    }

    /** The log's verifier key as the service publishes it (to pin on first use only). */
    public String publishedKey() throws LogStorageException {
        HttpResponse<byte[]> r = get("/v1/log/key");
        if (r.statusCode() != 200) {
            throw new LogStorageException("the service publishes no log key");
        }
        return new String(r.body(), StandardCharsets.UTF_8).strip();
    }

    @Override
    public Optional<String> latestCheckpointNote() throws LogStorageException {
        HttpResponse<byte[]> r = get("/v1/log/checkpoint");
        return r.statusCode() == 200 ? Optional.of(new String(r.body(), StandardCharsets.UTF_8)) : Optional.empty();
    }

    @Override
    public long firstIndex() {
        return 0;
    }

    @Override
    public synchronized long endIndex() throws LogStorageException {
        if (endIndex == null) {
            endIndex = json("/v1/log/entries?start=0&limit=1").get("tree_size").asLong();
        }
        return endIndex;
    }

    @Override
    public boolean wholeLog() {
        return true;
    }

    @Override
    public SortedMap<Long, byte[]> entries(long from, long to) throws LogStorageException {
        SortedMap<Long, byte[]> out = new TreeMap<>();
        long start = from;
        int pageSize = PAGE;
        while (start < to) {
            int limit = (int) Math.min(pageSize, to - start);
            JsonNode page;
            try {
                page = json("/v1/log/entries?start=" + start + "&limit=" + limit);
            } catch (LogStorageException e) {
                if (!(e.getCause() instanceof BoundedHttp.BodyTooLargeException)) {
                    throw e;
                }
                if (limit == 1) {
                    throw new LogStorageException("entry " + start + " alone is larger than an answer may be ("
                            + maxAnswerBytes + " bytes)", e);
                }
                pageSize = limit / 2; // entries this large: smaller pages from here on
                continue;
            }
            JsonNode list = page.get("entries");
            if (list == null || list.isEmpty()) {
                break;
            }
            long last = start - 1;
            for (JsonNode e : list) {
                long idx = e.get("index").asLong();
                if (idx >= from && idx < to) {
                    out.put(idx, Base64.getDecoder().decode(e.get("entry").asText()));
                }
                last = Math.max(last, idx);
            }
            start = Math.max(start + limit, last + 1);
        }
        return out;
    }

    @Override
    public Optional<byte[]> collateral(Sha256Digest digest) throws LogStorageException {
        HttpResponse<byte[]> r = get("/v1/log/collateral/" + digest.hex());
        return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    }

    @Override
    public List<Sha256Digest> inclusionProof(long index, long treeSize) throws LogStorageException {
        return hashes(json("/v1/log/proofs/inclusion?index=" + index + "&tree_size=" + treeSize));
    }

    @Override
    public List<Sha256Digest> consistencyProof(long size1, long size2) throws LogStorageException {
        return hashes(json("/v1/log/proofs/consistency?first=" + size1 + "&second=" + size2));
    }

    private static List<Sha256Digest> hashes(JsonNode proof) throws LogStorageException {
        List<Sha256Digest> out = new ArrayList<>();
        JsonNode h = proof.get("hashes");
        if (h == null || !h.isArray()) {
            throw new LogStorageException("proof without hashes");
        }
        for (JsonNode n : h) {
            try {
                out.add(Sha256Digest.ofHex(n.asText()));
            } catch (IllegalArgumentException e) {
                throw new LogStorageException("proof hash is not 32 bytes of hex", e);
            }
        }
        return out;
    }
}

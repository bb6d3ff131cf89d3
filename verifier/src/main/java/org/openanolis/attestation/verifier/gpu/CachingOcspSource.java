package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ocsp.BasicOCSPResponse;
import org.bouncycastle.asn1.ocsp.SingleResponse;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.openanolis.attestation.verifier.IdentityDigests;

/**
 * Keeps the answers of a live responder per certificate (issuer fingerprint and serial) until the
 * response's own {@code nextUpdate}, at most {@code maxAge}: the OCSP equivalent of stapling.
 * Every GPU of every host shares the same CA certificates, so without it each attestation with 8
 * GPUs asks the responder ~72 times. The first answer goes to the verifier as live (its nonce
 * must echo ours); later uses are passed as pre-recorded, so the verifier judges them by
 * {@code thisUpdate}/{@code nextUpdate} and records {@code nonce: pre_recorded}. Answers without
 * {@code nextUpdate} or that do not parse are not kept.
 */
public final class CachingOcspSource implements OcspSource {
    /** A device certificate, and the CAs every device shares. */
    private static final int MAX_ENTRIES = DeviceCacheLimits.perDevice(1) + 1024;
    private final OcspSource upstream;
    private final Clock clock;
    private final Duration maxAge;
    /** Bounded: past its capacity single entries are evicted ({@link DeviceCacheLimits#newCache}). */
    private final Cache<String, Cached> cache;

    /** The kept answer (pre-recorded) is handed out as is: immutable, and its bytes keep one identity. */
    private record Cached(Answer answer, Instant keepUntil) {}

    public CachingOcspSource(OcspSource upstream, Clock clock, Duration maxAge) {
        this(upstream, clock, maxAge, MAX_ENTRIES);
    }

    /** With a capacity of {@code maxEntries} certificates (tests). */
    CachingOcspSource(OcspSource upstream, Clock clock, Duration maxAge, int maxEntries) {
        this.cache = DeviceCacheLimits.newCache(maxEntries);
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /** The kept answer for {@code subject}, if one is still within its keep time (pre-recorded). */
    @Override
    public Optional<Answer> held(X509Certificate subject, X509Certificate issuer) {
        return kept(key(subject, issuer), clock.instant());
    }

    private Optional<Answer> kept(String key, Instant now) {
        Cached c = cache.getIfPresent(key);
        return c != null && now.isBefore(c.keepUntil()) ? Optional.of(c.answer()) : Optional.empty();
    }

    private static String key(X509Certificate subject, X509Certificate issuer) {
        return IdentityDigests.fingerprint(issuer) + "/" + subject.getSerialNumber().toString(16);
    }

    @Override
    public Optional<Answer> fetch(Query query) throws IOException {
        String key = key(query.subject(), query.issuer());
        Instant now = clock.instant();
        Optional<Answer> held = kept(key, now);
        if (held.isPresent()) {
            return held;
        }
        Optional<Answer> answer = upstream.fetch(query);
        if (answer.isPresent()) {
            Instant next = nextUpdate(answer.get().sharedDer());
            Instant keep = next == null ? null : now.plus(maxAge).isBefore(next) ? now.plus(maxAge) : next;
            if (keep != null && now.isBefore(keep)) {
                cache.put(key, new Cached(answer.get().preRecorded(), keep));
            }
        }
        return answer;
    }

    /**
     * Keeps {@code responseDer} for {@code subject} as if it had been fetched at {@code fetchedAt}
     * (never later than now): until its {@code nextUpdate}, at most {@code maxAge} after
     * {@code fetchedAt}. Not kept when that time has passed, the response has no single
     * {@code nextUpdate}, or a longer-kept answer is already held.
     */
    @Override
    public boolean keep(X509Certificate subject, X509Certificate issuer, byte[] responseDer, Instant fetchedAt) {
        Instant now = clock.instant();
        Instant fetched = fetchedAt.isAfter(now) ? now : fetchedAt;
        Instant next = nextUpdate(responseDer);
        if (next == null) {
            return false;
        }
        Instant keep = fetched.plus(maxAge).isBefore(next) ? fetched.plus(maxAge) : next;
        if (!now.isBefore(keep)) {
            return false;
        }
        String key = key(subject, issuer);
        Cached old = cache.getIfPresent(key);
        if (old != null && !old.keepUntil().isBefore(keep)) {
            return false;
        }
        cache.put(key, new Cached(new Answer(responseDer, false), keep));
        return true;
    }

    /** How many certificates have a kept answer (pending evictions settled first). */
    public int size() {
        cache.cleanUp();
        return Math.toIntExact(cache.estimatedSize());
    }

    private static Instant nextUpdate(byte[] der) {
        try {
            OCSPResp resp = new OCSPResp(der);
            BasicOCSPResponse b = resp.getStatus() == OCSPResp.SUCCESSFUL ? OcspChecker.basicResponse(resp) : null;
            if (b == null) {
                return null;
            }
            ASN1Sequence rs = b.getTbsResponseData().getResponses();
            SingleResponse r = rs.size() == 1 ? SingleResponse.getInstance(rs.getObjectAt(0)) : null;
            if (r == null || r.getNextUpdate() == null) {
                return null;
            }
            return GeneralizedTimes.instant(r.getNextUpdate());
        } catch (IOException | java.text.ParseException | RuntimeException e) {
            return null;
        }
    }
}

package org.openanolis.attestation.sdk;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * The issuer's JWKS found through its discovery document
 * ({@code <issuer>/.well-known/openid-configuration}), fetched lazily on first use so a gateway
 * starts while the service is down. The document's {@code issuer} must equal the configured one and
 * its {@code jwks_uri} must be on the issuer's origin (scheme, host and port), so a tampered
 * discovery answer cannot redirect key lookup elsewhere. The JWKS itself is cached by Nimbus's
 * {@link JWKSourceBuilder} per {@link JwksCachePolicy}. A failed discovery is retried at most once
 * per {@code minRefreshInterval}.
 *
 * <p>Both fetches use the configured {@link HttpClient} and are bounded ({@link BoundedHttp}): the
 * discovery document to {@value #MAX_DISCOVERY_BYTES} bytes, the JWKS to Nimbus's own default
 * limit ({@link JWKSourceBuilder#DEFAULT_HTTP_SIZE_LIMIT}, 50 KiB), each exchange to {@link #DEADLINE}
 * as a whole, body included (Nimbus's default retriever bounds each read, so a server dripping
 * bytes could hold a verifying thread for hours).
 */
final class DiscoveryJwkSource implements JWKSource<SecurityContext> {
    /** Largest discovery document read (the service's is under 1 kB). */
    static final int MAX_DISCOVERY_BYTES = 64 * 1024;
    /** Each fetch as a whole: connect, headers and body. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private final String issuer;
    private final HttpClient http;
    private final JwksCachePolicy policy;
    private final Clock clock;
    private volatile JWKSource<SecurityContext> jwks;
    private volatile Instant lastFailure;
    private volatile KeySourceException lastError;

    DiscoveryJwkSource(String issuer, HttpClient http, JwksCachePolicy policy, Clock clock) {
        this.issuer = issuer;
        this.http = http;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        return resolve().get(selector, context);
    }

    private JWKSource<SecurityContext> resolve() throws KeySourceException {
        JWKSource<SecurityContext> s = jwks;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (jwks != null) {
                return jwks;
            }
            Instant now = clock.instant();
            if (lastFailure != null && now.isBefore(lastFailure.plus(policy.minRefreshInterval()))) {
                throw lastError;
            }
            try {
                jwks = build(discover());
                return jwks;
            } catch (KeySourceException e) {
                lastFailure = now;
                lastError = e;
                throw e;
            }
        }
    }

    private URI discover() throws KeySourceException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI doc = URI.create(base + "/.well-known/openid-configuration");
        HttpResponse<byte[]> r;
        try {
            r = BoundedHttp.send(http, HttpRequest.newBuilder(doc).timeout(DEADLINE)
                    .header("Accept", "application/json").GET().build(), MAX_DISCOVERY_BYTES, DEADLINE);
        } catch (IOException e) {
            throw new KeySourceException("discovery document unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeySourceException("interrupted fetching the discovery document", e);
        }
        if (r.statusCode() != 200) {
            throw new KeySourceException("discovery document: HTTP " + r.statusCode());
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new String(r.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new KeySourceException("discovery document is not JSON", e);
        }
        if (!issuer.equals(json.get("issuer"))) {
            throw new KeySourceException("discovery names issuer " + json.get("issuer") + ", expected " + issuer);
        }
        if (!(json.get("jwks_uri") instanceof String jwksUri)) {
            throw new KeySourceException("discovery document lacks jwks_uri");
        }
        URI u = URI.create(jwksUri);
        URI i = URI.create(base);
        if (!i.getScheme().equals(u.getScheme()) || !i.getHost().equalsIgnoreCase(String.valueOf(u.getHost()))
                || i.getPort() != u.getPort()) {
            throw new KeySourceException("jwks_uri " + jwksUri + " is not on the issuer's origin");
        }
        return u;
    }

    private JWKSource<SecurityContext> build(URI jwksUri) throws KeySourceException {
        long ttl = policy.timeToLive().toMillis();
        long ahead = policy.refreshAhead().toMillis();
        long refreshTimeout = Math.max(1, Math.min(15_000, (ttl - ahead) / 2));
        try {
            JWKSourceBuilder<SecurityContext> b = JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL(),
                            BoundedHttp.resourceRetriever(http, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT, DEADLINE))
                    .cache(ttl, refreshTimeout)
                    .refreshAheadCache(ahead, false)
                    .retrying(true);
            long minInterval = policy.minRefreshInterval().toMillis();
            b = minInterval > 0 ? b.rateLimited(minInterval) : b.rateLimited(false);
            long outage = policy.outageTolerance().toMillis();
            b = outage > 0 ? b.outageTolerant(outage) : b.outageTolerant(false);
            return b.build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new KeySourceException("bad jwks_uri or cache policy: " + e.getMessage(), e);
        }
    }
}

package org.openanolis.attestation.sdk;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * Records a key release in the service's verification log and checks the signed receipt that
 * comes back. {@code POST /v1/release-receipts} with
 * {@code {"token": <the verified token>, "model_key_id", "tee_key_thumbprint", "released_at", "gateway"}};
 * the answer is {@code {"receipt": <JWS>, "log_index": n}} (format: {@link ReleaseReceipt}).
 * The receipt's signature is checked with the same JWKS as tokens (through the
 * {@link TokenVerifier}), and every claim must repeat what was sent.
 *
 * <p>Record the receipt before handing the wrapped key out when releases must be auditable
 * (fail closed), or after it when availability matters more; the model gateway example records
 * first when configured with a receipt client.
 *
 * <p>The exchange is bounded ({@link BoundedHttp}): {@link #DEADLINE} for all of it, body included,
 * and at most {@value #MAX_ANSWER_BYTES} bytes of answer.
 */
public final class ReleaseReceiptClient {
    /** Longest answer read (a receipt answer is under 2 kB). */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** The whole exchange: connect, request, headers and body. */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    private final URI endpoint;
    private final TokenVerifier keys;
    private final HttpClient http;
    private final String gateway;

    /**
     * @param serviceUri the attestation service (the token issuer)
     * @param verifier   the verifier of that issuer's tokens: its JWKS checks receipts too
     * @param gateway    this gateway's name (its audience)
     * @param http       the HTTP client to use
     */
    public ReleaseReceiptClient(URI serviceUri, TokenVerifier verifier, String gateway, HttpClient http) {
        String s = serviceUri.toString();
        this.endpoint = URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/v1/release-receipts");
        this.keys = Objects.requireNonNull(verifier);
        this.gateway = Objects.requireNonNull(gateway);
        this.http = Objects.requireNonNull(http);
    }

    /** A receipt could not be obtained or did not check out. */
    public static final class ReceiptException extends Exception {
        private static final long serialVersionUID = 1L;

        ReceiptException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Records that {@code modelKeyId} was released against {@code token} at {@code releasedAt}.
     *
     * @return the verified receipt
     */
    public ReleaseReceipt record(VerifiedToken token, String modelKeyId, Instant releasedAt)
            throws ReceiptException, InterruptedException {
        Instant at = Instant.ofEpochSecond(releasedAt.getEpochSecond());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token.compact());
        body.put("model_key_id", modelKeyId);
        body.put("tee_key_thumbprint", token.teeKeyThumbprint());
        body.put("released_at", at.getEpochSecond());
        body.put("gateway", gateway);
        HttpResponse<byte[]> r;
        try {
            r = BoundedHttp.send(http, HttpRequest.newBuilder(endpoint).timeout(DEADLINE)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body), StandardCharsets.UTF_8))
                    .build(), MAX_ANSWER_BYTES, DEADLINE);
        } catch (BoundedHttp.BodyTooLargeException e) {
            throw new ReceiptException("release receipt answer larger than " + MAX_ANSWER_BYTES + " bytes", e);
        } catch (IOException e) {
            throw new ReceiptException("release-receipts endpoint unreachable: " + e, e);
        }
        String text = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() != 200) {
            throw new ReceiptException("release receipt refused: HTTP " + r.statusCode() + " " + text, null);
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(text);
            if (!(json.get("receipt") instanceof String compact) || !(json.get("log_index") instanceof Number idx)) {
                throw new ReceiptException("answer lacks receipt or log_index", null);
            }
            SignedJWT jws = SignedJWT.parse(compact);
            if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())
                    || !new JOSEObjectType(ReleaseReceipt.TYPE).equals(jws.getHeader().getType())) {
                throw new ReceiptException("receipt header is not ES256 " + ReleaseReceipt.TYPE, null);
            }
            if (!jws.verify(new ECDSAVerifier(keys.signingKeyForReceipts(jws.getHeader().getKeyID())))) {
                throw new ReceiptException("receipt signature does not verify", null);
            }
            JWTClaimsSet c = jws.getJWTClaimsSet();
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("iss", keys.issuer());
            expected.put("token_jti", token.jti());
            expected.put("model_key_id", modelKeyId);
            expected.put("tee_key_thumbprint", token.teeKeyThumbprint());
            expected.put("gateway", gateway);
            for (Map.Entry<String, Object> e : expected.entrySet()) {
                if (!e.getValue().equals(c.getClaim(e.getKey()))) {
                    throw new ReceiptException("receipt claim " + e.getKey() + " differs from the request", null);
                }
            }
            if (!(c.getClaim("released_at") instanceof Number t) || t.longValue() != at.getEpochSecond()
                    || !(c.getClaim("log_index") instanceof Number li) || li.longValue() != idx.longValue()) {
                throw new ReceiptException("receipt released_at or log_index differs", null);
            }
            return new ReleaseReceipt(compact, token.jti(), modelKeyId, token.teeKeyThumbprint(), at, gateway,
                    idx.longValue());
        } catch (ParseException | JOSEException e) {
            throw new ReceiptException("receipt is not a valid JWS: " + e.getMessage(), e);
        } catch (TokenVerificationException e) {
            throw new ReceiptException("receipt key: " + e.getMessage(), e);
        }
    }
}

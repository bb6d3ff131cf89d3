package org.openanolis.attestation.examples.gateway;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import org.openanolis.attestation.http.BoundedHttp;
import org.openanolis.attestation.sdk.AttestationToken;
import org.openanolis.attestation.sdk.KeyRelease;
import org.openanolis.attestation.sdk.KeyReleaseException;
import org.openanolis.attestation.sdk.ReleasedKey;

/**
 * The TEE host's side of the gateway: present the attestation token, receive the wrapped model
 * key, unwrap it with the TEE private key (which never leaves the TEE).
 */
public final class ModelKeyFetcher {
    private final URI gateway;
    /** Largest answer read from the gateway (a JWE-wrapped key or a problem document). */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private final HttpClient http;

    /** A fetcher for the gateway at {@code gateway}. */
    public ModelKeyFetcher(URI gateway, HttpClient http) {
        this.gateway = gateway;
        this.http = http;
    }

    /** The gateway refused; {@link #code()} is its {@code TokenFailure} name when it gave one. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        RefusedException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        /** HTTP status. */
        public int status() {
            return status;
        }

        /** The gateway's refusal code, or null. */
        public String code() {
            return code;
        }
    }

    /**
     * Fetches and unwraps model key {@code keyId}.
     *
     * @param token         the token from {@code AttesterClient.attest()}
     * @param teePrivateKey the TEE key whose public half is the token's {@code cnf.jwk}
     */
    public ReleasedKey fetch(String keyId, AttestationToken token, JWK teePrivateKey)
            throws IOException, InterruptedException, RefusedException, KeyReleaseException {
        return fetch(keyId, token.token(), token.jti(), teePrivateKey);
    }

    /** Like {@link #fetch(String, AttestationToken, JWK)} with the raw token and its {@code jti}. */
    public ReleasedKey fetch(String keyId, String token, String jti, JWK teePrivateKey)
            throws IOException, InterruptedException, RefusedException, KeyReleaseException {
        // Bounded in size and in total time, body included (outbound-http): a wrapped key is a few KB.
        HttpResponse<byte[]> r = BoundedHttp.send(http, HttpRequest.newBuilder(gateway.resolve("/v1/model-keys/"
                        + URLEncoder.encode(keyId, StandardCharsets.UTF_8)))
                .timeout(DEADLINE).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), MAX_ANSWER_BYTES, DEADLINE);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() != 200) {
            String code = null;
            try {
                Map<String, Object> p = JSONObjectUtils.parse(body);
                code = p.get("code") instanceof String s ? s : null;
            } catch (ParseException ignored) {
                // not problem+json: the status says enough
            }
            throw new RefusedException(r.statusCode(), code, "gateway refused: HTTP " + r.statusCode() + " " + body);
        }
        return KeyRelease.unwrap(body, teePrivateKey, jti);
    }
}

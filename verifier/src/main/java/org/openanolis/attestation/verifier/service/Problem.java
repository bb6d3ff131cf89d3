package org.openanolis.attestation.verifier.service;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.openanolis.attestation.errors.ReasonCode;

/**
 * RFC 9457 problem details ({@code application/problem+json}) with our reason code in
 * {@code code}. Every error response of the service goes through here.
 */
public final class Problem {
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problem() {}

    /** HTTP status for a failed verification with {@code code}. */
    public static int statusFor(ReasonCode code) {
        return switch (code) {
            case MALFORMED_EVIDENCE -> 400;
            case COLLATERAL_MISSING -> 503;
            case POLICY_DENIED -> 403;
            default -> 403;
        };
    }

    /** Sends a problem; {@code code} may be null for errors that are not verification failures. */
    public static void send(RoutingContext ctx, int status, String title, String detail, ReasonCode code,
                            JsonObject extra) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", code == null ? "about:blank" : "urn:attestation:reason:" + code.name())
                .put("title", title)
                .put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (code != null) {
            body.put("code", code.name());
        }
        if (extra != null) {
            body.mergeIn(extra);
        }
        if (status == 503 && ctx.response().headers().get("Retry-After") == null) {
            ctx.response().putHeader("Retry-After", "5");
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", MEDIA_TYPE).end(body.encode());
    }
}

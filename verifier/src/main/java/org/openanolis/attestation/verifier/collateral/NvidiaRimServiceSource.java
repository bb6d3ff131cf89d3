package org.openanolis.attestation.verifier.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.gpu.RimKind;
import org.openanolis.attestation.verifier.gpu.RimSource;

/**
 * RIMs from the NVIDIA RIM service ({@code GET /v1/rim/<rim id>} answering
 * {@code {"id": …, "rim": "<base64 SWID XML>", "sha256": "<hex>"}}), cached per id. The RIM's own
 * signature, chain and validity are checked by the GPU verifier; this source only checks that the
 * served digest matches the document. Cached copies are kept for {@code keepFor} (RIMs do not
 * change once published; their validity is judged by the verifier).
 */
public final class NvidiaRimServiceSource implements RimSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CollateralFetcher fetcher;
    private final CollateralCache<String> cache;

    public NvidiaRimServiceSource(CollateralFetcher fetcher, CollateralStore store, Clock clock,
                                  Duration keepFor, Executor executor) {
        this.fetcher = fetcher;
        this.cache = new CollateralCache<>("nvidia-rim", id -> load(id, clock, keepFor), store, clock,
                Duration.ofDays(1), 10_000, executor);
    }

    public Map<String, Object> status() {
        return cache.status();
    }

    @Override
    public Optional<byte[]> fetch(RimKind kind, String rimId) throws IOException {
        try {
            return Optional.of(cache.get(rimId).body());
        } catch (VerificationException e) {
            if (e instanceof CollateralFetcher.Unavailable) {
                throw new IOException(e.getMessage(), e);
            }
            return Optional.empty();
        }
    }

    private CollateralCache.Item load(String rimId, Clock clock, Duration keepFor) throws VerificationException {
        CollateralFetcher.Response r = fetcher.get("/v1/rim/" + URLEncoder.encode(rimId, StandardCharsets.UTF_8), "rim");
        try {
            JsonNode n = JSON.readTree(r.body());
            byte[] xml = Base64.getDecoder().decode(n.path("rim").asText());
            String sha = n.path("sha256").asText("");
            if (!sha.isEmpty() && !MessageDigest.isEqual(Hex.decode(sha), Digests.sha256(xml))) {
                throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "rim",
                        "RIM service digest does not match the document for " + rimId);
            }
            return new CollateralCache.Item(xml, Map.of(), clock.instant(), clock.instant().plus(keepFor));
        } catch (IOException | IllegalArgumentException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "rim", "RIM service answer is not usable: "
                    + e.getMessage());
        }
    }
}

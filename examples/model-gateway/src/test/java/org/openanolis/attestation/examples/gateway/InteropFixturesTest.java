package org.openanolis.attestation.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.sdk.AttestationToken;
import org.openanolis.attestation.sdk.AttesterClient;
import org.openanolis.attestation.sdk.EarStatus;
import org.openanolis.attestation.sdk.KeyRelease;
import org.openanolis.attestation.sdk.ReleaseReceipt;
import org.openanolis.attestation.sdk.ReleaseReceiptClient;
import org.openanolis.attestation.sdk.TokenVerifier;
import org.openanolis.attestation.sdk.VerifiedToken;
import org.openanolis.attestation.sdk.testing.StandInProviders;
import org.openanolis.attestation.sdk.testing.VerifierFixture;

/**
 * Writes what {@code scripts/interop/run.sh} hands to the npm {@code jose} package: a token from
 * the real service (wall clock, so it is valid while node checks it), the service's JWKS, two
 * released model keys (one to an EC TEE key, one to an RSA TEE key), the TEE private keys, a
 * release receipt the service recorded and signed for the EC token, and the expected values. Runs in the normal suite too (into a temporary folder), checking the same
 * fixtures with our own code; the script sets {@code -Dinterop.out=<dir>}.
 */
class InteropFixturesTest {
    @Test
    void writeFixtures(@TempDir Path tmp) throws Exception {
        String configured = System.getProperty("interop.out");
        Path out = configured == null || configured.isBlank() ? tmp.resolve("out") : Path.of(configured);
        Files.createDirectories(out);
        byte[] modelKey = new byte[32];
        new SecureRandom().nextBytes(modelKey);
        try (VerifierFixture service = VerifierFixture.start(tmp.resolve("service"), Clock.systemUTC(), null, true)) {
            ECKey ecTee = KeyRelease.generateTeeKey();
            RSAKey rsaTee = new RSAKeyGenerator(2048).generate();
            AttestationToken ecToken = attest(service, ecTee.toPublicJWK());
            AttestationToken rsaToken = attest(service, rsaTee.toPublicJWK());
            TokenVerifier verifier = TokenVerifier.builder().issuer(service.issuer()).jwksFromDiscovery()
                    .audience("model-gateway").clock(Clock.systemUTC()).maxClockSkew(Duration.ofSeconds(30))
                    .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays().build();
            VerifiedToken ec = verifier.verify(ecToken.token());
            VerifiedToken rsa = verifier.verify(rsaToken.token());
            String ecJwe = KeyRelease.wrap(ec, "interop-key", modelKey);
            String rsaJwe = KeyRelease.wrap(rsa, "interop-key", modelKey);
            assertArrayEquals(modelKey, KeyRelease.unwrap(ecJwe, ecTee, ec.jti()).key());
            assertArrayEquals(modelKey, KeyRelease.unwrap(rsaJwe, rsaTee, rsa.jti()).key());

            // A release receipt for the EC token, recorded and signed by the service (checked by the SDK).
            ReleaseReceipt receipt = new ReleaseReceiptClient(service.uri(), verifier, "model-gateway",
                    HttpClient.newHttpClient()).record(ec, "interop-key", java.time.Instant.now());

            String jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(service.uri() + "/.well-known/jwks.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            JWKSet.parse(jwks); // must be a JWKS for us too
            Files.writeString(out.resolve("token.jwt"), ecToken.token());
            Files.writeString(out.resolve("jwks.json"), jwks);
            Files.writeString(out.resolve("ec.jwe"), ecJwe);
            Files.writeString(out.resolve("ec-tee-private.jwk"), ecTee.toJSONString());
            Files.writeString(out.resolve("rsa.jwe"), rsaJwe);
            Files.writeString(out.resolve("rsa-tee-private.jwk"), rsaTee.toJSONString());
            Files.writeString(out.resolve("receipt.jws"), receipt.compact());
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("receipt_log_index", receipt.logIndex());
            expected.put("receipt_released_at", receipt.releasedAt().getEpochSecond());
            expected.put("issuer", service.issuer());
            expected.put("audience", "model-gateway");
            expected.put("jti", ec.jti());
            expected.put("rsa_jti", rsa.jti());
            expected.put("kid", ec.keyId());
            expected.put("tee_thumbprint", ec.teeKeyThumbprint());
            expected.put("rsa_tee_thumbprint", rsa.teeKeyThumbprint());
            expected.put("model_key_id", "interop-key");
            expected.put("model_key", Base64URL.encode(modelKey).toString());
            expected.put("submods", List.copyOf(ec.submodules().keySet()));
            Files.writeString(out.resolve("expected.json"), JSONObjectUtils.toJSONString(expected),
                    StandardCharsets.UTF_8);
        }
    }

    private static AttestationToken attest(VerifierFixture service, com.nimbusds.jose.jwk.JWK teePublic)
            throws Exception {
        return AttesterClient.builder(service.uri()).teePublicKey(teePublic).cpu(StandInProviders.tdx(false))
                .gpus(List.of(StandInProviders.gpu(0))).audience("model-gateway").build().attest();
    }
}

package org.openanolis.attestation.sdk;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Tokens shaped like the service's EarTokenIssuer output, signed with a test key, for checks
 * whose inputs the real service never produces (wrong typ, future iat, missing cnf…).
 */
final class TestTokens {
    static final String ISSUER = "https://verifier.test";
    static final String AUDIENCE = "model-gateway";
    static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");

    final ECKey signingKey;
    final ECKey teeKey;

    TestTokens() throws Exception {
        signingKey = new ECKeyGenerator(Curve.P_256).keyID("test-kid").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).generate();
        teeKey = KeyRelease.generateTeeKey();
    }

    JWKSet jwks() {
        return new JWKSet(signingKey.toPublicJWK());
    }

    /** Claims as the service writes them, for the TEE key {@code tee}. */
    static JWTClaimsSet.Builder claims(JWK tee) {
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("ear.status", "affirming");
        cpu.put("ear.appraisal-policy-id", "builtin-default-tdx");
        cpu.put("tee", "tdx");
        Map<String, Object> gpu = new LinkedHashMap<>();
        gpu.put("ear.status", "affirming");
        gpu.put("ear.appraisal-policy-id", "builtin-default-nvgpu");
        Map<String, Object> submods = new LinkedHashMap<>();
        submods.put("cpu", cpu);
        submods.put("gpu0", gpu);
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(List.of(AUDIENCE))
                .issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString())
                .claim("eat_profile", TokenVerifier.EAR_PROFILE)
                .claim("eat_nonce", UUID.randomUUID().toString())
                .claim("submods", submods)
                .claim("cnf", Map.of("jwk", tee.toPublicJWK().toJSONObject()));
    }

    String sign(JWTClaimsSet claims) throws Exception {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID()).build(), claims);
    }

    String sign(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new ECDSASigner(signingKey));
        return jwt.serialize();
    }

    String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(change.apply(claims(teeKey)).build());
    }
}

package org.openanolis.attestation.bench.sdk;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openanolis.attestation.sdk.EarStatus;
import org.openanolis.attestation.sdk.KeyRelease;
import org.openanolis.attestation.sdk.TokenVerifier;
import org.openanolis.attestation.sdk.VerifiedToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A model gateway's per-request work: verify an EAR token shaped like the service's (cpu + 8 GPU
 * submodules, JWKS already cached) and wrap a 32-byte model key to its TEE key; and the TEE's
 * unwrap. Replay protection is off so one token can be verified repeatedly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GatewayHotPathBenchmark {
    private static final String ISSUER = "https://verifier.bench";
    private TokenVerifier verifier;
    private String token;
    private VerifiedToken verified;
    private ECKey tee;
    private String jwe;
    private final byte[] modelKey = new byte[32];

    @Setup
    public void setUp() throws Exception {
        ECKey signing = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        tee = KeyRelease.generateTeeKey();
        Instant now = Instant.parse("2026-11-29T00:00:00Z");
        Map<String, Object> submods = new java.util.LinkedHashMap<>();
        submods.put("cpu", Map.of("ear.status", "affirming", "ear.appraisal-policy-id", "builtin-default-tdx",
                "tee", "tdx", "mr_td", "00".repeat(48), "rtmr0", "00".repeat(48), "tcb_status", "UpToDate"));
        for (int i = 0; i < 8; i++) {
            submods.put("gpu" + i, Map.of("ear.status", "affirming", "ear.appraisal-policy-id", "builtin-default-nvgpu",
                    "measurement_result", "success", "driver_version", "550.90.07"));
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of("gw"))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID("jti").claim("eat_profile", TokenVerifier.EAR_PROFILE).claim("eat_nonce", "n")
                .claim("submods", submods).claim("cnf", Map.of("jwk", tee.toPublicJWK().toJSONObject())).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID("k").build(),
                claims);
        jwt.sign(new ECDSASigner(signing));
        token = jwt.serialize();
        verifier = TokenVerifier.builder().issuer(ISSUER).jwks(new JWKSet(signing.toPublicJWK())).audience("gw")
                .clock(Clock.fixed(now.plusSeconds(10), ZoneOffset.UTC)).maxClockSkew(Duration.ofSeconds(30))
                .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays().build();
        verified = verifier.verify(token);
        jwe = KeyRelease.wrap(verified, "model", modelKey);
    }

    /** Token verification with a cached JWKS: the gateway's check per request. */
    @Benchmark
    public VerifiedToken verifyToken() throws Exception {
        return verifier.verify(token);
    }

    /** ECDH-ES+A256KW / A256GCM wrap of a 32-byte model key. */
    @Benchmark
    public String wrapModelKey() throws Exception {
        return KeyRelease.wrap(verified, "model", modelKey);
    }

    /** The TEE's unwrap. */
    @Benchmark
    public byte[] unwrapModelKey() throws Exception {
        return KeyRelease.unwrap(jwe, tee, "jti").key();
    }
}

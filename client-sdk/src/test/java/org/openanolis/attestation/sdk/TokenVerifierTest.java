package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.MutableClock;

/** Every check of {@link TokenVerifier}, one scenario per refusal, on tokens signed with a test key. */
class TokenVerifierTest {
    private TestTokens tokens;
    private MutableClock clock;

    @BeforeEach
    void setUp() throws Exception {
        tokens = new TestTokens();
        clock = new MutableClock(TestTokens.NOW.plusSeconds(10));
    }

    private TokenVerifier.Builder complete() {
        return TokenVerifier.builder().issuer(TestTokens.ISSUER).jwks(tokens.jwks())
                .audience(TestTokens.AUDIENCE).clock(clock).maxClockSkew(Duration.ofSeconds(30))
                .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().replayGuard(ReplayGuard.inMemory(100));
    }

    /** Like {@link #complete()} but tokens may be presented again (for loops over one token). */
    private TokenVerifier reusable() {
        return TokenVerifier.builder().issuer(TestTokens.ISSUER).jwks(tokens.jwks()).audience(TestTokens.AUDIENCE)
                .clock(clock).maxClockSkew(Duration.ofSeconds(30)).acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds()
                .ignoreReplays().build();
    }

    private TokenFailure refusal(TokenVerifier v, String token) {
        return assertThrows(TokenVerificationException.class, () -> v.verify(token)).failure();
    }

    private TokenFailure refusal(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return refusal(complete().build(), tokens.token(change));
    }

    @Test
    void aServiceShapedTokenVerifies() throws Exception {
        String t = tokens.token(b -> b);
        VerifiedToken v = complete().build().verify(t);
        assertEquals(TestTokens.ISSUER, v.issuer());
        assertEquals(Set.of("cpu", "gpu0"), v.submodules().keySet());
        assertEquals(EarStatus.AFFIRMING, v.submodules().get("cpu").status());
        assertEquals(tokens.teeKey.toPublicJWK(), v.teePublicKey());
        assertEquals(tokens.teeKey.computeThumbprint().toString(), v.teeKeyThumbprint());
    }

    @Test
    void builderRefusesUntilEveryRequirementIsSetOrWaived() {
        List<UnaryOperator<TokenVerifier.Builder>> unset = List.of(
                b -> TokenVerifier.builder().jwks(tokens.jwks()).audience("a").clock(clock).maxClockSkew(Duration.ZERO)
                        .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays(),
                b -> TokenVerifier.builder().issuer("i").audience("a").clock(clock).maxClockSkew(Duration.ZERO)
                        .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays(),
                b -> TokenVerifier.builder().issuer("i").jwks(tokens.jwks()).clock(clock).maxClockSkew(Duration.ZERO)
                        .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays(),
                b -> TokenVerifier.builder().issuer("i").jwks(tokens.jwks()).audience("a").maxClockSkew(Duration.ZERO)
                        .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays(),
                b -> TokenVerifier.builder().issuer("i").jwks(tokens.jwks()).audience("a").clock(clock)
                        .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays(),
                b -> TokenVerifier.builder().issuer("i").jwks(tokens.jwks()).audience("a").clock(clock)
                        .maxClockSkew(Duration.ZERO).ignorePolicyIds().ignoreReplays(),
                b -> TokenVerifier.builder().issuer("i").jwks(tokens.jwks()).audience("a").clock(clock)
                        .maxClockSkew(Duration.ZERO).acceptStatus(EarStatus.AFFIRMING).ignoreReplays(),
                b -> TokenVerifier.builder().issuer("i").jwks(tokens.jwks()).audience("a").clock(clock)
                        .maxClockSkew(Duration.ZERO).acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds());
        for (UnaryOperator<TokenVerifier.Builder> u : unset) {
            assertThrows(IllegalStateException.class, () -> u.apply(null).build());
        }
        // The same with nothing missing builds: the list above is not failing for another reason.
        TokenVerifier.builder().issuer("i").jwks(tokens.jwks()).audience("a").clock(clock).maxClockSkew(Duration.ZERO)
                .acceptStatus(EarStatus.AFFIRMING).ignorePolicyIds().ignoreReplays().build();
        assertThrows(IllegalStateException.class, () -> complete().ignoreAudience().build());
        assertThrows(IllegalStateException.class, () -> complete().ignoreReplays().build());
        assertThrows(IllegalArgumentException.class, () -> complete().acceptStatus(EarStatus.CONTRAINDICATED));
        assertThrows(IllegalArgumentException.class, () -> complete().maxClockSkew(Duration.ofHours(1)));
    }

    @Test
    void timeChecksReadTheInjectedClock() throws Exception {
        TokenVerifier v = reusable();
        String t = tokens.token(b -> b);
        clock.set(TestTokens.NOW.plus(Duration.ofMinutes(5)).plusSeconds(29));
        v.verify(t);
        clock.set(TestTokens.NOW.plus(Duration.ofMinutes(5)).plusSeconds(30));
        assertEquals(TokenFailure.EXPIRED, refusal(complete().build(), t));
        clock.set(TestTokens.NOW.minusSeconds(31));
        assertEquals(TokenFailure.NOT_YET_VALID, refusal(complete().build(), t));
        clock.set(TestTokens.NOW.minusSeconds(29));
        complete().build().verify(t);
        assertEquals(TokenFailure.MALFORMED, refusal(b -> b.expirationTime(null)));
        assertEquals(TokenFailure.MALFORMED, refusal(b -> b.issueTime(null)));
        clock.set(TestTokens.NOW);
        assertEquals(TokenFailure.NOT_YET_VALID, refusal(b -> b.notBeforeTime(Date.from(TestTokens.NOW.plusSeconds(60)))));
    }

    @Test
    void claimRefusals() throws Exception {
        assertEquals(TokenFailure.ISSUER_MISMATCH, refusal(b -> b.issuer("https://other.test")));
        assertEquals(TokenFailure.AUDIENCE_MISMATCH, refusal(b -> b.audience(List.of("other-gateway"))));
        assertEquals(TokenFailure.AUDIENCE_MISMATCH, refusal(b -> b.audience((List<String>) null)));
        assertEquals(TokenFailure.TYPE_MISMATCH, refusal(b -> b.claim("eat_profile", "urn:other")));
        assertEquals(TokenFailure.MALFORMED, refusal(b -> b.jwtID(null)));
        assertEquals(TokenFailure.MALFORMED, refusal(b -> b.claim("eat_nonce", null)));
        assertEquals(TokenFailure.MALFORMED, refusal(b -> b.claim("submods", null)));
        assertEquals(TokenFailure.CONFIRMATION_KEY_INVALID, refusal(b -> b.claim("cnf", null)));
        assertEquals(TokenFailure.CONFIRMATION_KEY_INVALID,
                refusal(b -> b.claim("cnf", Map.of("jwk", tokens.teeKey.toJSONObject()))));
        RSAKey weak = new RSAKeyGenerator(1024, true).generate();
        assertEquals(TokenFailure.CONFIRMATION_KEY_INVALID,
                refusal(b -> b.claim("cnf", Map.of("jwk", weak.toPublicJWK().toJSONObject()))));
    }

    @Test
    void statusAndPolicyRefusals() throws Exception {
        Map<String, Object> submods = TestTokens.claims(tokens.teeKey).build().getJSONObjectClaim("submods");
        UnaryOperator<JWTClaimsSet.Builder> gpuWarning = b -> {
            Map<String, Object> s = new java.util.LinkedHashMap<>(submods);
            s.put("gpu0", Map.of("ear.status", "warning", "ear.appraisal-policy-id", "p"));
            return b.claim("submods", s);
        };
        TokenVerificationException e = assertThrows(TokenVerificationException.class,
                () -> complete().build().verify(tokens.token(gpuWarning)));
        assertEquals(TokenFailure.STATUS_NOT_ACCEPTED, e.failure());
        assertEquals("submods.gpu0.ear.status", e.field());
        complete().acceptStatus(EarStatus.WARNING).build().verify(tokens.token(gpuWarning));
        assertEquals(TokenFailure.STATUS_NOT_ACCEPTED, refusal(b -> b.claim("submods",
                Map.of("cpu", Map.of("ear.status", "contraindicated")))));
        assertEquals(TokenFailure.STATUS_NOT_ACCEPTED, refusal(b -> b.claim("submods",
                Map.of("gpu0", Map.of("ear.status", "affirming")))));
        assertEquals(TokenFailure.MALFORMED, refusal(b -> b.claim("submods",
                Map.of("cpu", Map.of("ear.status", "fine")))));

        TokenVerifier strict = TokenVerifier.builder().issuer(TestTokens.ISSUER).jwks(tokens.jwks())
                .audience(TestTokens.AUDIENCE).clock(clock).maxClockSkew(Duration.ZERO).acceptStatus(EarStatus.AFFIRMING)
                .requirePolicyId("cpu", "my-tdx-policy").ignoreReplays().build();
        e = assertThrows(TokenVerificationException.class, () -> strict.verify(tokens.token(b -> b)));
        assertEquals(TokenFailure.POLICY_MISMATCH, e.failure());
        assertEquals("submods.cpu.ear.appraisal-policy-id", e.field());
    }

    @Test
    void headerRefusals() throws Exception {
        JWTClaimsSet claims = TestTokens.claims(tokens.teeKey).build();
        TokenVerifier v = complete().build();
        // alg none
        assertEquals(TokenFailure.ALGORITHM_NOT_ALLOWED, refusal(v, new PlainJWT(claims).serialize()));
        // HS256 keyed with the public key's bytes: the classic confusion attack
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                .keyID("test-kid").build(), claims);
        hs.sign(new MACSigner(new byte[32]));
        assertEquals(TokenFailure.ALGORITHM_NOT_ALLOWED, refusal(v, hs.serialize()));
        assertEquals(TokenFailure.TYPE_MISMATCH, refusal(v, tokens.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("at+jwt")).keyID("test-kid").build(), claims)));
        assertEquals(TokenFailure.UNKNOWN_KEY, refusal(v, tokens.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT).keyID("someone-else").build(), claims)));
        assertEquals(TokenFailure.UNKNOWN_KEY, refusal(v, tokens.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT).build(), claims)));
        assertEquals(TokenFailure.MALFORMED, refusal(v, tokens.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT).keyID("test-kid").criticalParams(Set.of("exp")).build(), claims)));
        // A header-embedded key is never used: signed by an attacker key that it names itself.
        TestTokens attacker = new TestTokens();
        assertEquals(TokenFailure.SIGNATURE_INVALID, refusal(v, attacker.sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT).keyID("test-kid").jwk(attacker.signingKey.toPublicJWK()).build(), claims)));
        assertEquals(TokenFailure.MALFORMED, refusal(v, "not.a.token"));
        assertEquals(TokenFailure.MALFORMED, refusal(v, "x".repeat(TokenVerifier.MAX_TOKEN_CHARS + 1)));
    }

    @Test
    void everyTamperedByteOfPayloadOrSignatureIsRefused() throws Exception {
        String t = tokens.token(b -> b);
        TokenVerifier v = reusable();
        int firstDot = t.indexOf('.');
        for (int i = firstDot + 1; i < t.length(); i += 7) {
            if (t.charAt(i) == '.') {
                continue;
            }
            char c = t.charAt(i);
            String tampered = t.substring(0, i) + (c == 'A' ? 'B' : 'A') + t.substring(i + 1);
            TokenFailure f = refusal(v, tampered);
            assertTrue(f == TokenFailure.SIGNATURE_INVALID || f == TokenFailure.MALFORMED, f + " at " + i);
        }
        v.verify(t);
    }

    @Test
    void nonceAndOneTimeUse() throws Exception {
        TokenVerifier v = complete().build();
        String t = tokens.token(b -> b);
        String nonce = SignedJWT.parse(t).getJWTClaimsSet().getStringClaim("eat_nonce");
        assertEquals(TokenFailure.NONCE_MISMATCH,
                assertThrows(TokenVerificationException.class, () -> v.verify(t, "another")).failure());
        v.verify(t, nonce);
        assertEquals(TokenFailure.REPLAYED, refusal(v, t));
        // A second token (new jti) for the same nonce is a replay of the same attestation.
        String sameNonce = tokens.token(b -> b.claim("eat_nonce", nonce));
        assertEquals(TokenFailure.REPLAYED, refusal(v, sameNonce));
        // A refused token does not consume its nonce.
        String fresh = tokens.token(b -> b);
        assertEquals(TokenFailure.NONCE_MISMATCH,
                assertThrows(TokenVerificationException.class, () -> v.verify(fresh, "another")).failure());
        v.verify(fresh);
    }

    @Test
    void concurrentPresentationsOfOneTokenReleaseOnce() throws Exception {
        TokenVerifier v = complete().build();
        String t = tokens.token(b -> b);
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        v.verify(t);
                        return true;
                    } catch (TokenVerificationException e) {
                        assertEquals(TokenFailure.REPLAYED, e.failure());
                        return false;
                    }
                }));
            }
            go.countDown();
            int accepted = 0;
            for (var f : results) {
                accepted += f.get() ? 1 : 0;
            }
            assertEquals(1, accepted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void inMemoryGuardForgetsExpiredTokensAndRefusesWhenFull() {
        ReplayGuard g = ReplayGuard.inMemory(2);
        Instant t0 = TestTokens.NOW;
        assertTrue(g.firstUse("a", "na", t0.plusSeconds(10), t0));
        assertTrue(g.firstUse("b", "nb", t0.plusSeconds(100), t0));
        assertEquals(false, g.firstUse("c", "nc", t0.plusSeconds(10), t0));
        assertEquals(false, g.firstUse("a", "na", t0.plusSeconds(10), t0.plusSeconds(10)));
        assertTrue(g.firstUse("c", "nc", t0.plusSeconds(100), t0.plusSeconds(11)));
        assertEquals(false, g.firstUse("d", "nb", t0.plusSeconds(100), t0.plusSeconds(12)));
    }

    @Test
    void requiredPolicyMatchesByIdVersionOrExactly() {
        String v = "tdx-prod@3#sha256:" + "ab".repeat(32);
        assertTrue(TokenVerifier.policyMatches("tdx-prod", v));
        assertTrue(TokenVerifier.policyMatches("tdx-prod@3", v));
        assertTrue(TokenVerifier.policyMatches(v, v));
        assertFalse(TokenVerifier.policyMatches("tdx", v));
        assertFalse(TokenVerifier.policyMatches("tdx-prod@30", "tdx-prod@3#sha256:00"));
        assertFalse(TokenVerifier.policyMatches("tdx-prod@3", "tdx-prod@30#sha256:00"));
        assertFalse(TokenVerifier.policyMatches("tdx-prod", null));
    }
}

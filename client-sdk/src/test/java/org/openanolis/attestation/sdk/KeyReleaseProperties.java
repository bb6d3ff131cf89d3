package org.openanolis.attestation.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.ECKey;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.openanolis.attestation.certs.MutableClock;

/** Round trips of key release for arbitrary model keys and key ids. */
class KeyReleaseProperties {
    private final TestTokens tokens;
    private final VerifiedToken token;
    private final ECKey tee;

    KeyReleaseProperties() throws Exception {
        tokens = new TestTokens();
        tee = tokens.teeKey;
        token = TokenVerifier.builder().issuer(TestTokens.ISSUER).jwks(tokens.jwks()).audience(TestTokens.AUDIENCE)
                .clock(new MutableClock(TestTokens.NOW)).maxClockSkew(Duration.ZERO).acceptStatus(EarStatus.AFFIRMING)
                .ignorePolicyIds().ignoreReplays().build().verify(tokens.token(b -> b));
    }

    @Property(tries = 60)
    void wrapThenUnwrapGivesBackTheKey(@ForAll @Size(min = 1, max = 4096) byte[] modelKey,
                                      @ForAll @StringLength(min = 1, max = 64) String keyId) throws Exception {
        ReleasedKey k = KeyRelease.unwrap(KeyRelease.wrap(token, keyId, modelKey), tee, token.jti());
        assertArrayEquals(modelKey, k.key());
        assertEquals(keyId, k.modelKeyId());
    }
}

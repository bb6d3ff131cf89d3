package org.openanolis.attestation.verifier.tdx;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.openanolis.attestation.errors.VerificationException;

/**
 * Property: any one- or two-byte overwrite, or truncation, of a real quote run through the whole
 * verifier (with its real collateral) ends in a verdict or a {@link VerificationException} with a
 * reason code, never an unchecked exception; a change inside the signed region never passes.
 * One verifier instance is shared, so the cache is exercised with hostile input too.
 */
class TdxVerifierFuzzTest {
    private static final RealVector NEAR = load();
    private static final TdxQuoteVerifier VERIFIER = new TdxQuoteVerifier();
    private static final TdxCollateral COLLATERAL = NEAR.collateral();

    private static RealVector load() {
        try {
            return RealVector.load(RealVector.NEAR_V4);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 400)
    void mutatedQuotesFailWithAReasonCode(@ForAll @IntRange(min = 0, max = 5005) int offset, @ForAll byte value,
                                          @ForAll @IntRange(min = 0, max = 5005) int offset2, @ForAll byte value2,
                                          @ForAll @IntRange(min = 0, max = 6000) int cut) {
        byte[] q = NEAR.quote.clone();
        q[offset] = value;
        q[offset2] = value2;
        if (cut < q.length) {
            q = Arrays.copyOf(q, cut);
        }
        int signed = Math.min(q.length, 632);
        boolean signedChanged = !Arrays.equals(q, 0, signed, NEAR.quote, 0, signed);
        try {
            VERIFIER.verify(q, COLLATERAL, NEAR.context());
            assertNotEquals(true, signedChanged, "a change in the signed region verified");
        } catch (VerificationException e) {
            // a reason code is the expected outcome
        }
    }
}

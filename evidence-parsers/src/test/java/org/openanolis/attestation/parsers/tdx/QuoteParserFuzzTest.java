package org.openanolis.attestation.parsers.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * Property: for any mutation of a real quote (byte overwrites, truncation, size fields set to
 * anything) and for random bytes, the parser returns a quote or throws {@code MALFORMED_EVIDENCE};
 * never an unchecked exception. Bounded tries keep it a few seconds in CI.
 */
class QuoteParserFuzzTest {
    private static final List<byte[]> SEEDS = List.of(Vectors.quote(Vectors.NEAR_V4),
            Vectors.quote(Vectors.GOOGLE_V5), Vectors.quote(Vectors.SGX_V3));
    /** Offsets of the header and of every size and type field of the v4 layout. */
    private static final int[] STRUCTURAL = {0, 1, 2, 3, 4, 5, 6, 7, 48, 49, 50, 51, 52, 53, 632, 633, 634, 635,
            764, 765, 766, 767, 768, 769, 1218, 1219, 1252, 1253, 1254, 1255, 1256, 1257,
            432, 433, 434, 435, 1012, 1013};

    private static void parseOrMalformed(byte[] q) {
        try {
            QuoteParser.parse(q);
        } catch (VerificationException e) {
            assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
        }
    }

    record Mutation(int seed, int[] offsets, byte[] values, int cut) {}

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> seed = Arbitraries.integers().between(0, SEEDS.size() - 1);
        Arbitrary<int[]> offsets = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 5005),
                Arbitraries.of(Arrays.stream(STRUCTURAL).boxed().toList()))
                .array(int[].class).ofMinSize(1).ofMaxSize(6);
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofSize(6);
        Arbitrary<Integer> cut = Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 5006));
        return Combinators.combine(seed, offsets, values, cut).as(Mutation::new);
    }

    @Property(tries = 3000)
    void mutatedRealQuotesParseOrAreMalformed(@ForAll("mutations") Mutation m) {
        byte[] q = SEEDS.get(m.seed()).clone();
        for (int i = 0; i < m.offsets().length; i++) {
            int off = m.offsets()[i];
            if (off < q.length) {
                q[off] = m.values()[i];
            }
        }
        if (m.cut() >= 0 && m.cut() < q.length) {
            q = Arrays.copyOf(q, m.cut());
        }
        parseOrMalformed(q);
    }

    @Property(tries = 1000)
    void randomBytesParseOrAreMalformed(@ForAll @Size(max = 6000) byte[] q) {
        parseOrMalformed(q);
    }

    @Property(tries = 500)
    void plausibleHeadersWithRandomBodies(@ForAll @IntRange(min = 3, max = 5) int version,
                                          @ForAll @Size(min = 1020, max = 5000) byte[] rest) {
        byte[] q = rest.clone();
        byte[] head = Arrays.copyOf(SEEDS.get(version == 3 ? 2 : version == 4 ? 0 : 1), 48);
        System.arraycopy(head, 0, q, 0, 48);
        parseOrMalformed(q);
    }
}

package org.openanolis.attestation.verifier.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TeeType;

/**
 * The collateral window of every passing real vector, as its expected.json notes state it
 * ("collateral valid A .. B"): the verdict is pass at A and at B and {@code EXPIRED} one second
 * outside. Also proves that cached collateral is re-judged against the clock on every use.
 */
class TdxExpiryAndCacheTest {
    private static final Pattern WINDOW = Pattern.compile("collateral valid (\\S+) \\.\\. (\\S+?)\\.? ");

    @TestFactory
    Stream<DynamicTest> collateralWindowsMatchTheVectors() throws Exception {
        Path root = SharedData.testdata().resolve("tdx");
        List<DynamicTest> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                String notes = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).path("notes").asText();
                Matcher m = WINDOW.matcher(notes);
                if (!m.find()) {
                    continue;
                }
                Instant from = Instant.parse(m.group(1));
                Instant to = Instant.parse(m.group(2));
                String name = dir.getFileName().toString();
                out.add(DynamicTest.dynamicTest(name + " window " + from + " .. " + to, () -> {
                    RealVector v = RealVector.load(name);
                    // One verifier for all four instants: the cache must not carry a verdict across them.
                    TdxQuoteVerifier verifier = new TdxQuoteVerifier();
                    TdxCollateral c = v.collateral();
                    var claims = verifier.verify(v.quote, c, RealVector.context(from)).claims();
                    assertEquals(from.toString(), claims.get("collateral_valid_from"), name);
                    assertEquals(to.toString(), claims.get("collateral_valid_until"), name);
                    verifier.verify(v.quote, c, RealVector.context(to));
                    for (Instant outside : List.of(from.minusSeconds(1), to.plusSeconds(1))) {
                        VerificationException e = assertThrows(VerificationException.class,
                                () -> verifier.verify(v.quote, c, RealVector.context(outside)));
                        assertEquals(ReasonCode.EXPIRED, e.code(), name + " at " + outside + ": " + e.getMessage());
                    }
                }));
            }
        }
        assertTrue(out.size() >= 5, "expected windows in the notes of the passing vectors");
        return out.stream();
    }

    @Test
    void repeatedVerificationsReuseTheCache() throws Exception {
        RealVector v = RealVector.load(RealVector.NEAR_V4);
        TdxQuoteVerifier verifier = new TdxQuoteVerifier();
        TdxCollateral c = v.collateral();
        verifier.verify(v.quote, c, v.context());
        int cached = verifier.cachedCollateralItems();
        assertTrue(cached >= 8, "root, CRLs, chains, TCB info, QE identity, PCK chain: " + cached);
        for (int i = 0; i < 5; i++) {
            verifier.verify(v.quote, c, v.context());
        }
        assertEquals(cached, verifier.cachedCollateralItems());
        // Same bytes in a fresh collateral object hit the same entries (keys are content digests).
        verifier.verify(v.quote, v.collateral(), v.context());
        assertEquals(cached, verifier.cachedCollateralItems());
    }

    @Test
    void aFailedVerificationIsNotCached() throws Exception {
        RealVector v = RealVector.load(RealVector.NEAR_V4);
        TdxQuoteVerifier verifier = new TdxQuoteVerifier();
        byte[] crl = v.collateral.get(TdxCollateral.PCK_CRL).clone();
        crl[crl.length - 1] ^= 1;
        TdxCollateral bad = RealVector.collateral(v.with(TdxCollateral.PCK_CRL, crl));
        for (int i = 0; i < 2; i++) {
            VerificationException e = assertThrows(VerificationException.class,
                    () -> verifier.verify(v.quote, bad, v.context()));
            assertEquals(ReasonCode.COLLATERAL_INVALID, e.code());
        }
        assertEquals("UpToDate", verifier.verify(v.quote, v.collateral(), v.context()).tcbStatus());
    }

    @Test
    void collateralSourceIsAskedForWhatTheQuoteNeeds() throws Exception {
        RealVector v = RealVector.load(RealVector.NEAR_V4);
        List<TdxCollateralRequest> asked = new ArrayList<>();
        TdxCollateral c = v.collateral();
        TdxCollateralSource source = request -> {
            asked.add(request);
            return c;
        };
        new TdxQuoteVerifier().verify(v.quote, TeeType.TDX, source, v.context());
        assertEquals(List.of(new TdxCollateralRequest(TeeType.TDX, "20a06f000000", PckCa.PLATFORM)), asked);
        RealVector s = RealVector.load(RealVector.SGX_V3);
        asked.clear();
        TdxCollateral sc = s.collateral();
        new TdxQuoteVerifier().verify(s.quote, TeeType.SGX, request -> {
            asked.add(request);
            return sc;
        }, s.context());
        assertEquals(List.of(new TdxCollateralRequest(TeeType.SGX, "00a067110000", PckCa.PROCESSOR)), asked);
    }

    @Test
    void aQuoteOfAnotherTeeThanTheBundleSaysIsMalformed() throws Exception {
        RealVector v = RealVector.load(RealVector.NEAR_V4);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new TdxQuoteVerifier().verify(v.quote, TeeType.SGX, v.collateral(), v.context()));
        assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
    }
}

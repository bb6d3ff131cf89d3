package org.openanolis.attestation.verifier.collateral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.tdx.PckCa;
import org.openanolis.attestation.verifier.tdx.TdxCollateralRequest;
import org.openanolis.attestation.verifier.tdx.TdxQuoteVerifier;

/**
 * A real TDX quote verified with real Intel collateral served by a loopback fake of Intel PCS v4
 * (same paths, same issuer-chain headers), including the fail-over and failure modes.
 */
class IntelPcsCollateralSourceTest {
    private static final String FMSPC = "20a06f000000";
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private FakeUpstream pcs;
    private FakeUpstream down;
    private Path bundle;

    private static String enc(Path p) throws Exception {
        return URLEncoder.encode(Files.readString(p), StandardCharsets.UTF_8).replace("+", "%20");
    }

    @BeforeEach
    void serve() throws Exception {
        bundle = SharedData.testdata().resolve("tdx/near-v4-20a06f-uptodate");
        pcs = new FakeUpstream();
        down = new FakeUpstream();
        pcs.on("/tdx/certification/v4/tcb?fmspc=" + FMSPC, FakeUpstream.Answer.ok(
                Files.readAllBytes(bundle.resolve("tcb_info.json")),
                Map.of("TCB-Info-Issuer-Chain", enc(bundle.resolve("tcb_info_issuer_chain.pem")))));
        pcs.on("/tdx/certification/v4/qe/identity", FakeUpstream.Answer.ok(
                Files.readAllBytes(bundle.resolve("qe_identity.json")),
                Map.of("SGX-Enclave-Identity-Issuer-Chain", enc(bundle.resolve("qe_identity_issuer_chain.pem")))));
        for (String ca : List.of("platform", "processor")) {
            pcs.on("/sgx/certification/v4/pckcrl?ca=" + ca + "&encoding=der", FakeUpstream.Answer.ok(
                    Files.readAllBytes(bundle.resolve("pck_crl.der")),
                    Map.of("SGX-PCK-CRL-Issuer-Chain", enc(bundle.resolve("pck_crl_issuer_chain.pem")))));
        }
        pcs.on("/IntelSGXRootCA.der", FakeUpstream.Answer.ok(Files.readAllBytes(bundle.resolve("root_ca_crl.der")), Map.of()));
        down.on("/tdx/certification/v4/tcb?fmspc=" + FMSPC, FakeUpstream.Answer.status(500, Map.of()));
    }

    @AfterEach
    void stop() {
        pcs.close();
        down.close();
        pool.shutdownNow();
    }

    private IntelPcsCollateralSource source(MutableClock clock, List<FakeUpstream> bases) {
        CollateralFetcher f = new CollateralFetcher(bases.stream().map(FakeUpstream::base).toList(), Duration.ofSeconds(2));
        return new IntelPcsCollateralSource(f, new CollateralFetcher(List.of(pcs.base()), Duration.ofSeconds(2)),
                "/IntelSGXRootCA.der", CollateralStore.NONE, clock, Duration.ofHours(1), pool);
    }

    @Test
    void realQuoteVerifiesWithLiveCollateralAfterFailover() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-09-15T00:00:00Z"));
        IntelPcsCollateralSource source = source(clock, List.of(down, pcs));
        VerifiedEvidence v = new TdxQuoteVerifier().verify(Files.readAllBytes(bundle.resolve("quote.bin")), TeeType.TDX,
                source, new VerificationContext(clock, TrustAnchors.builtIn()));
        assertEquals("UpToDate", v.tcbStatus());
        assertEquals(1, pcs.hits("/tdx/certification/v4/tcb?fmspc=" + FMSPC));
        TdxCollateralRequest req = new TdxCollateralRequest(TeeType.TDX, FMSPC, PckCa.PLATFORM);
        assertSame(source.collateralFor(req), source.collateralFor(req), "unchanged collateral is the same object");
    }

    @Test
    void expiredUpstreamCollateralIsNotServed() {
        MutableClock clock = new MutableClock(Instant.parse("2025-10-03T08:00:00Z"));
        IntelPcsCollateralSource source = source(clock, List.of(pcs));
        VerificationException e = assertThrows(VerificationException.class,
                () -> source.collateralFor(new TdxCollateralRequest(TeeType.TDX, FMSPC, PckCa.PLATFORM)));
        assertEquals(ReasonCode.COLLATERAL_MISSING, e.code());
    }

    @Test
    void unknownFmspcIsCollateralMissing() {
        MutableClock clock = new MutableClock(Instant.parse("2025-09-15T00:00:00Z"));
        IntelPcsCollateralSource source = source(clock, List.of(pcs));
        assertEquals(ReasonCode.COLLATERAL_MISSING, assertThrows(VerificationException.class,
                () -> source.collateralFor(new TdxCollateralRequest(TeeType.TDX, "ffffffffffff", PckCa.PLATFORM))).code());
    }
}

package org.openanolis.attestation.verifier.collateral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.MutableClock;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.snp.SnpReportVerifier;

/** Real SNP reports verified with their real VCEK/VLEK served by a loopback fake of AMD KDS. */
class AmdKdsCollateralSourceTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private FakeUpstream kds;

    @AfterEach
    void stop() {
        if (kds != null) {
            kds.close();
        }
        pool.shutdownNow();
    }

    @Test
    void vcekFetchedByChipIdAndReportedTcb() throws Exception {
        Path b = SharedData.testdata().resolve("snp/azure-trustee_milan_v3");
        kds = new FakeUpstream();
        kds.onPrefix("/vcek/v1/Milan/", FakeUpstream.Answer.ok(Files.readAllBytes(b.resolve("vcek.der")), Map.of()));
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        AmdKdsCollateralSource source = new AmdKdsCollateralSource(
                new CollateralFetcher(List.of(kds.base()), Duration.ofSeconds(2)), CollateralStore.NONE, clock,
                Duration.ofHours(1), pool);
        VerifiedEvidence v = new SnpReportVerifier().verify(Files.readAllBytes(b.resolve("report.bin")), source,
                new VerificationContext(clock, TrustAnchors.builtIn()));
        assertEquals("snp", v.tee());
        String asked = kds.requested().stream().filter(p -> !p.endsWith("/crl")).findFirst().orElseThrow();
        assertTrue(asked.matches("/vcek/v1/Milan/[0-9a-f]{128}\\?blSPL=4&teeSPL=0&snpSPL=24&ucodeSPL=219"), asked);
    }

    @Test
    void vlekSignedReportWithoutItsVlekIsCollateralMissing() throws Exception {
        Path b = SharedData.testdata().resolve("snp/coco-trustee_milan_v3_vlek");
        kds = new FakeUpstream();
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
        AmdKdsCollateralSource source = new AmdKdsCollateralSource(
                new CollateralFetcher(List.of(kds.base()), Duration.ofSeconds(2)), CollateralStore.NONE, clock,
                Duration.ofHours(1), pool);
        VerificationException e = assertThrows(VerificationException.class, () -> new SnpReportVerifier()
                .verify(Files.readAllBytes(b.resolve("report.bin")), source, new VerificationContext(clock, TrustAnchors.builtIn())));
        assertEquals(ReasonCode.COLLATERAL_MISSING, e.code());
    }
}

package org.openanolis.attestation.verifier.collateral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.TeeType;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.tdx.PckCa;
import org.openanolis.attestation.verifier.tdx.TdxCollateralRequest;
import org.openanolis.attestation.verifier.tdx.TdxQuoteVerifier;

class OfflineTdxCollateralSourceTest {
    @Test
    void airGappedSiteVerifiesFromPreProvisionedBundles() throws Exception {
        Path tdx = SharedData.testdata().resolve("tdx");
        OfflineTdxCollateralSource source = OfflineTdxCollateralSource.scan(tdx);
        assertEquals(6, source.size());
        Path b = tdx.resolve("phala-v4-b0c06f-uptodate");
        Clock at = Clock.fixed(Instant.parse("2025-07-01T00:00:00Z"), ZoneOffset.UTC);
        assertEquals("UpToDate", new TdxQuoteVerifier().verify(Files.readAllBytes(b.resolve("quote.bin")), TeeType.TDX,
                source, new VerificationContext(at, TrustAnchors.builtIn())).tcbStatus());
        assertEquals(ReasonCode.COLLATERAL_MISSING, assertThrows(VerificationException.class, () ->
                source.collateralFor(new TdxCollateralRequest(TeeType.TDX, "ffffffffffff", PckCa.PLATFORM))).code());
    }
}

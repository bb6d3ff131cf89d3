package org.openanolis.attestation.parsers.rim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** Structure checks of the RIM parser on NVIDIA's published RIMs and mutations of them. */
class SwidRimParserTest {
    private static String driverRim() throws Exception {
        return Files.readString(SharedData.testdata().resolve("gpu/nvtrust-v1-2023-h100-545.00/Driver_RIM_test_no_gpu.swidtag"),
                StandardCharsets.UTF_8);
    }

    private static VerificationException invalid(String xml) {
        VerificationException e = assertThrows(VerificationException.class,
                () -> SwidRimParser.parse(xml.getBytes(StandardCharsets.UTF_8), "rim"));
        assertEquals(ReasonCode.COLLATERAL_INVALID, e.code());
        return e;
    }

    @Test
    void parsesNvidiaDriverRim() throws Exception {
        SwidRim rim = SwidRimParser.parse(driverRim().getBytes(StandardCharsets.UTF_8), "rim");
        assertEquals("545.00", rim.colloquialVersion());
        assertEquals("GPU", rim.edition());
        assertEquals("5703", rim.firmwareManufacturerId());
        assertEquals(64, rim.measurements().size());
        assertEquals(21, rim.measurements().stream().filter(GoldenMeasurement::active).count());
        assertTrue(rim.measurement(7).orElseThrow().active());
        assertEquals(4, rim.signerChain().size());
    }

    @Test
    void structuralMutationsAreRejected() throws Exception {
        String xml = driverRim();
        String[][] table = {
            {"xml-c14n11\"/><ds:SignatureMethod", "REC-xml-c14n-20010315\"/><ds:SignatureMethod", "rim.Signature.SignedInfo.CanonicalizationMethod"},
            {"xmldsig-more#ecdsa-sha384", "xmldsig-more#ecdsa-sha256", "rim.Signature.SignedInfo.SignatureMethod"},
            {"<ds:Reference URI=\"\">", "<ds:Reference URI=\"#x\">", "rim.Signature.Reference.URI"},
            {"<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>", "", "rim.Signature.Reference.Transforms"},
            {"xmldsig-more#sha384\"/>", "xmldsig-more#sha512\"/>", "rim.Signature.Reference.DigestMethod"},
            {"index=\"8\"", "index=\"7\"", "rim.Payload.Resource[7]"},
            {"active=\"True\"", "active=\"true\"", "rim.Payload.Resource[7].active"},
            {"colloquialVersion=\"545.00\"", "", "rim.Meta.colloquialVersion"},
        };
        for (String[] row : table) {
            assertTrue(xml.contains(row[0]), row[0]);
            assertEquals(row[2], invalid(xml.replaceFirst(java.util.regex.Pattern.quote(row[0]),
                    java.util.regex.Matcher.quoteReplacement(row[1]))).field(), row[0]);
        }
    }

    @Test
    void objectInsideSignatureIsRejected() throws Exception {
        String xml = driverRim().replace("</ds:Signature>", "<ds:Object/></ds:Signature>");
        assertEquals("rim.Signature.Object", invalid(xml).field());
    }

    @Test
    void externalEntityIsRejected() throws Exception {
        String xml = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>" + driverRim();
        assertEquals("rim", invalid(xml).field());
    }
}

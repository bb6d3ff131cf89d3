package org.openanolis.attestation.parsers.snp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.errors.ReasonCode;

/** VCEK/VLEK extension decoding on AMD's real certificates. */
class VekExtensionsTest {
    static X509Certificate cert(String set, String file) throws Exception {
        byte[] b = Files.readAllBytes(SharedData.testdata().resolve("snp").resolve(set).resolve(file));
        return Certificates.parseCertificate(b, ReasonCode.COLLATERAL_INVALID, file);
    }

    @Test
    void milanVcekWithTwoByteMicrocode() throws Exception {
        VekExtensions e = VekExtensions.parse(cert("azure-trustee_milan_v3", "vcek.der"));
        assertEquals("SEV-VCEK", e.commonName());
        assertEquals("Milan-B0", e.productName());
        assertEquals(0, e.structVersion());
        assertEquals(4, e.bootloaderSpl());
        assertEquals(0, e.teeSpl());
        assertEquals(24, e.snpSpl());
        assertEquals(219, e.microcodeSpl()); // DER 02 02 00 DB
        assertEquals(Optional.empty(), e.fmcSpl());
        assertEquals("66a5a7b4403a3006ca734aa36a76dd3061d56f398e1e73b0be683ecd2eede9e7"
                + "0811c677abf8d9c9251b52baafbdc97b8121ec0c75661ffba636073b09fa563a", e.hwIdHex().orElseThrow());
        assertTrue(e.cspId().isEmpty());
    }

    @Test
    void turinVcekHasFmcAndEightByteHwId() throws Exception {
        VekExtensions e = VekExtensions.parse(cert("openanolis-trustee_turin_v5", "vcek.der"));
        assertEquals("Turin", e.productName());
        assertEquals(1, e.structVersion());
        assertEquals(Optional.of(1), e.fmcSpl());
        assertEquals(3, e.bootloaderSpl());
        assertEquals(2, e.teeSpl());
        assertEquals(5, e.snpSpl());
        assertEquals(0x61, e.microcodeSpl());
        assertEquals("0910b4f884ff4ba9", e.hwIdHex().orElseThrow());
    }

    @Test
    void vlekHasCspIdAndNoHwId() throws Exception {
        VekExtensions e = VekExtensions.parse(cert("coco-trustee_milan_v3_vlek", "vlek.der"));
        assertEquals("SEV-VLEK", e.commonName());
        assertEquals("Milan", e.productName());
        assertTrue(e.hwIdHex().isEmpty());
        assertEquals(Optional.of("CN=cc-us-east-2.amazonaws.com"), e.cspId());
        assertEquals(217, e.microcodeSpl());
    }
}

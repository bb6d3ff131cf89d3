package org.openanolis.attestation.verifier.snp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;

/**
 * Real AMD-signed reports against the pinned AMD roots: the claims of each product and version,
 * and a one-byte mutation of every field of the Genoa v5 report, each with the reason (and field)
 * it must fail with.
 */
class SnpRealReportTest {
    private static final SnpReportVerifier VERIFIER = new SnpReportVerifier();

    static Path set(String name) {
        return SharedData.testdata().resolve("snp").resolve(name);
    }

    static VerificationContext at(String instant) {
        return new VerificationContext(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), TrustAnchors.builtIn());
    }

    static X509Certificate vek(String name, String file) throws Exception {
        return Certificates.parseCertificate(Files.readAllBytes(set(name).resolve(file)),
                ReasonCode.COLLATERAL_INVALID, file);
    }

    static Map<String, Object> claims(String name, String vekFile, String at) throws Exception {
        byte[] report = Files.readAllBytes(set(name).resolve("report.bin"));
        return VERIFIER.verify(report, SnpCollateral.ofVek(vek(name, vekFile)), at(at)).claims();
    }

    @Test
    @SuppressWarnings("unchecked")
    void turinClaims() throws Exception {
        Map<String, Object> c = claims("openanolis-trustee_turin_v5", "vcek.der", "2026-07-01T00:00:00Z");
        assertEquals("snp", c.get("tee"));
        assertEquals(5, c.get("report_version"));
        assertEquals("turin", c.get("product"));
        assertEquals("vcek", c.get("signer"));
        assertEquals(Map.of("fmc", 1, "bootloader", 3, "tee", 2, "snp", 5, "microcode", 0x61,
                "raw", "6100000005020301"), c.get("reported_tcb"));
        assertEquals(Map.of("family", 0x1a, "model", 0x02, "stepping", 0x01), c.get("cpuid"));
        Map<String, Object> pi = (Map<String, Object>) c.get("platform_info");
        assertEquals("0000000000000040", pi.get("unknown_bits"));
        assertEquals("0000000000000065", pi.get("raw"));
        Map<String, Object> fw = (Map<String, Object>) c.get("firmware");
        assertEquals(Map.of("major", 1, "minor", 58, "build", 3), fw.get("current"));
        assertEquals("0910b4f884ff4ba9" + "0".repeat(112), c.get("chip_id"));
        assertEquals(false, c.get("chip_id_masked"));
        assertEquals(false, c.get("debug"));
        assertEquals("000000000000003f", c.get("launch_mit_vector"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void milanV2Claims() throws Exception {
        Map<String, Object> c = claims("go-sev-guest_milan_v2", "vcek.der", "2026-06-01T00:00:00Z");
        assertEquals("milan", c.get("product"));
        assertEquals(2, c.get("report_version"));
        assertEquals(null, c.get("cpuid"));
        // POLICY 0xB0000: bit 19 (DEBUG) is set in go-sev-guest's test report.
        assertEquals(true, c.get("debug"));
        assertEquals(Map.of("bootloader", 2, "tee", 0, "snp", 5, "microcode", 68, "raw", "4405000000000002"),
                c.get("reported_tcb"));
        assertEquals(Map.of("major", 1, "minor", 49, "build", 3),
                ((Map<String, Object>) c.get("firmware")).get("committed"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void vlekClaims() throws Exception {
        Map<String, Object> c = claims("coco-trustee_milan_v3_vlek", "vlek.der", "2025-06-01T00:00:00Z");
        assertEquals("vlek", c.get("signer"));
        assertEquals(true, c.get("chip_id_masked"));
        assertEquals(1L, c.get("vmpl"));
        assertEquals("CN=cc-us-east-2.amazonaws.com", ((Map<String, Object>) c.get("vek")).get("csp_id"));
        // CURRENT_TCB ucode 0xdc, REPORTED_TCB ucode 0xd9 (the VLEK's).
        assertEquals(0xdc, ((Map<String, Object>) c.get("current_tcb")).get("microcode"));
        assertEquals(0xd9, ((Map<String, Object>) c.get("reported_tcb")).get("microcode"));
    }

    @Test
    void vlekExpiresAfterItsYear() throws Exception {
        byte[] report = Files.readAllBytes(set("coco-trustee_milan_v3_vlek").resolve("report.bin"));
        SnpCollateral col = SnpCollateral.ofVek(vek("coco-trustee_milan_v3_vlek", "vlek.der"));
        VerificationException e = assertThrows(VerificationException.class,
                () -> VERIFIER.verify(report, col, at("2026-01-01T00:00:00Z")));
        assertEquals(ReasonCode.EXPIRED, e.code());
        assertEquals("vek", e.field());
    }

    /** Offset, xor mask, expected code, expected field; on oak_genoa_v5, nothing re-signed. */
    static Stream<Arguments> mutations() {
        String sig = "report.signature";
        ReasonCode s = ReasonCode.SIGNATURE_INVALID;
        ReasonCode m = ReasonCode.MALFORMED_EVIDENCE;
        ReasonCode b = ReasonCode.BINDING_MISMATCH;
        ReasonCode c = ReasonCode.CERT_CHAIN_INVALID;
        return Stream.of(
                Arguments.of(0x000, 0x04, m, "report.version"),
                Arguments.of(0x004, 0x01, s, sig),                 // GUEST_SVN
                Arguments.of(0x008, 0x01, s, sig),                 // POLICY.ABI_MINOR
                Arguments.of(0x00A, 0x08, s, sig),                 // POLICY.DEBUG
                Arguments.of(0x00A, 0x02, m, "report.policy.reserved_bit_17"),
                Arguments.of(0x00B, 0x04, m, "report.policy.reserved_63_26"),
                Arguments.of(0x010, 0x01, s, sig),                 // FAMILY_ID
                Arguments.of(0x020, 0x80, s, sig),                 // IMAGE_ID
                Arguments.of(0x030, 0x01, s, sig),                 // VMPL
                Arguments.of(0x034, 0x03, m, "report.signature_algo"),
                Arguments.of(0x038, 0x01, s, sig),                 // CURRENT_TCB
                Arguments.of(0x040, 0x40, s, sig),                 // PLATFORM_INFO bit 6: parsed, signed
                Arguments.of(0x048, 0x01, s, sig),                 // SIGNER_INFO.AUTHOR_KEY_EN
                Arguments.of(0x048, 0x04, b, "vek.subject"),       // SIGNING_KEY VCEK -> VLEK
                Arguments.of(0x048, 0x1C, m, "report.signer_info.signing_key"),
                Arguments.of(0x048, 0x20, m, "report.signer_info"),
                Arguments.of(0x04C, 0x01, m, "report.reserved_04c"),
                Arguments.of(0x050, 0x01, s, sig),                 // REPORT_DATA
                Arguments.of(0x08F, 0x01, s, sig),
                Arguments.of(0x090, 0x01, s, sig),                 // MEASUREMENT
                Arguments.of(0x0C0, 0x01, s, sig),                 // HOST_DATA
                Arguments.of(0x0E0, 0x01, s, sig),                 // ID_KEY_DIGEST
                Arguments.of(0x110, 0x01, s, sig),                 // AUTHOR_KEY_DIGEST
                Arguments.of(0x140, 0x01, s, sig),                 // REPORT_ID
                Arguments.of(0x160, 0x01, s, sig),                 // REPORT_ID_MA
                Arguments.of(0x180, 0x01, b, "reported_tcb.bootloader"),
                Arguments.of(0x181, 0x01, b, "reported_tcb.tee"),
                Arguments.of(0x183, 0x01, b, "reported_tcb.reserved"),
                Arguments.of(0x186, 0x01, b, "reported_tcb.snp"),
                Arguments.of(0x187, 0x01, b, "reported_tcb.microcode"),
                Arguments.of(0x188, 0x03, c, "vek.product_name"),  // CPUID family 0x19 -> 0x1A (Turin)
                Arguments.of(0x188, 0x01, c, "report.cpuid"),      // 0x18: no such product
                Arguments.of(0x189, 0x10, c, "vek.product_name"),  // model 0x11 -> 0x01 (Milan)
                Arguments.of(0x18A, 0x01, s, sig),                 // CPUID_STEP
                Arguments.of(0x18B, 0x01, m, "report.reserved_18b"),
                Arguments.of(0x1A0, 0x01, b, "report.chip_id"),
                Arguments.of(0x1DF, 0x01, b, "report.chip_id"),
                Arguments.of(0x1E0, 0x01, s, sig),                 // COMMITTED_TCB
                Arguments.of(0x1E8, 0x01, s, sig),                 // CURRENT_BUILD
                Arguments.of(0x1EA, 0x01, s, sig),                 // CURRENT_MAJOR
                Arguments.of(0x1EB, 0x01, m, "report.reserved_1eb"),
                Arguments.of(0x1EC, 0x01, s, sig),                 // COMMITTED_BUILD
                Arguments.of(0x1EF, 0x01, m, "report.reserved_1ef"),
                Arguments.of(0x1F0, 0x01, s, sig),                 // LAUNCH_TCB
                Arguments.of(0x1F8, 0x02, s, sig),                 // LAUNCH_MIT_VECTOR (v5)
                Arguments.of(0x200, 0x02, s, sig),                 // CURRENT_MIT_VECTOR (v5)
                Arguments.of(0x208, 0x01, m, "report.reserved_208"),
                Arguments.of(0x2A0, 0x01, s, sig),                 // R
                Arguments.of(0x2CF, 0x01, s, sig),
                Arguments.of(0x2D0, 0x01, m, "report.signature.r_high"),
                Arguments.of(0x2E8, 0x01, s, sig),                 // S
                Arguments.of(0x317, 0x80, s, sig),
                Arguments.of(0x318, 0x01, m, "report.signature.s_high"),
                Arguments.of(0x330, 0x01, m, "report.reserved_330"),
                Arguments.of(0x400, 0x01, m, "report.reserved_330"));
    }

    @ParameterizedTest(name = "byte 0x{0} ^= {1} -> {2} {3}")
    @MethodSource("mutations")
    void everyFieldMutationFailsWithItsReason(int offset, int xor, ReasonCode code, String field) throws Exception {
        byte[] report = Files.readAllBytes(set("oak_genoa_v5").resolve("report.bin"));
        SnpCollateral col = SnpCollateral.ofVek(vek("oak_genoa_v5", "vcek.der"));
        VERIFIER.verify(report, col, at("2026-06-01T00:00:00Z"));
        report[offset] ^= (byte) xor;
        VerificationException e = assertThrows(VerificationException.class,
                () -> VERIFIER.verify(report, col, at("2026-06-01T00:00:00Z")));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void rEqualToTheCurveOrderIsRejectedBeforeTheArithmetic() throws Exception {
        byte[] report = Files.readAllBytes(set("oak_genoa_v5").resolve("report.bin"));
        byte[] n = org.openanolis.attestation.certs.Ecdsa.P384.getN().toByteArray();
        // n is 48 bytes (plus a sign byte); write it little-endian into R.
        for (int i = 0; i < 48; i++) {
            report[0x2A0 + i] = n[n.length - 1 - i];
        }
        SnpCollateral col = SnpCollateral.ofVek(vek("oak_genoa_v5", "vcek.der"));
        VerificationException e = assertThrows(VerificationException.class,
                () -> VERIFIER.verify(report, col, at("2026-06-01T00:00:00Z")));
        assertEquals(ReasonCode.SIGNATURE_INVALID, e.code());
    }

    @Test
    void sMalleabilityIsNotAnIdentifier() throws Exception {
        // (r, n - s) also verifies: ECDSA is malleable, so nothing here keys on signature bytes.
        byte[] report = Files.readAllBytes(set("oak_genoa_v5").resolve("report.bin"));
        java.math.BigInteger n = org.openanolis.attestation.certs.Ecdsa.P384.getN();
        byte[] le = new byte[48];
        for (int i = 0; i < 48; i++) {
            le[47 - i] = report[0x2E8 + i];
        }
        java.math.BigInteger s2 = n.subtract(new java.math.BigInteger(1, le));
        byte[] be = s2.toByteArray();
        java.util.Arrays.fill(report, 0x2E8, 0x2E8 + 48, (byte) 0);
        for (int i = 0; i < 48 && i < be.length; i++) {
            report[0x2E8 + i] = be[be.length - 1 - i];
        }
        SnpCollateral col = SnpCollateral.ofVek(vek("oak_genoa_v5", "vcek.der"));
        VERIFIER.verify(report, col, at("2026-06-01T00:00:00Z"));
    }
}

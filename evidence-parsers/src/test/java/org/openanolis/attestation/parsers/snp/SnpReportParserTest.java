package org.openanolis.attestation.parsers.snp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** The report parser on real reports (shared/testdata/snp) and their one-byte mutations. */
class SnpReportParserTest {
    static byte[] report(String set) throws IOException {
        return Files.readAllBytes(SharedData.testdata().resolve("snp").resolve(set).resolve("report.bin"));
    }

    @Test
    void genoaV5() throws Exception {
        SnpReport r = SnpReport.parse(report("oak_genoa_v5"));
        assertEquals(5, r.version());
        assertEquals(SnpSigningKey.VCEK, r.signingKey());
        assertEquals(new SnpCpuid(0x19, 0x11, 0x01), r.cpuid().orElseThrow());
        assertEquals(Optional.of(AmdProduct.GENOA), SnpProducts.fromCpuid(r.cpuid().get()));
        assertEquals(0x541900000000000aL, r.reportedTcb());
        assertEquals(1L, r.launchMitVector().orElseThrow());
        assertEquals(1L, r.currentMitVector().orElseThrow());
        assertEquals(new SnpFirmwareVersion(1, 55, 43), r.currentFirmware());
        assertEquals(0x30000L, r.policy().raw());
        assertTrue(r.policy().smt());
        assertFalse(r.policy().debug());
        assertEquals(0x25L, r.platformInfo().raw());
        assertTrue(r.platformInfo().aliasCheckComplete());
        assertEquals(0L, r.platformInfo().unknownBits());
        assertFalse(r.chipIdMasked());
        assertEquals(96, r.measurementHex().length());
    }

    @Test
    void turinV5KeepsUnknownPlatformInfoBit6() throws Exception {
        SnpReport r = SnpReport.parse(report("openanolis-trustee_turin_v5"));
        assertEquals(0x65L, r.platformInfo().raw());
        assertEquals(0x40L, r.platformInfo().unknownBits());
        assertEquals(Optional.of(AmdProduct.TURIN), SnpProducts.fromCpuid(r.cpuid().orElseThrow()));
        SnpTcbVersion t = SnpTcbVersion.decode(r.reportedTcb(), AmdProduct.TURIN);
        assertEquals(Optional.of(1), t.fmc());
        assertEquals(3, t.bootloader());
        assertEquals(2, t.tee());
        assertEquals(5, t.snp());
        assertEquals(0x61, t.microcode());
        assertEquals(0L, t.reservedBits());
        // The Milan layout misreads it (snp-verification.md section 3).
        SnpTcbVersion wrong = SnpTcbVersion.decode(r.reportedTcb(), AmdProduct.MILAN);
        assertEquals(1, wrong.bootloader());
        assertEquals(3, wrong.tee());
        assertEquals(0, wrong.snp());
        assertTrue(wrong.reservedBits() != 0);
    }

    @Test
    void milanV2HasNoCpuidAndV3VlekHasMaskedChip() throws Exception {
        SnpReport v2 = SnpReport.parse(report("go-sev-guest_milan_v2"));
        assertEquals(2, v2.version());
        assertTrue(v2.cpuid().isEmpty());
        assertTrue(v2.launchMitVector().isEmpty());
        assertTrue(v2.policy().debug());
        SnpReport vlek = SnpReport.parse(report("coco-trustee_milan_v3_vlek"));
        assertEquals(SnpSigningKey.VLEK, vlek.signingKey());
        assertTrue(vlek.chipIdMasked());
        assertEquals(1L, vlek.vmpl());
    }

    @Test
    void tcbEncodeIsTheInverseOfDecode() {
        for (AmdProduct p : AmdProduct.values()) {
            long raw = SnpTcbVersion.encode(p, 7, 1, 2, 3, 0xdb);
            SnpTcbVersion t = SnpTcbVersion.decode(raw, p);
            assertEquals(1, t.bootloader());
            assertEquals(2, t.tee());
            assertEquals(3, t.snp());
            assertEquals(0xdb, t.microcode());
            assertEquals(p == AmdProduct.TURIN ? Optional.of(7) : Optional.empty(), t.fmc());
            assertEquals(0L, t.reservedBits());
        }
        assertEquals(0x6100000005020301L, SnpTcbVersion.encode(AmdProduct.TURIN, 1, 3, 2, 5, 0x61));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1183, 1185, 2048})
    void sizeOtherThan1184IsMalformed(int size) throws Exception {
        byte[] r = Arrays.copyOf(report("oak_genoa_v5"), size);
        VerificationException e = assertThrows(VerificationException.class, () -> SnpReport.parse(r));
        assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
        assertEquals("report.size", e.field());
    }

    /** One-byte mutations that the parser must reject: set, offset, xor mask, field. */
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("oak_genoa_v5", 0x000, 0x04, "report.version"),        // 5 -> 1
                Arguments.of("oak_genoa_v5", 0x000, 0x01, "report.version"),        // 5 -> 4
                Arguments.of("oak_genoa_v5", 0x000, 0x03, "report.version"),        // 5 -> 6
                Arguments.of("oak_genoa_v5", 0x00A, 0x02, "report.policy.reserved_bit_17"),
                Arguments.of("oak_genoa_v5", 0x00B, 0x04, "report.policy.reserved_63_26"),
                Arguments.of("oak_genoa_v5", 0x00F, 0x80, "report.policy.reserved_63_26"),
                Arguments.of("oak_genoa_v5", 0x034, 0x03, "report.signature_algo"),  // 1 -> 2
                Arguments.of("oak_genoa_v5", 0x048, 0x20, "report.signer_info"),
                Arguments.of("oak_genoa_v5", 0x04B, 0x80, "report.signer_info"),
                Arguments.of("oak_genoa_v5", 0x048, 0x1C, "report.signer_info.signing_key"), // 7: unsigned
                Arguments.of("oak_genoa_v5", 0x048, 0x08, "report.signer_info.signing_key"), // 2: reserved
                Arguments.of("oak_genoa_v5", 0x04C, 0x01, "report.reserved_04c"),
                Arguments.of("oak_genoa_v5", 0x18B, 0x01, "report.reserved_18b"),
                Arguments.of("oak_genoa_v5", 0x19F, 0x01, "report.reserved_18b"),
                Arguments.of("oak_genoa_v5", 0x1EB, 0x01, "report.reserved_1eb"),
                Arguments.of("oak_genoa_v5", 0x1EF, 0x01, "report.reserved_1ef"),
                Arguments.of("oak_genoa_v5", 0x208, 0x01, "report.reserved_208"),
                Arguments.of("oak_genoa_v5", 0x29F, 0x01, "report.reserved_208"),
                Arguments.of("oak_genoa_v5", 0x2D0, 0x01, "report.signature.r_high"),
                Arguments.of("oak_genoa_v5", 0x2E7, 0x80, "report.signature.r_high"),
                Arguments.of("oak_genoa_v5", 0x318, 0x01, "report.signature.s_high"),
                Arguments.of("oak_genoa_v5", 0x32F, 0x01, "report.signature.s_high"),
                Arguments.of("oak_genoa_v5", 0x330, 0x01, "report.reserved_330"),
                Arguments.of("oak_genoa_v5", 0x49F, 0x01, "report.reserved_330"),
                // v3: the mitigation vectors are reserved.
                Arguments.of("azure-trustee_milan_v3", 0x1F8, 0x01, "report.reserved_1f8"),
                Arguments.of("azure-trustee_milan_v3", 0x207, 0x01, "report.reserved_1f8"),
                Arguments.of("azure-trustee_milan_v3", 0x208, 0x01, "report.reserved_1f8"),
                // v2: no CPUID bytes.
                Arguments.of("go-sev-guest_milan_v2", 0x188, 0x19, "report.reserved_188"),
                Arguments.of("go-sev-guest_milan_v2", 0x18A, 0x01, "report.reserved_188"));
    }

    @ParameterizedTest(name = "{0} byte {1} ^= {2} -> {3}")
    @MethodSource("malformed")
    void mutationIsMalformed(String set, int offset, int xor, String field) throws Exception {
        byte[] r = report(set);
        r[offset] ^= (byte) xor;
        VerificationException e = assertThrows(VerificationException.class, () -> SnpReport.parse(r));
        assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
        assertEquals(field, e.field());
    }

    /** Fields that parse leniently: unknown platform info bits, v5 mitigation vectors, CPUID values. */
    @ParameterizedTest
    @ValueSource(ints = {0x040, 0x041, 0x047, 0x1F8, 0x207, 0x188, 0x18A, 0x004, 0x030, 0x1E8})
    void mutationStillParses(int offset) throws Exception {
        byte[] r = report("oak_genoa_v5");
        r[offset] ^= 0x40;
        SnpReport.parse(r);
    }

    @Test
    void inputIsCopied() throws Exception {
        byte[] r = report("oak_genoa_v5");
        SnpReport parsed = SnpReport.parse(r);
        String before = parsed.measurementHex();
        r[0x090] ^= 1;
        assertEquals(before, parsed.measurementHex());
        byte[] m = parsed.measurement();
        m[0] ^= 1;
        assertEquals(before, parsed.measurementHex());
    }

    @Test
    void productFromCpuidRanges() {
        assertEquals(Optional.of(AmdProduct.MILAN), SnpProducts.fromCpuid(new SnpCpuid(0x19, 0x01, 1)));
        assertEquals(Optional.of(AmdProduct.GENOA), SnpProducts.fromCpuid(new SnpCpuid(0x19, 0x11, 1)));
        assertEquals(Optional.of(AmdProduct.GENOA), SnpProducts.fromCpuid(new SnpCpuid(0x19, 0xA0, 1)));
        assertEquals(Optional.of(AmdProduct.TURIN), SnpProducts.fromCpuid(new SnpCpuid(0x1A, 0x02, 1)));
        assertEquals(Optional.of(AmdProduct.TURIN), SnpProducts.fromCpuid(new SnpCpuid(0x1A, 0x11, 0)));
        assertEquals(Optional.empty(), SnpProducts.fromCpuid(new SnpCpuid(0x19, 0x30, 1)));
        assertEquals(Optional.empty(), SnpProducts.fromCpuid(new SnpCpuid(0x1A, 0x12, 1)));
        assertEquals(Optional.empty(), SnpProducts.fromCpuid(new SnpCpuid(0x17, 0x01, 1)));
    }

    @Test
    void productFromVekName() {
        assertEquals(Optional.of(AmdProduct.MILAN), SnpProducts.fromVekProductName("Milan-B0"));
        assertEquals(Optional.of(AmdProduct.MILAN), SnpProducts.fromVekProductName("Milan"));
        assertEquals(Optional.of(AmdProduct.GENOA), SnpProducts.fromVekProductName("Genoa"));
        assertEquals(Optional.of(AmdProduct.TURIN), SnpProducts.fromVekProductName("Turin"));
        assertEquals(Optional.empty(), SnpProducts.fromVekProductName("milan"));
        assertEquals(Optional.empty(), SnpProducts.fromVekProductName("Venice"));
        assertEquals(Optional.empty(), SnpProducts.fromVekProductName(""));
    }
}

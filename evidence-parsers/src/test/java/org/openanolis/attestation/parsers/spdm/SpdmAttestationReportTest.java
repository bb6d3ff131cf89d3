package org.openanolis.attestation.parsers.spdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** The SPDM report parser on real reports (shared/testdata/gpu) and one-byte mutations of them. */
class SpdmAttestationReportTest {
    private static byte[] report(String set) throws Exception {
        Path p = SharedData.testdata().resolve("gpu").resolve(set).resolve("report.hex");
        return Hex.decode(Files.readString(p, StandardCharsets.US_ASCII));
    }

    private static VerificationException malformed(byte[] r) {
        VerificationException e = assertThrows(VerificationException.class,
                () -> SpdmAttestationReport.parse(r, SpdmAttestationReport.P384_SIGNATURE_LENGTH));
        assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
        return e;
    }

    @Test
    void parsesHopperReport() throws Exception {
        byte[] raw = report("nvtrust-v1-2023-h100-545.00");
        SpdmAttestationReport r = SpdmAttestationReport.parse(raw, 96);
        assertEquals(64, r.response().blocks().size());
        assertEquals("4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e", r.request().nonceHex());
        assertEquals("545.00", r.opaqueData().driverVersion().orElseThrow());
        assertEquals("96.00.5E.00.01", r.opaqueData().gpuVbiosVersion().orElseThrow());
        assertEquals(0x55, r.opaqueData().nvdec0Status().orElseThrow());
        assertTrue(r.opaqueData().fwid().isEmpty());
        assertEquals(raw.length - 96, r.signedBytes().length);
        assertEquals(48, r.response().block(1).orElseThrow().size());
    }

    @Test
    void parsesSwitchReport() throws Exception {
        SpdmAttestationReport r = SpdmAttestationReport.parse(report("sdk-ls10-96.10.55.00.01"), 96);
        assertEquals(31, r.response().blocks().size());
        assertEquals("96.10.55.00.01", r.opaqueData().switchBiosVersion().orElseThrow());
    }

    @Test
    void fwidPresentInNewerReport() throws Exception {
        SpdmAttestationReport r = SpdmAttestationReport.parse(report("trustee-hopper-550.90.07-chain-case1-no-rims"), 96);
        assertEquals(48, r.opaqueData().fwid().orElseThrow().length);
        assertEquals("96.00.9F.00.01", r.opaqueData().gpuVbiosVersion().orElseThrow());
    }

    @Test
    void vbiosFormattingMatchesNvidia() {
        assertEquals("96.00.9F.00.01", OpaqueData.formatGpuVbios(Hex.decode("009f009601000000")));
    }

    @Test
    void everyTruncationIsMalformed() throws Exception {
        byte[] raw = report("sdk-ls10-96.10.55.00.01");
        for (int len : new int[] {0, 1, 4, 36, 37, 41, 44, 100, raw.length - 97, raw.length - 1}) {
            malformed(Arrays.copyOf(raw, len));
        }
    }

    @Test
    void trailingBytesAreMalformed() throws Exception {
        byte[] raw = report("sdk-ls10-96.10.55.00.01");
        assertEquals("response.trailing_bytes", malformed(Arrays.copyOf(raw, raw.length + 1)).field());
    }

    @Test
    void headerMutations() throws Exception {
        byte[] raw = report("sdk-ls10-96.10.55.00.01");
        Object[][] table = {
            {0, 0x10, "request.spdm_version"},
            {1, 0xE1, "request.request_response_code"},
            {2, 0x00, "request.param1"},
            {3, 0x01, "request.param2"},
            {37, 0x12, "response.spdm_version"},
            {38, 0x61, "response.request_response_code"},
            {41, 30, "response.number_of_blocks"},
            {45, 0, "response.measurement_record[0].index"},
            {46, 0x02, "response.measurement_record[0].measurement_specification"},
        };
        for (Object[] row : table) {
            byte[] m = raw.clone();
            m[(int) row[0]] = (byte) (int) row[1];
            assertEquals(row[2], malformed(m).field(), "offset " + row[0]);
        }
    }

    @Test
    void duplicateBlockIndexIsMalformed() throws Exception {
        byte[] m = report("sdk-ls10-96.10.55.00.01");
        int second = 45 + 3 + 48 + 4; // block 2 starts after index, spec, size and a 51-byte measurement
        m[second] = m[45];
        assertTrue(malformed(m).field().endsWith(".index"));
    }
}

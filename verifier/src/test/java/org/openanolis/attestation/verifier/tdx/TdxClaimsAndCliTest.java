package org.openanolis.attestation.verifier.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.cli.Main;

/** Claims read from authenticated quote fields at the spec offsets, and the CLI contract. */
class TdxClaimsAndCliTest {
    private static String hex(byte[] q, int from, int len) {
        return HexFormat.of().formatHex(q, from, from + len);
    }

    @Test
    void tdxClaimsComeFromTheTdReportOffsets() throws Exception {
        RealVector v = RealVector.load(RealVector.GOOGLE_V5);
        VerifiedEvidence e = v.verify(v.quote, v.collateral);
        Map<String, Object> c = e.claims();
        int body = 54; // v5: header 48 + body descriptor 6
        assertEquals("tdx", c.get("tee"));
        assertEquals(5, c.get("quote_version"));
        assertEquals(hex(v.quote, body + 136, 48), c.get("mr_td"));
        assertEquals(c.get("mr_td"), c.get("measurement"));
        assertEquals(hex(v.quote, body + 16, 48), c.get("mr_seam"));
        for (int i = 0; i < 4; i++) {
            assertEquals(hex(v.quote, body + 328 + 48 * i, 48), c.get("rtmr" + i));
        }
        assertEquals(hex(v.quote, body + 520, 64), c.get("report_data"));
        assertEquals(hex(v.quote, body, 16), c.get("tee_tcb_svn"));
        assertEquals(hex(v.quote, body + 584, 16), c.get("tee_tcb_svn2"));
        assertEquals(hex(v.quote, body + 600, 48), c.get("mr_service_td"));
        assertEquals("0000001000000000", c.get("td_attributes"));
        assertEquals(false, c.get("debug"));
        assertEquals(true, c.get("sept_ve_disable"));
        assertEquals("90c06f000000", c.get("fmspc"));
        assertEquals("UpToDate", c.get("qe_status"));
        assertEquals("UpToDate", c.get("module_status"));
        assertEquals("2024-11-13T00:00:00Z", c.get("tcb_date"));
        assertEquals(List.of(), c.get("advisory_ids"));
    }

    @Test
    void moduleVersionedQuoteReportsModuleStatus() throws Exception {
        RealVector v = RealVector.load(RealVector.AZURE_V4);
        Map<String, Object> c = v.verify(v.quote, v.collateral).claims();
        assertEquals("OutOfDate", c.get("module_status"));
        assertEquals("OutOfDate", c.get("tcb_status"));
        assertEquals(false, c.get("sept_ve_disable"));
        assertEquals("2023-08-09T00:00:00Z", c.get("tcb_date"));
    }

    @Test
    void sgxClaimsComeFromTheEnclaveReportOffsets() throws Exception {
        RealVector v = RealVector.load(RealVector.SGX_V3);
        VerifiedEvidence e = v.verify(v.quote, v.collateral);
        Map<String, Object> c = e.claims();
        assertEquals("sgx", c.get("tee"));
        assertEquals(hex(v.quote, 48 + 64, 32), c.get("mr_enclave"));
        assertEquals(hex(v.quote, 48 + 128, 32), c.get("mr_signer"));
        assertEquals(hex(v.quote, 48 + 320, 64), c.get("report_data"));
        assertEquals(c.get("mr_enclave"), c.get("measurement"));
        assertFalse(c.containsKey("module_status"));
        assertEquals(List.of("INTEL-SA-00289", "INTEL-SA-00615"), e.advisoryIds());
    }

    private static int run(ByteArrayOutputStream out, String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    @Test
    void cliJsonPassFailAndUsage() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String near = RealVector.dir(RealVector.NEAR_V4).toString();
        assertEquals(Main.EXIT_PASS, run(out, "verify", near, "--json"));
        JsonNode j = new ObjectMapper().readTree(out.toByteArray());
        assertEquals("pass", j.get("verdict").asText());
        assertEquals("tdx", j.get("tee").asText());
        assertTrue(j.get("reason").isNull());
        assertEquals("UpToDate", j.get("tcb_status").asText());
        assertEquals(j.at("/claims/mr_td").asText(), j.at("/claims/measurement").asText());

        out.reset();
        assertEquals(Main.EXIT_FAIL, run(out, "verify", near, "--json", "--at", "2030-01-01T00:00:00Z"));
        j = new ObjectMapper().readTree(out.toByteArray());
        assertEquals("fail", j.get("verdict").asText());
        assertEquals("EXPIRED", j.get("reason").asText());
        assertTrue(j.at("/details/check").isTextual());

        out.reset();
        assertEquals(Main.EXIT_FAIL, run(out, "verify",
                SharedData.testdata().resolve("tdx/neg-google-v4-50806f-2023-tcb-not-supported").toString(), "--json"));
        assertEquals("TCB_NOT_SUPPORTED", new ObjectMapper().readTree(out.toByteArray()).get("reason").asText());

        out.reset();
        assertEquals(Main.EXIT_USAGE, run(out, "verify", near, "--at", "yesterday"));
    }
}

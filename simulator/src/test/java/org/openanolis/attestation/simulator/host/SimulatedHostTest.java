package org.openanolis.attestation.simulator.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The host's evidence pieces on their own (for attesters that build runtime_data themselves) and via the recipe. */
class SimulatedHostTest {
    /** TD report offset in a v4 quote (after the 48-byte header), and fields in it. */
    private static final int TD = 48;
    private static final int TD_ATTRIBUTES = TD + 120;
    private static final int TD_REPORT_DATA = TD + 520;
    private static final int SNP_POLICY = 0x08;
    private static final int SNP_REPORT_DATA = 0x50;
    private static final int SPDM_NONCE = 4;
    private static SimulatedEnvironment env;

    @BeforeAll
    static void world() {
        env = SimulatedEnvironment.create();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Test
    void tdxQuoteBindsTheGivenReportDataAndCarriesTheDebugBit() {
        byte[] rd = random(64);
        byte[] q = SimulatedHost.tdx(env).build().cpuEvidence(rd);
        assertEquals(4, ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN).getShort(0));
        assertArrayEquals(rd, Arrays.copyOfRange(q, TD_REPORT_DATA, TD_REPORT_DATA + 64));
        assertEquals(0, q[TD_ATTRIBUTES] & 1); // TDATTRIBUTES.DEBUG is bit 0
        byte[] debug = SimulatedHost.tdx(env).debug(true).build().cpuEvidence(rd);
        assertArrayEquals(rd, Arrays.copyOfRange(debug, TD_REPORT_DATA, TD_REPORT_DATA + 64));
        assertEquals(1, debug[TD_ATTRIBUTES] & 1);
        assertThrows(IllegalArgumentException.class, () -> SimulatedHost.tdx(env).build().cpuEvidence(new byte[32]));
    }

    @Test
    void snpReportBindsTheGivenReportDataAndCarriesTheVcek() {
        byte[] rd = random(64);
        SimulatedHost host = SimulatedHost.snp(env).debug(true).build();
        byte[] r = host.cpuEvidence(rd);
        assertEquals(1184, r.length);
        assertArrayEquals(rd, Arrays.copyOfRange(r, SNP_REPORT_DATA, SNP_REPORT_DATA + 64));
        long policy = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).getLong(SNP_POLICY);
        assertEquals(1L << 19, policy & 1L << 19);
        assertEquals("snp", host.cpuTee());
        assertTrue(host.vekPem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertNull(SimulatedHost.tdx(env).build().vekPem());
    }

    @Test
    void gpuEvidenceAnswersTheGivenNonce() {
        SimulatedHost host = SimulatedHost.tdx(env).gpus(2).build();
        byte[] nonce = random(32);
        SimulatedHost.Gpu g = host.gpuEvidence(1, nonce);
        assertEquals("nvgpu", g.tee());
        assertArrayEquals(nonce, Arrays.copyOfRange(g.report(), SPDM_NONCE, SPDM_NONCE + 32));
        assertTrue(g.certChainPem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals(new String(host.gpus().get(1).credentials().chainPem(), StandardCharsets.US_ASCII),
                g.certChainPem());
        assertThrows(IllegalArgumentException.class, () -> host.gpuEvidence(0, new byte[31]));
        assertThrows(IndexOutOfBoundsException.class, () -> host.gpuEvidence(2, nonce));
    }

    @Test
    void theRecipeComposesThePieces() {
        SimulatedHost host = SimulatedHost.tdx(env).gpus(1).build();
        byte[] n = random(65);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
        SimulatedHost.Evidence e = host.evidence(nonce);
        byte[] gpuReport = e.gpus().get(0).report();
        assertArrayEquals(SimulatedHost.sha256(n), Arrays.copyOfRange(gpuReport, SPDM_NONCE, SPDM_NONCE + 32));
        String runtime = new String(e.runtimeData(), StandardCharsets.UTF_8);
        assertEquals("{\"tee_pubkey\":" + host.teePublicJwk() + ",\"gpu_evidence_sha256\":[\""
                + HexFormat.of().formatHex(SimulatedHost.sha256(gpuReport)) + "\"]}", runtime);
        byte[] q = e.cpuEvidence();
        assertArrayEquals(SimulatedHost.sha512(n, e.runtimeData()),
                Arrays.copyOfRange(q, TD_REPORT_DATA, TD_REPORT_DATA + 64));
    }
}

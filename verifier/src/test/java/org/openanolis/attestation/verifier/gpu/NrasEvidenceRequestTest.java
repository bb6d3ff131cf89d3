package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.CTX;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.PKI;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.nonce;
import static org.openanolis.attestation.verifier.gpu.GpuTestFixture.rims;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;

/** NRAS-style JSON evidence requests, verified end to end. */
class NrasEvidenceRequestTest {
    private static String item(SimulatedNvidiaDevice d, byte[] nonce) {
        return "{\"evidence\":\"" + Base64.getEncoder().encodeToString(d.report(nonce)) + "\",\"certificate\":\""
                + Base64.getEncoder().encodeToString(d.credentials().chainPem()) + "\"}";
    }

    @Test
    void twoGpusVerify() throws VerificationException {
        SimulatedNvidiaDevice.Builder b = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER);
        SimulatedNvidiaDevice a = b.build(PKI);
        a.measurements().forEach(b::measurement);
        SimulatedNvidiaDevice c = b.build(PKI);
        byte[] n = nonce();
        String json = "{\"nonce\":\"" + HexFormat.of().formatHex(n) + "\",\"arch\":\"HOPPER\",\"claims_version\":\"3.0\","
                + "\"evidence_list\":[" + item(a, n) + "," + item(c, n) + "]}";
        NrasEvidenceRequest req = NrasEvidenceRequest.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, req.evidence().size());
        List<GpuDeviceResult> results = GpuEvidenceVerifier.builder().build().verifyAll(req.evidence(), req.nonce(),
                new StaticRimSource(rims(a)), OcspSource.none(), OcspMode.OFF, CTX);
        assertTrue(results.stream().allMatch(GpuDeviceResult::passed));
    }

    @Test
    void malformedRequests() {
        String[][] table = {
            {"[]", "request"},
            {"{\"nonce\":\"zz\",\"arch\":\"HOPPER\",\"evidence_list\":[{}]}", "request.nonce"},
            {"{\"nonce\":\"00\",\"arch\":\"AMPERE\",\"evidence_list\":[{}]}", "request.arch"},
            {"{\"nonce\":\"00\",\"arch\":\"HOPPER\",\"evidence_list\":[]}", "request.evidence_list"},
            {"{\"nonce\":\"00\",\"arch\":\"HOPPER\",\"evidence_list\":[{\"evidence\":\"AA==\"}]}",
                "request.evidence_list[0].certificate"},
            {"{\"nonce\":\"00\",\"arch\":\"HOPPER\",\"evidence_list\":[],\"typo\":1}", "request.typo"},
        };
        for (String[] row : table) {
            VerificationException e = assertThrows(VerificationException.class,
                    () -> NrasEvidenceRequest.parse(row[0].getBytes(StandardCharsets.UTF_8)), row[0]);
            assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
            assertEquals(row[1], e.field(), row[0]);
        }
    }
}

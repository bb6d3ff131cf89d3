package org.openanolis.attestation.sdk.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.attest.CpuEvidence;
import org.openanolis.attestation.verifier.attest.EvidenceVerifiers;
import org.openanolis.attestation.verifier.attest.GpuEvidence;

/**
 * Stand-in evidence engines for the real service (the idea of the verifier's EchoVerifiers):
 * CPU "evidence" is the 64 bytes of report data, followed by one byte 1 for a debug TD; GPU
 * "evidence" starts with the 32-byte SPDM nonce. What these tests exercise is the service, the
 * SDK and the gateway, not the TEE engines, which replace these once they land.
 */
public final class StandInEngines implements EvidenceVerifiers {
    @Override
    public VerifiedEvidence verifyCpu(CpuEvidence e, VerificationContext ctx) throws VerificationException {
        byte[] ev = e.evidence();
        if (ev.length != 64 && ev.length != 65) {
            throw VerificationException.malformed("quote", ev.length, "stand-in quotes are 64 or 65 bytes");
        }
        // The claims the default policy reads, as the real TDX engine names them.
        return new VerifiedEvidence(e.tee(), "UpToDate", List.of(), Map.of("tee", e.tee(),
                "report_data", Hex.encode(Arrays.copyOf(ev, 64)), "debug", ev.length == 65 && ev[64] == 1,
                "tcb_status", "UpToDate", "qe_status", "UpToDate", "module_status", "UpToDate"));
    }

    @Override
    public VerifiedEvidence verifyGpu(GpuEvidence g, byte[] nonce, VerificationContext ctx) throws VerificationException {
        byte[] report = g.report();
        if (report.length < 32 || !Arrays.equals(Arrays.copyOf(report, 32), nonce)) {
            throw new VerificationException(ReasonCode.BINDING_MISMATCH, "gpu.nonce", "SPDM nonce differs");
        }
        return new VerifiedEvidence(g.tee(), null, List.of(), Map.of("tee", g.tee(), "measurement_result", "success",
                "ocsp", Map.of("device_chain", Map.of("mode", "off", "status", "not_checked"))));
    }
}

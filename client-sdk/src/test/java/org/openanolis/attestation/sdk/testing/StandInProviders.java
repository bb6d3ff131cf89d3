package org.openanolis.attestation.sdk.testing;

import java.util.Arrays;
import org.openanolis.attestation.sdk.CpuEvidenceProvider;
import org.openanolis.attestation.sdk.GpuEvidence;
import org.openanolis.attestation.sdk.GpuEvidenceProvider;

/** Evidence providers of a simulated TDX host with GPUs, shaped for {@link StandInEngines}. */
public final class StandInProviders {
    private StandInProviders() {}

    /** A TD whose "quote" is its report data; {@code debug} appends the debug flag byte. */
    public static CpuEvidenceProvider tdx(boolean debug) {
        return new CpuEvidenceProvider() {
            @Override
            public String tee() {
                return "tdx";
            }

            @Override
            public byte[] evidence(byte[] reportData) {
                if (reportData.length != 64) {
                    throw new IllegalArgumentException("report data must be 64 bytes");
                }
                byte[] q = Arrays.copyOf(reportData, debug ? 65 : 64);
                if (debug) {
                    q[64] = 1;
                }
                return q;
            }
        };
    }

    /** GPU {@code index}: its "SPDM evidence" is the nonce followed by its index. */
    public static GpuEvidenceProvider gpu(int index) {
        return nonce -> {
            byte[] r = Arrays.copyOf(nonce, 40);
            r[39] = (byte) index;
            return new GpuEvidence("nvgpu", r, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        };
    }
}

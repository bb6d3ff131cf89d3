package org.openanolis.attestation.verifier.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.spdm.MeasurementBlock;
import org.openanolis.attestation.parsers.spdm.OpaqueData;
import org.openanolis.attestation.parsers.spdm.SpdmAttestationReport;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.gpu.SpdmReportBuilder;

/** What the simulator builds, the parser reads back unchanged. */
class SpdmRoundTripProperties {
    @Provide
    Arbitrary<String> vbios() {
        return Arbitraries.bytes().array(byte[].class).ofSize(5)
                .map(b -> String.format("%02X.%02X.%02X.%02X.%02X", b[0], b[1], b[2], b[3], b[4]));
    }

    @Property(tries = 200)
    void vbiosVersionRoundTrips(@ForAll("vbios") String version) throws VerificationException {
        byte[] report = new SpdmReportBuilder().opaque(6, SimulatedNvidiaDevice.gpuVbiosBytes(version))
                .block(1, new byte[48]).unsignedReport();
        byte[] signed = java.util.Arrays.copyOf(report, report.length + 96);
        OpaqueData od = SpdmAttestationReport.parse(signed, 96).opaqueData();
        assertEquals(version, od.gpuVbiosVersion().orElseThrow());
    }

    @Property(tries = 100)
    void blocksAndOpaqueRoundTrip(@ForAll @Size(min = 1, max = 64) List<@Size(min = 1, max = 64) byte[]> values,
                                  @ForAll @IntRange(min = 1, max = 19) int opaqueType,
                                  @ForAll @Size(max = 100) byte[] opaqueValue) throws VerificationException {
        SpdmReportBuilder b = new SpdmReportBuilder();
        for (int i = 0; i < values.size(); i++) {
            b.block(i + 1, values.get(i));
        }
        b.opaque(opaqueType, opaqueValue);
        byte[] unsigned = b.unsignedReport();
        SpdmAttestationReport r = SpdmAttestationReport.parse(java.util.Arrays.copyOf(unsigned, unsigned.length + 96), 96);
        List<MeasurementBlock> blocks = r.response().blocks();
        assertEquals(values.size(), blocks.size());
        for (int i = 0; i < values.size(); i++) {
            assertEquals(i + 1, blocks.get(i).index());
            assertArrayEquals(values.get(i), blocks.get(i).value());
        }
        assertArrayEquals(opaqueValue, r.opaqueData().get(opaqueType).orElseThrow());
        assertArrayEquals(unsigned, r.signedBytes());
    }
}

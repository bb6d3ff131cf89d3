package org.openanolis.attestation.verifier.snp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.parsers.snp.SnpReport;
import org.openanolis.attestation.parsers.snp.SnpTcbVersion;
import org.openanolis.attestation.simulator.snp.SimulatedTcb;
import org.openanolis.attestation.simulator.snp.SnpReportBuilder;

/**
 * The simulator's report writer and the verifier's parser are written independently; every field
 * written must come back unchanged, for every product and version, and TCBs must decode to the
 * SPLs they were encoded from in the product's layout.
 */
class SnpReportRoundTripPropertyTest {
    record Fields(AmdProduct product, int version, SimulatedTcb tcb, byte[] reportData, byte[] measurement,
                  long guestSvn, long platformInfo, int policyLow) {
        boolean vlek() {
            return (guestSvn & 1) != 0;
        }
    }

    @Provide
    Arbitrary<Fields> fields() {
        Arbitrary<SimulatedTcb> tcb = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255))
                .as(SimulatedTcb::new);
        return Combinators.combine(Arbitraries.of(AmdProduct.class), Arbitraries.of(2, 3, 5), tcb,
                Arbitraries.bytes().array(byte[].class).ofSize(64), Arbitraries.bytes().array(byte[].class).ofSize(48),
                Arbitraries.longs().between(0, 0xffffffffL), Arbitraries.longs(),
                Arbitraries.integers().between(0, 0xffff))
                .as(Fields::new);
    }

    @Property(tries = 200)
    void writtenFieldsParseBack(@ForAll("fields") Fields f) throws Exception {
        byte[] raw = SnpReportBuilder.forProduct(f.product()).version(f.version()).tcb(f.tcb())
                .reportData(f.reportData()).measurement(f.measurement()).guestSvn(f.guestSvn())
                .platformInfo(f.platformInfo()).policy(0x30000L | f.policyLow()).signedByVlek(f.vlek())
                .launchMitVector(7).unsigned();
        SnpReport r = SnpReport.parse(raw);
        assertEquals(f.version(), r.version());
        assertEquals(Hex.encode(f.reportData()), r.reportDataHex());
        assertEquals(Hex.encode(f.measurement()), r.measurementHex());
        assertEquals(f.guestSvn(), r.guestSvn());
        assertEquals(f.platformInfo(), r.platformInfo().raw());
        assertEquals(0x30000L | f.policyLow(), r.policy().raw());
        assertEquals(f.vlek() ? "vlek" : "vcek", r.signingKey().claim());
        assertEquals(f.version() >= 3, r.cpuid().isPresent());
        assertEquals(f.version() >= 5, r.launchMitVector().isPresent());
        SnpTcbVersion t = SnpTcbVersion.decode(r.reportedTcb(), f.product());
        assertEquals(f.tcb().bootloader(), t.bootloader());
        assertEquals(f.tcb().tee(), t.tee());
        assertEquals(f.tcb().snp(), t.snp());
        assertEquals(f.tcb().microcode(), t.microcode());
        if (f.product() == AmdProduct.TURIN) {
            assertEquals(f.tcb().fmc(), t.fmc().orElseThrow());
        }
        assertEquals(0L, t.reservedBits());
        assertEquals(f.tcb().encode(f.product()), SnpTcbVersion.encode(f.product(), f.tcb().fmc(),
                f.tcb().bootloader(), f.tcb().tee(), f.tcb().snp(), f.tcb().microcode()));
    }
}

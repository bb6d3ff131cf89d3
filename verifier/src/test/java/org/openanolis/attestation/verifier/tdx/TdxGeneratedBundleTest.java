package org.openanolis.attestation.verifier.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.verifier.ConformanceHarness;
import org.openanolis.attestation.verifier.VerificationResult;
import org.openanolis.attestation.verifier.cli.Main;
import org.openanolis.attestation.simulator.tdx.IntelTestPki;
import org.openanolis.attestation.simulator.tdx.SimulatedIntelPlatform;
import org.openanolis.attestation.simulator.tdx.TcbInfoDocument;

/**
 * Attestation bundles written from the simulator, with their own trust-anchor directory named by
 * {@code expected.json}'s {@code trust_anchors}: the path a test-PKI conformance vector takes, through
 * {@link ConformanceHarness} and through the CLI's {@code --trust-anchors}.
 */
class TdxGeneratedBundleTest {
    static final Instant AT = Instant.parse("2026-01-15T00:00:00Z");
    static final Instant ISSUE = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NEXT = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir
    Path tmp;

    private static Path writeBundle(Path dir, IntelTestPki pki, byte[] quote, Map<String, byte[]> collateral,
                                    String expectedJson) throws Exception {
        Files.createDirectories(dir.resolve("anchors/intel"));
        Files.write(dir.resolve("anchors/intel/Intel_SGX_Provisioning_Certification_RootCA.pem"),
                IntelTestPki.pem(pki.root().certificate()));
        Files.write(dir.resolve("quote.bin"), quote);
        StringBuilder col = new StringBuilder();
        for (Map.Entry<String, byte[]> e : collateral.entrySet()) {
            String file = e.getKey() + (e.getKey().endsWith("crl") ? ".der" : e.getKey().endsWith("chain") ? ".pem" : ".json");
            Files.write(dir.resolve(file), e.getValue());
            col.append(col.length() == 0 ? "" : ",").append("\"").append(e.getKey()).append("\":\"").append(file).append("\"");
        }
        Files.writeString(dir.resolve("manifest.json"), "{\"format\":\"attestation-bundle/v1\",\"tee\":\"tdx\","
                + "\"verify_at\":\"" + AT + "\",\"evidence\":{\"quote\":\"quote.bin\"},\"collateral\":{" + col + "}}");
        Files.writeString(dir.resolve("expected.json"), expectedJson);
        return dir;
    }

    @Test
    void generatedBundlesThroughTheHarnessAndTheCli() throws Exception {
        IntelTestPki pki = IntelTestPki.create(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
        SimulatedIntelPlatform host = SimulatedIntelPlatform.tdx(pki, "aabbcc000000");
        int[] tdx = {5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] svn = new byte[16];
        svn[0] = 5;
        svn[2] = 7;
        byte[] quote = host.quote().teeTcbSvn(svn).trailingZeros(70).build();

        TcbInfoDocument swHardening = new TcbInfoDocument(true, host.fmspcHex(), ISSUE, NEXT).level(
                new TcbInfoDocument.Level(SimulatedIntelPlatform.DEFAULT_SGX_TCB, SimulatedIntelPlatform.DEFAULT_PCESVN,
                        tdx, ISSUE, "SWHardeningNeeded", List.of("INTEL-SA-00615")));
        Path pass = writeBundle(tmp.resolve("pass"), pki, quote,
                host.collateral(swHardening, host.qeIdentity(ISSUE, NEXT), ISSUE, NEXT, List.of()),
                "{\"verdict\":\"pass\",\"tcb_status\":\"SWHardeningNeeded\",\"advisory_ids\":[\"INTEL-SA-00615\"],"
                        + "\"reason\":null,\"trust_anchors\":\"anchors\"}");
        VerificationResult r = ConformanceHarness.check(pass);
        assertEquals("SWHardeningNeeded", r.tcbStatus());

        Path revoked = writeBundle(tmp.resolve("revoked"), pki, quote,
                host.collateral(host.tcbInfo(ISSUE, NEXT, tdx), host.qeIdentity(ISSUE, NEXT), ISSUE, NEXT,
                        List.of(host.pck().certificate().getSerialNumber())),
                "{\"verdict\":\"fail\",\"tcb_status\":null,\"advisory_ids\":[],\"reason\":\"CERT_REVOKED\","
                        + "\"trust_anchors\":\"anchors\"}");
        ConformanceHarness.check(revoked);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_PASS, Main.run(new String[] {"verify", pass.toString(), "--trust-anchors",
                pass.resolve("anchors").toString()}, ps, err, Clock.systemUTC()));
        assertEquals(Main.EXIT_FAIL, Main.run(new String[] {"verify", revoked.toString(), "--trust-anchors",
                revoked.resolve("anchors").toString()}, ps, err, Clock.systemUTC()));
        // Without the test root, the built-in Intel root rejects the test PKI's collateral.
        assertEquals(Main.EXIT_FAIL, Main.run(new String[] {"verify", pass.toString()}, ps, err, Clock.systemUTC()));
    }
}

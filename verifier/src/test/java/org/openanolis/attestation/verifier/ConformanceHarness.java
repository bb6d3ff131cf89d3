package org.openanolis.attestation.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;

/**
 * Runs every bundle of a {@code shared/testdata} folder through {@link BundleVerifier} and compares
 * with its {@code expected.json}: verdict exactly; on fail the reason (or one of
 * {@code acceptable_reasons}); on pass {@code tcb_status} and the set of {@code advisory_ids}.
 * Fails, never skips, when the folder is missing or empty.
 */
public final class ConformanceHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConformanceHarness() {}

    /** One dynamic test per bundle directory under {@code testdata/<folder>}. */
    public static Stream<DynamicTest> bundlesUnder(String folder) throws IOException {
        Path root = SharedData.testdata().resolve(folder);
        assertTrue(Files.isDirectory(root), "missing test data folder " + root);
        List<Path> sets = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isRegularFile(p.resolve("expected.json"))).sorted().forEach(sets::add);
        }
        assertFalse(sets.isEmpty(), "no bundles under " + root);
        return sets.stream().map(dir -> DynamicTest.dynamicTest(folder + "/" + dir.getFileName(), () -> check(dir)));
    }

    /** Verifies one bundle and asserts its expected.json. */
    public static VerificationResult check(Path dir) throws Exception {
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        TrustAnchors anchors = TrustAnchors.builtIn();
        JsonNode ta = expected.get("trust_anchors");
        if (ta != null && !ta.isNull()) {
            anchors = TrustAnchors.fromDirectory(dir.resolve(ta.asText()));
        }
        AttestationBundle bundle = AttestationBundle.read(dir);
        VerificationResult r = new BundleVerifier(anchors)
                .verify(bundle, Optional.empty(), Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC));
        String name = dir.getFileName().toString();
        String verdict = expected.get("verdict").asText();
        assertEquals(verdict, r.pass() ? "pass" : "fail", name + ": verdict; details " + r.details());
        if (r.pass()) {
            JsonNode tcb = expected.get("tcb_status");
            assertEquals(tcb == null || tcb.isNull() ? null : tcb.asText(), r.tcbStatus(), name + ": tcb_status");
            Set<String> adv = new HashSet<>();
            JsonNode a = expected.get("advisory_ids");
            if (a != null) {
                a.forEach(n -> adv.add(n.asText()));
            }
            assertEquals(adv, new HashSet<>(r.advisoryIds()), name + ": advisory_ids");
            assertNull(r.reason());
        } else {
            Set<String> ok = new HashSet<>();
            ok.add(expected.get("reason").asText());
            JsonNode acc = expected.get("acceptable_reasons");
            if (acc != null) {
                acc.forEach(n -> ok.add(n.asText()));
            }
            assertTrue(ok.contains(r.reason().name()),
                    name + ": reason " + r.reason() + " not in " + ok + "; details " + r.details());
        }
        return r;
    }
}

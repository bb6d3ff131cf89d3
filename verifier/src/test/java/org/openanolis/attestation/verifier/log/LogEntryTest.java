package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Hex;

class LogEntryTest {

    @Test
    void roundTripsThroughDeterministicCbor() throws Exception {
        LogEntry entry = LogEntries.sample(5);
        byte[] encoded = entry.encode();
        LogEntry decoded = LogEntry.decode(encoded);
        assertEquals(entry, decoded);
        assertArrayEquals(encoded, decoded.encode());
    }

    /** RFC 8949 Appendix A examples that the core deterministic encoding must reproduce. */
    @Test
    void encodesRfc8949ExamplesInShortestForm() {
        assertEquals("00", Hex.encode(DeterministicCbor.encode(0L)));
        assertEquals("17", Hex.encode(DeterministicCbor.encode(23L)));
        assertEquals("1818", Hex.encode(DeterministicCbor.encode(24L)));
        assertEquals("1903e8", Hex.encode(DeterministicCbor.encode(1000L)));
        assertEquals("1a000f4240", Hex.encode(DeterministicCbor.encode(1000000L)));
        assertEquals("1b000000e8d4a51000", Hex.encode(DeterministicCbor.encode(1000000000000L)));
        assertEquals("20", Hex.encode(DeterministicCbor.encode(-1L)));
        assertEquals("3903e7", Hex.encode(DeterministicCbor.encode(-1000L)));
        assertEquals("6449455446", Hex.encode(DeterministicCbor.encode("IETF")));
        assertEquals("f6", Hex.encode(DeterministicCbor.encode(null)));
        assertEquals("83010203", Hex.encode(DeterministicCbor.encode(List.of(1L, 2L, 3L))));
        // Keys sorted by encoded bytes: "a" (61 61) < "b" (61 62) < "aa" (62 61 61).
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aa", 3L);
        m.put("b", 2L);
        m.put("a", 1L);
        assertEquals("a3616101616202626161" + "03", Hex.encode(DeterministicCbor.encode(m)));
    }

    /** The key order equals the bytewise order of each key's own deterministic encoding, across head sizes. */
    @Property(tries = 100)
    void mapKeysFollowTheOrderOfTheirEncodings(@ForAll @Size(min = 2, max = 12)
            java.util.Set<@StringLength(min = 0, max = 300) String> keys) throws Exception {
        Map<String, Object> m = new HashMap<>();
        keys.forEach(k -> m.put(k, 0L));
        @SuppressWarnings("unchecked")
        List<String> decodedOrder = new ArrayList<>(((Map<String, Object>) DeterministicCbor.decode(
                DeterministicCbor.encode(m), "m")).keySet());
        List<String> expected = new ArrayList<>(keys);
        expected.sort((a, b) -> java.util.Arrays.compareUnsigned(DeterministicCbor.encode(a), DeterministicCbor.encode(b)));
        assertEquals(expected, decodedOrder);
    }

    @Test
    void sameEntryGivesSameBytesWhateverTheMapInsertionOrder() {
        Map<String, Object> forward = new LinkedHashMap<>();
        Map<String, Object> backward = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(List.of("zeta", "alpha", "mid", "a", "longer_key_name", "b"));
        for (String k : keys) {
            forward.put(k, Map.of("x", 1L, "y", List.of(k)));
        }
        Collections.reverse(keys);
        for (String k : keys) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("y", List.of(k));
            inner.put("x", 1L);
            backward.put(k, inner);
        }
        LogEntry a = withExplanation(forward, List.of("set-b", "set-a"));
        LogEntry b = withExplanation(backward, List.of("set-a", "set-b"));
        assertEquals(a, b);
        assertArrayEquals(a.encode(), b.encode());
    }

    @Property(tries = 60)
    void explanationsRoundTripAndEncodeIndependentlyOfOrder(
            @ForAll @Size(max = 8) Map<@StringLength(min = 1, max = 30) String, @IntRange(min = -100000, max = 100000) Integer> values)
            throws Exception {
        Map<String, Object> ordered = new LinkedHashMap<>(values);
        Map<String, Object> hashed = new HashMap<>(values);
        LogEntry a = withExplanation(ordered, List.of("s"));
        LogEntry b = withExplanation(hashed, List.of("s"));
        assertArrayEquals(a.encode(), b.encode());
        assertEquals(a, LogEntry.decode(a.encode()));
    }

    @Test
    void rejectsNonDeterministicEncodingsOfTheSameValue() {
        byte[] good = LogEntries.sample(1).encode();
        // A version 2 entry map has 9 keys: head a9. A non-shortest length (b8 09) spells the same value.
        assertEquals((byte) 0xa9, good[0]);
        byte[] longHead = new byte[good.length + 1];
        longHead[0] = (byte) 0xb8;
        longHead[1] = 0x09;
        System.arraycopy(good, 1, longHead, 2, good.length - 1);
        assertThrows(LogFormatException.class, () -> LogEntry.decode(longHead));
        // Indefinite-length map (bf ... ff).
        byte[] indefinite = new byte[good.length + 1];
        indefinite[0] = (byte) 0xbf;
        System.arraycopy(good, 1, indefinite, 1, good.length - 1);
        indefinite[good.length] = (byte) 0xff;
        assertThrows(LogFormatException.class, () -> LogEntry.decode(indefinite));
    }

    @Test
    void rejectsKeysOutOfOrderAndTrailingBytes() {
        // {"b":1,"a":2} is valid CBOR but not deterministic.
        byte[] unsorted = Hex.decode("a2616201616102");
        LogFormatException e = assertThrows(LogFormatException.class, () -> DeterministicCbor.decode(unsorted, "x"));
        assertEquals("x", e.field());
        assertThrows(LogFormatException.class, () -> DeterministicCbor.decode(Hex.decode("0000"), "x"));
        assertThrows(LogFormatException.class, () -> DeterministicCbor.decode(Hex.decode("fa3f800000"), "x"));
    }

    @Test
    void rejectsUnknownAndMissingKeys() {
        Map<String, Object> m = new LinkedHashMap<>(asMap(LogEntries.sample(2).encode()));
        m.put("extra", 1L);
        LogFormatException extra = assertThrows(LogFormatException.class, () -> LogEntry.decode(DeterministicCbor.encode(m)));
        assertEquals("entry", extra.field());
        m.remove("extra");
        m.put("v", 3L);
        LogFormatException version = assertThrows(LogFormatException.class, () -> LogEntry.decode(DeterministicCbor.encode(m)));
        assertEquals("entry.v", version.field());
    }

    @Test
    void builderRefusesIncompleteEntriesAndFloats() {
        assertThrows(IllegalArgumentException.class, () -> LogEntry.builder()
                .addEvidence(new EvidenceItem("cpu", "tdx", "quote", new byte[1])).build());
        assertThrows(IllegalArgumentException.class, () -> new AppraisalOutcome(EarStatus.AFFIRMING, null,
                Map.of("ratio", 0.5)));
    }

    @Test
    void evidenceBytesAreNotShared() {
        byte[] raw = "quote".getBytes(StandardCharsets.UTF_8);
        EvidenceItem item = new EvidenceItem("cpu", "tdx", "quote", raw);
        raw[0] = 'X';
        item.bytes()[1] = 'X';
        assertArrayEquals("quote".getBytes(StandardCharsets.UTF_8), item.bytes());
    }

    @Test
    void version1EntriesStillDecodeAndKeepTheirBytes() throws Exception {
        byte[] v1 = LogEntries.version1Bytes(4);
        LogEntry e = LogEntry.decode(v1);
        assertEquals(LogEntry.FORMAT_VERSION_1, e.formatVersion());
        assertArrayEquals(v1, e.encode(), "a version 1 entry re-encodes to its own bytes (its leaf hash)");
        assertEquals(List.of(new AppliedPolicy("cpu", new PolicyReference("default", 3,
                Sha256Digest.digest("policy-v3".getBytes(StandardCharsets.UTF_8))), null, List.of())), e.policies());
        assertEquals(Map.of("measurements", "2025-06"), e.referenceValueVersions());
        assertEquals(e.collateral(), e.blobs());
        // Version 1 layout under v 2, or version 2 layout under v 1: refused.
        Map<String, Object> m = new LinkedHashMap<>(asMap(v1));
        m.put("v", 2L);
        assertThrows(LogFormatException.class, () -> LogEntry.decode(DeterministicCbor.encode(m)));
        Map<String, Object> m2 = new LinkedHashMap<>(asMap(LogEntries.sample(4).encode()));
        m2.put("v", 1L);
        assertThrows(LogFormatException.class, () -> LogEntry.decode(DeterministicCbor.encode(m2)));
    }

    @Test
    void version2RecordsEachDevicesPolicyAndItsDocumentsAsBlobs() throws Exception {
        LogEntry e = LogEntries.withDocuments(5);
        byte[] encoded = e.encode();
        assertEquals(e, LogEntry.decode(encoded));
        assertArrayEquals(encoded, LogEntry.decode(encoded).encode());
        assertEquals(2, e.policies().size());
        assertEquals("gpu0", e.policies().get(1).submodule());
        List<String> kinds = new ArrayList<>();
        e.blobs().forEach(r -> kinds.add(r.submodule() + "/" + r.kind()));
        assertEquals(List.of("cpu/tcb_info", "cpu/qe_identity", "gpu0/driver_rim", "gpu0/vbios_rim", "cpu/policy",
                "cpu/reference_set/fleet_values"), kinds, "the GPU policy has no recorded document");
        assertEquals(Sha256Digest.digest(LogEntries.policyDocument(5)), e.blobs().get(4).sha256());
    }

    /** One field of a version 2 policy record changed at a time: each is refused with a reason. */
    @Test
    void version2PolicyRecordsAreValidated() {
        Map<String, Object> good = asMap(LogEntries.withDocuments(5).encode());
        List<java.util.function.Consumer<Map<String, Object>>> breakages = List.of(
                p -> p.put("format", "xml"),
                p -> p.put("format", 1L),
                p -> p.put("version", -1L),
                p -> p.put("sha256", new byte[31]),
                p -> p.remove("reference_values"),
                p -> p.put("extra", 1L),
                p -> refSet(p).put("state", "revoked"),
                p -> refSet(p).put("sha256", null), // used, yet no digest
                p -> refSet(p).put("format", "toml"),
                p -> {
                    refSet(p).put("state", "missing"); // missing, yet a digest
                });
        for (var breakage : breakages) {
            Map<String, Object> m = deepCopy(good);
            @SuppressWarnings("unchecked")
            Map<String, Object> cpu = (Map<String, Object>) ((List<Object>) m.get("policies")).get(0);
            breakage.accept(cpu);
            assertThrows(LogFormatException.class, () -> LogEntry.decode(DeterministicCbor.encode(m)), m::toString);
        }
        // The same submodule twice, and reference_values at the top of a version 2 entry.
        Map<String, Object> twice = deepCopy(good);
        @SuppressWarnings("unchecked")
        List<Object> ps = (List<Object>) twice.get("policies");
        ps.set(1, ps.get(0));
        assertThrows(LogFormatException.class, () -> LogEntry.decode(DeterministicCbor.encode(twice)));
        Map<String, Object> top = deepCopy(good);
        top.put("reference_values", Map.of());
        assertThrows(LogFormatException.class, () -> LogEntry.decode(DeterministicCbor.encode(top)));
        assertThrows(IllegalArgumentException.class, () -> LogEntry.builder().referenceValueVersion("s", "1")
                .addEvidence(new EvidenceItem("cpu", "tdx", "quote", new byte[1])).verifierVersion("v")
                .instant(Instant.EPOCH).outcome(new AppraisalOutcome(EarStatus.AFFIRMING, null, Map.of()))
                .jti("j").nonce(new byte[1]).build());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> refSet(Map<String, Object> policy) {
        return (Map<String, Object>) ((List<Object>) policy.get("reference_values")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, deepCopy(v)));
            return (T) out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(deepCopy(v)));
            return (T) out;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(byte[] cbor) {
        try {
            return (Map<String, Object>) DeterministicCbor.decode(cbor, "entry");
        } catch (LogFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static LogEntry withExplanation(Map<String, Object> explanation, List<String> referenceSets) {
        // Version 1: reference-set versions were a map by name, whose order must not matter.
        LogEntry.Builder b = LogEntry.builder().formatVersion(LogEntry.FORMAT_VERSION_1)
                .addEvidence(new EvidenceItem("cpu", "snp", "report", new byte[] {1, 2, 3}))
                .policy(new PolicyReference("p", 1, Sha256Digest.digest(new byte[0])))
                .verifierVersion("0.1.0")
                .instant(Instant.parse("2025-01-02T03:04:05.123456789Z"))
                .outcome(new AppraisalOutcome(EarStatus.WARNING, null, explanation))
                .jti("j")
                .nonce(new byte[32]);
        for (String s : referenceSets) {
            b.referenceValueVersion(s, "v-" + s);
        }
        return b.build();
    }
}

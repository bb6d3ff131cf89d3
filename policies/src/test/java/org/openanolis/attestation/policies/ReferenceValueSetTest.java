package org.openanolis.attestation.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceValueSetTest {
    private static ReferenceValueSet parse(String yaml) throws PolicyException {
        return ReferenceValueSet.parse(yaml.getBytes(StandardCharsets.UTF_8), DocumentFormat.YAML);
    }

    @Test
    void parsesValuesProvenanceAndValidity() throws Exception {
        ReferenceValueSet s = parse("""
                name: gpu_drivers
                provenance: {source: nvidia, build: 17}
                valid_from: 2026-01-01T00:00:00Z
                valid_until: 2026-07-01T00:00:00Z
                values:
                  driver_version: ["550.54.15", "550.90.07"]
                  min_svn: 3
                  strict: true
                """);
        assertEquals(List.of("550.54.15", "550.90.07"), s.values().get("driver_version"));
        assertEquals(3L, s.values().get("min_svn"));
        assertEquals("17", s.provenance().get("build"));
        assertTrue(s.isValidAt(Instant.parse("2026-03-01T00:00:00Z")));
        assertFalse(s.isValidAt(Instant.parse("2026-07-01T00:00:00Z")));
        assertFalse(s.isValidAt(Instant.parse("2025-12-31T23:59:59Z")));
    }

    @Test
    void rejectsUnknownKeysUpperCaseHexAndBadNames() {
        record Case(String yaml, PolicyException.Code code, String field) {}
        List<Case> cases = List.of(
                new Case("name: a\nvalues: {}\nvalid: 1", PolicyException.Code.UNKNOWN_KEY, "valid"),
                new Case("name: a\nvalues: {mr_td: ['" + "AB".repeat(48) + "']}", PolicyException.Code.INVALID_VALUE, "values.mr_td[0]"),
                new Case("name: Bad-Name\nvalues: {}", PolicyException.Code.INVALID_VALUE, "name"),
                new Case("name: a\nvalues: {mr-td: x}", PolicyException.Code.INVALID_VALUE, "values.mr-td"),
                new Case("name: a\nvalues: {x: {nested: 1}}", PolicyException.Code.INVALID_VALUE, "values.x"),
                new Case("name: a", PolicyException.Code.MISSING_KEY, "values"),
                new Case("name: a\nvalues: {}\nvalid_from: yesterday", PolicyException.Code.INVALID_VALUE, "valid_from"),
                new Case("name: a\nvalues: {}\nrevoked: [{key: x, value: y, revoked_at: 2026-01-01T00:00:00Z, revoked_by: z, why: q}]",
                        PolicyException.Code.UNKNOWN_KEY, "revoked[0].why"));
        for (Case c : cases) {
            PolicyException e = assertThrows(PolicyException.class, () -> parse(c.yaml()), c.yaml());
            assertEquals(c.code(), e.code(), c.yaml());
            assertEquals(c.field(), e.field(), c.yaml());
        }
    }

    @Test
    void revocationMovesTheValueAndRoundTrips() throws Exception {
        ReferenceValueSet s = parse("name: imgs\nvalues: {mr_td: [aa, bb], svn: 4}\n");
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        ReferenceValueSet r = s.revoke("mr_td", "aa", "leaked key", at, "alice").revoke("svn", 4, null, at, "bob");
        assertEquals(List.of("bb"), r.values().get("mr_td"));
        assertFalse(r.values().containsKey("svn"));
        assertEquals(2, r.revoked().size());
        byte[] json = new ObjectMapper().writeValueAsBytes(r.toDocument());
        ReferenceValueSet back = ReferenceValueSet.parse(json, DocumentFormat.JSON);
        assertEquals(r, back);
        assertEquals(PolicyException.Code.NOT_FOUND,
                assertThrows(PolicyException.class, () -> r.revoke("mr_td", "zz", null, at, "x")).code());
        assertEquals(Map.of("mr_td", List.of("aa", "bb"), "svn", 4L), s.values());
    }
}

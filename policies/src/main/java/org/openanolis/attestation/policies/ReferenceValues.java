package org.openanolis.attestation.policies;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference values one appraisal sees: the CEL variable {@code reference} (set name to the
 * set's values, revoked and out-of-validity sets left out) and the record of which versions those were.
 */
public record ReferenceValues(Map<String, Object> sets, List<ReferenceSetUse> uses) {
    /** No reference values at all. */
    public static final ReferenceValues NONE = new ReferenceValues(Map.of(), List.of());

    public ReferenceValues {
        sets = Collections.unmodifiableMap(new LinkedHashMap<>(sets));
        uses = List.copyOf(uses);
    }
}

package org.openanolis.attestation.policies;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AR4SI trustworthiness vector: one claim value per {@link TrustComponent}, 0 ("no claim")
 * where no rule decided the component. Immutable.
 */
public final class TrustVector {
    private final EnumMap<TrustComponent, Integer> values;

    private TrustVector(EnumMap<TrustComponent, Integer> values) {
        this.values = values;
    }

    /** A vector with the given claims; components not in {@code claims} are 0. */
    public static TrustVector of(Map<TrustComponent, Integer> claims) {
        EnumMap<TrustComponent, Integer> v = new EnumMap<>(TrustComponent.class);
        for (TrustComponent c : TrustComponent.values()) {
            int value = claims.getOrDefault(c, 0);
            EarStatus.tierOf(value); // range check
            v.put(c, value);
        }
        return new TrustVector(v);
    }

    /** The claim value of {@code component}. */
    public int get(TrustComponent component) {
        return values.get(component);
    }

    /** The EAR status the vector implies: the most severe tier of its components. */
    public EarStatus status() {
        EarStatus s = EarStatus.NONE;
        for (int v : values.values()) {
            s = s.worst(EarStatus.tierOf(v));
        }
        return s;
    }

    /** The vector as {@code ear.trustworthiness-vector} (hyphenated names, in AR4SI order). */
    public Map<String, Integer> toEarMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        values.forEach((c, v) -> m.put(c.earName(), v));
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustVector t && t.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return toEarMap().toString();
    }
}

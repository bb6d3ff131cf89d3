package org.openanolis.attestation.verifier.attest;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.openanolis.attestation.verifier.IdentityDigests;
import org.openanolis.attestation.certs.Hex;

/**
 * The collateral the engines actually used for one request, per device, for the verification
 * log. A side channel: {@link AttestationService} makes one per request and runs each device's
 * verification inside {@link #run}; the collateral sources of {@link EngineEvidenceVerifiers} call
 * {@link #note} on the request's thread whenever they hand collateral to an engine. Outside a
 * {@code run} (the offline CLI, the benchmarks) {@link #note} does nothing.
 */
public final class CollateralUsage {
    private static final ThreadLocal<CollateralUsage> CURRENT = new ThreadLocal<>();

    /**
     * One piece of collateral handed to an engine.
     *
     * @param device {@code cpu}, {@code gpu0}, ...
     * @param kind the bundle-format collateral key ({@code tcb_info}, {@code vek}, {@code driver_rim},
     *     ...) or {@code ocsp/<certificate serial hex>}
     */
    public record Used(String device, String kind, byte[] bytes) {
        public Used {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(kind, "kind");
            // Not copied: collateral arrays come from the sources' caches and are never written.
            // Copies are handed out by bytes(); digest() is remembered per array.
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** SHA-256 of the bytes, computed once per distinct array (the caches hand out the same one). */
        public byte[] digest() {
            return IdentityDigests.sha256(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Used u && device.equals(u.device) && kind.equals(u.kind)
                    && (bytes == u.bytes || Arrays.equals(digest(), u.digest()));
        }

        @Override
        public int hashCode() {
            return Objects.hash(device, kind, Arrays.hashCode(digest()));
        }

        @Override
        public String toString() {
            return "Used[" + device + "/" + kind + " sha256=" + Hex.encode(digest()) + "]";
        }
    }

    /** A verification step that may throw. */
    @FunctionalInterface
    public interface Step<T, E extends Exception> {
        T run() throws E;
    }

    /** In order of first use; a set, as an 8-GPU request notes about 80 items. */
    private final java.util.LinkedHashSet<Used> used = new java.util.LinkedHashSet<>();
    private String device;

    /** Runs {@code step} with this usage collecting what the sources hand out for {@code device}. */
    public <T, E extends Exception> T run(String device, Step<T, E> step) throws E {
        CollateralUsage previous = CURRENT.get();
        this.device = device;
        CURRENT.set(this);
        try {
            return step.run();
        } finally {
            this.device = null;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Records that {@code bytes} of {@code kind} went to the engine of the current device, once per kind and content. */
    public static void note(String kind, byte[] bytes) {
        CollateralUsage u = CURRENT.get();
        if (u == null || u.device == null || bytes == null) {
            return;
        }
        Used item = new Used(u.device, kind, bytes);
        synchronized (u) {
            u.used.add(item);
        }
    }

    /** Everything noted so far, in order. */
    public synchronized List<Used> used() {
        return List.copyOf(used);
    }
}

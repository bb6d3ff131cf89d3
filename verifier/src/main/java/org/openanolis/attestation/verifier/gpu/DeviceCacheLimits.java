package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Capacity of the per-device caches of the GPU path (parsed and verified device chains, signer key
 * objects, OCSP answers and their judged facts). Each cache is bounded ({@link #newCache}): past
 * its capacity it evicts single entries (Caffeine's size-based policy, W-TinyLFU: entries used
 * again are kept over one-time newcomers) instead of being emptied, so a service that sees more
 * distinct devices than the capacity between two reboots of its fleet still hits on about
 * capacity devices in the next boot storm, rather than missing on every device. The capacity
 * should still exceed the number of devices of the fleet: the devices beyond it miss.
 *
 * <p>Default {@value #DEFAULT_DEVICES} devices (a 10,000-GPU cluster plus its NVSwitches and
 * headroom); set the system property {@code attestation.gpu.device_cache} to change it (about
 * 70 KB of heap per device at most, measured by {@code BootStorm}; see
 * docs/performance-replicas.md). Caches keyed by exact bytes never change a decision: revocation
 * and validity windows are judged on every use.
 */
public final class DeviceCacheLimits {
    public static final int DEFAULT_DEVICES = 16_384;
    /** Distinct devices the caches are sized for. */
    public static final int DEVICES = Math.max(256, Integer.getInteger("attestation.gpu.device_cache", DEFAULT_DEVICES));

    private DeviceCacheLimits() {}

    /** Capacity of a cache holding about {@code perDevice} entries per device. */
    public static int perDevice(int perDevice) {
        return DEVICES * perDevice;
    }

    /**
     * A cache of at most {@code capacity} entries that evicts single entries when full. Eviction
     * maintenance runs on the calling thread ({@code executor(Runnable::run)}), not on the common
     * ForkJoinPool: no hop to another thread per write, and a single writer finds the size back
     * within bounds when its write returns (concurrent writers leave it to whichever holds the
     * eviction lock; {@code cleanUp()} settles it).
     */
    public static <K, V> Cache<K, V> newCache(long capacity) {
        return Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
    }
}

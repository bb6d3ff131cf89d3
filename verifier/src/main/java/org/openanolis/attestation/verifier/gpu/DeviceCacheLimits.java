package org.openanolis.attestation.verifier.gpu;

/**
 * Capacity of the per-device caches of the GPU path (parsed and verified device chains, signer key
 * objects, OCSP answers and their judged facts). Each cache is emptied when it reaches its
 * capacity, so the capacity must exceed the number of distinct devices a service sees between two
 * reboots of its fleet, or a fleet reboot (a boot storm of known hosts) misses on every device.
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
}

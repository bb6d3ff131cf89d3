package org.openanolis.attestation.policies.store;

import java.time.Instant;

/**
 * One activation change: from {@code changedAt} on, {@code version} is in force ({@code null}:
 * the document is deactivated). Changes are never edited; the highest {@code seq} is current.
 */
public record Activation(int seq, Integer version, String changedBy, Instant changedAt) {}

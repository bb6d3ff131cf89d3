package org.openanolis.attestation.verifier.log;

import java.util.Objects;

/**
 * The appraisal policy a decision was made under.
 *
 * @param id the policy id
 * @param version the policy's version in the policy store
 * @param sha256 the digest of the policy document, so a replay can prove it uses the same text
 */
public record PolicyReference(String id, long version, Sha256Digest sha256) {
    public PolicyReference {
        LogNames.requireName(id, "policy.id");
        if (version < 0) {
            throw new IllegalArgumentException("policy.version must not be negative");
        }
        Objects.requireNonNull(sha256, "policy.sha256");
    }
}

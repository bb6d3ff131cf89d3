package org.openanolis.attestation.verifier.log;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The policy one device (EAR submodule) was appraised with, and the reference-value sets that
 * policy read (format version 2 entries). When {@code format} is set, the policy document's bytes
 * are stored beside the log under {@code policy.sha256()} (like collateral, once per digest), so a
 * replay compiles exactly that document; {@code policy.sha256()} is the hash the policy engine
 * reports in {@code id@version#sha256:hash}.
 *
 * @param submodule the EAR submodule ({@code cpu}, {@code gpu0}, ...)
 * @param policy the policy id, store version (0 for a built-in) and document digest
 * @param format {@code yaml} or {@code json} when the document is stored; null when the appraiser
 *     had no document to record (then a replay can only use a built-in of the same digest)
 * @param referenceSets the reference-value sets the policy declares, in its order
 */
public record AppliedPolicy(String submodule, PolicyReference policy, String format,
                            List<ReferenceSetReference> referenceSets) {
    /** The document formats a policy or reference-set document is recorded in. */
    public static final Set<String> FORMATS = Set.of("yaml", "json");

    public AppliedPolicy {
        LogNames.requireName(submodule, "policies[].submod");
        Objects.requireNonNull(policy, "policies[].policy");
        if (format != null && !FORMATS.contains(format)) {
            throw new IllegalArgumentException("policies[].format must be yaml or json, got " + format);
        }
        referenceSets = List.copyOf(referenceSets);
    }

    /** Whether the policy document is stored beside the log. */
    public boolean documentRecorded() {
        return format != null;
    }
}

package org.openanolis.attestation.policies;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;

/**
 * The default policies shipped as resources ({@code defaults/default-<tee>.yaml} beside this
 * class), one per TEE, used when no policy is configured. They are ordinary policy documents that
 * users can copy, edit and upload (under the same id an active stored version replaces the
 * built-in). They fail closed: debug is contraindicated, a TCB status other than UpToDate is a
 * warning, a GPU measurement mismatch is contraindicated and unappraised GPU measurements are at
 * best a warning. They do not check measurements against reference values: no default can know them.
 */
public final class BuiltInPolicies {
    /** The TEEs with a built-in default, in the order listed by the admin API. */
    public static final java.util.List<String> TEES = java.util.List.of("tdx", "sgx", "snp", "nvgpu", "nvswitch");

    private final Map<String, byte[]> documents = new LinkedHashMap<>();
    private final Map<String, CompiledPolicy> compiled = new LinkedHashMap<>();

    /** Loads and compiles every built-in; a broken built-in is a build defect and fails here. */
    public BuiltInPolicies(PolicyCompiler compiler) {
        for (String tee : TEES) {
            String resource = "defaults/" + defaultId(tee) + ".yaml";
            byte[] bytes;
            try (InputStream in = BuiltInPolicies.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing built-in policy resource " + resource);
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + resource, e);
            }
            try {
                PolicyDocument doc = PolicyDocument.parse(bytes, DocumentFormat.YAML);
                if (!doc.id().equals(defaultId(tee)) || !doc.appliesTo(tee)) {
                    throw new IllegalStateException(resource + " has the wrong id or tees");
                }
                String hash = Hex.encode(Digests.sha256(bytes));
                PolicyIdentity identity = new PolicyIdentity(doc.id(), 0, hash);
                compiled.put(tee, compiler.compile(doc, identity, new DocumentSource(DocumentFormat.YAML, hash, bytes)));
            } catch (PolicyException e) {
                throw new IllegalStateException("built-in policy " + resource + " is invalid: " + e.getMessage()
                        + " " + e.issues(), e);
            }
            documents.put(tee, bytes);
        }
    }

    /** The id of the default policy for {@code tee}: {@code default-<tee>}. */
    public static String defaultId(String tee) {
        return "default-" + tee;
    }

    /** The compiled built-in for {@code tee}, if there is one. */
    public Optional<CompiledPolicy> forTee(String tee) {
        return Optional.ofNullable(compiled.get(tee));
    }

    /** The YAML document of the built-in for {@code tee}, for users to copy. */
    public Optional<byte[]> document(String tee) {
        byte[] d = documents.get(tee);
        return d == null ? Optional.empty() : Optional.of(d.clone());
    }
}

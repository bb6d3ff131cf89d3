package org.openanolis.attestation.parsers.tdx;

import java.util.List;
import java.util.Objects;
import org.openanolis.attestation.certs.Hex;

/**
 * The expected signer and attributes of a TDX module: the TCB info's {@code tdxModule} (id null,
 * no levels) or one entry of {@code tdxModuleIdentities} (id {@code TDX_01}, ..., with its own
 * ISVSVN levels in JSON order). Values are lower-case hex.
 */
public record TdxModuleIdentity(String id, String mrSignerHex, String attributesHex, String attributesMaskHex,
                                List<IsvTcbLevel> tcbLevels) {
    public TdxModuleIdentity {
        Objects.requireNonNull(mrSignerHex, "mrSignerHex");
        Objects.requireNonNull(attributesHex, "attributesHex");
        Objects.requireNonNull(attributesMaskHex, "attributesMaskHex");
        tcbLevels = List.copyOf(tcbLevels);
    }

    /** MRSIGNER (48 bytes). */
    public byte[] mrSigner() {
        return Hex.decode(mrSignerHex);
    }

    /** Expected SEAM attributes (8 bytes). */
    public byte[] attributes() {
        return Hex.decode(attributesHex);
    }
}

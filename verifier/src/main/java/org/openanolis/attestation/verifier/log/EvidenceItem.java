package org.openanolis.attestation.verifier.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * One piece of evidence as the attester sent it.
 *
 * @param submodule the EAR submodule it was appraised under ({@code cpu}, {@code gpu0}, ...)
 * @param tee the bundle-format TEE name ({@code tdx}, {@code sgx}, {@code snp}, {@code nvgpu},
 *     {@code nvswitch})
 * @param kind the bundle-format evidence key ({@code quote}, {@code report}, {@code cert_chain},
 *     {@code nonce})
 * @param bytes the raw bytes (copied in and out)
 */
public record EvidenceItem(String submodule, String tee, String kind, byte[] bytes) {
    public EvidenceItem {
        LogNames.requireName(submodule, "evidence.submodule");
        LogNames.requireName(tee, "evidence.tee");
        LogNames.requireName(kind, "evidence.kind");
        bytes = Objects.requireNonNull(bytes, "evidence.bytes").clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The internal array, for encoding inside this package only; never handed out. */
    byte[] bytesForEncoding() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvidenceItem e && submodule.equals(e.submodule) && tee.equals(e.tee)
                && kind.equals(e.kind) && Arrays.equals(bytes, e.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(submodule, tee, kind, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "EvidenceItem[" + submodule + "/" + tee + "/" + kind + ", " + bytes.length + " bytes]";
    }
}

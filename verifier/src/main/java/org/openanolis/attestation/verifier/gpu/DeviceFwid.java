package org.openanolis.attestation.verifier.gpu;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The FWID that the device leaf certificate binds ({@code gpu-verification.md} §3.4).
 * <ul>
 *   <li>Hopper and LS10: extension 2.23.133.5.4.1 (TCG DICE TcbInfo, the pre-standard OID);
 *       the FWID is the last 48 bytes of the extension value, as both NVIDIA verifiers take it.</li>
 *   <li>Blackwell: extension 2.23.133.5.4.1.1, a DiceTcbInfo SEQUENCE (TCG DICE Attestation
 *       Architecture §6.1.1) whose {@code [6] fwids} is a SEQUENCE OF {hashAlg, digest}; the FWID
 *       is {@code fwids[0].digest}.</li>
 * </ul>
 * A leaf that carries the other architecture's OID is read with its own architecture's rule.
 */
final class DeviceFwid {
    static final int FWID_LENGTH = 48;
    private static final int FWIDS_TAG = 6;
    private static final String HOPPER_OID = "2.23.133.5.4.1";
    private static final String BLACKWELL_OID = "2.23.133.5.4.1.1";

    private DeviceFwid() {}

    /** The leaf's FWID for {@code arch}, or empty when the certificate has no such extension. */
    static Optional<byte[]> fromLeaf(X509Certificate leaf, GpuArchitecture arch, String field)
            throws VerificationException {
        // The architecture's OID first, then the other one: NVIDIA's Go verifier accepts either OID
        // and decides the encoding by architecture, not by OID.
        byte[] ext = leaf.getExtensionValue(arch.fwidOid());
        if (ext == null) {
            ext = leaf.getExtensionValue(arch == GpuArchitecture.BLACKWELL ? HOPPER_OID : BLACKWELL_OID);
        }
        if (ext == null) {
            return Optional.empty();
        }
        byte[] value;
        try {
            value = ASN1OctetString.getInstance(ext).getOctets();
        } catch (RuntimeException e) {
            throw bad(field, "extension is not an OCTET STRING", e);
        }
        if (arch != GpuArchitecture.BLACKWELL) {
            if (value.length < FWID_LENGTH) {
                throw bad(field, "TcbInfo extension shorter than an FWID", null);
            }
            return Optional.of(Arrays.copyOfRange(value, value.length - FWID_LENGTH, value.length));
        }
        try {
            ASN1Sequence tcbInfo = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(value));
            for (ASN1Encodable e : tcbInfo) {
                if (e instanceof ASN1TaggedObject t && t.getTagNo() == FWIDS_TAG) {
                    ASN1Sequence fwids = ASN1Sequence.getInstance(t, false);
                    if (fwids.size() == 0) {
                        throw bad(field, "DiceTcbInfo.fwids is empty", null);
                    }
                    ASN1Sequence first = ASN1Sequence.getInstance(fwids.getObjectAt(0));
                    return Optional.of(ASN1OctetString.getInstance(first.getObjectAt(1)).getOctets());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw bad(field, "DiceTcbInfo does not parse", e);
        }
        throw bad(field, "DiceTcbInfo has no fwids", null);
    }

    private static VerificationException bad(String field, String message, Throwable cause) {
        return new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": " + message, cause);
    }
}

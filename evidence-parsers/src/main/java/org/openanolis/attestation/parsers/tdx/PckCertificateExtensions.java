package org.openanolis.attestation.parsers.tdx;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The Intel SGX extension of a PCK certificate, OID {@code 1.2.840.113741.1.13.1}
 * ({@code tdx-verification.md} section 3; Intel "SGX PCK Certificate and CRL Profile"): a
 * {@code SEQUENCE OF SEQUENCE { OID, value }} holding the PPID (.1), the TCB (.2: sixteen component
 * SVN INTEGERs .2.1..16, PCESVN .2.17, CPUSVN .2.18), the PCE ID (.3), the FMSPC (.4) and the SGX
 * type (.5). Immutable; byte accessors return copies.
 */
public final class PckCertificateExtensions {
    /** The SGX extension OID. */
    public static final String SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";

    private final byte[] ppid;
    private final int[] sgxTcbComponents;
    private final int pceSvn;
    private final byte[] cpuSvn;
    private final byte[] pceId;
    private final byte[] fmspc;
    private final int sgxType;

    public PckCertificateExtensions(byte[] ppid, int[] sgxTcbComponents, int pceSvn, byte[] cpuSvn,
                                    byte[] pceId, byte[] fmspc, int sgxType) {
        this.ppid = Objects.requireNonNull(ppid).clone();
        this.sgxTcbComponents = Objects.requireNonNull(sgxTcbComponents).clone();
        this.pceSvn = pceSvn;
        this.cpuSvn = Objects.requireNonNull(cpuSvn).clone();
        this.pceId = Objects.requireNonNull(pceId).clone();
        this.fmspc = Objects.requireNonNull(fmspc).clone();
        this.sgxType = sgxType;
        if (this.sgxTcbComponents.length != 16 || this.pceId.length != 2 || this.fmspc.length != 6) {
            throw new IllegalArgumentException("16 TCB components, 2-byte PCE ID and 6-byte FMSPC required");
        }
    }

    /**
     * Reads the SGX extension of {@code pck}. A missing or malformed extension is
     * {@link ReasonCode#CERT_CHAIN_INVALID}: the certificate is not a PCK certificate.
     */
    public static PckCertificateExtensions parse(X509Certificate pck) throws VerificationException {
        byte[] ext = pck.getExtensionValue(SGX_EXTENSION_OID);
        if (ext == null) {
            throw invalid("pck_certificate.sgx_extensions", "PCK certificate has no SGX extension " + SGX_EXTENSION_OID);
        }
        try {
            ASN1Primitive outer = ASN1Primitive.fromByteArray(ext);
            byte[] value = ASN1OctetString.getInstance(outer).getOctets();
            return parseValue(value);
        } catch (IOException | RuntimeException e) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, "pck_certificate.sgx_extensions",
                    "malformed SGX extension: " + e.getMessage(), e);
        }
    }

    /** Parses the DER value of the SGX extension (the {@code SEQUENCE OF SEQUENCE}). */
    public static PckCertificateExtensions parseValue(byte[] der) throws VerificationException {
        byte[] ppid = null;
        int[] comps = null;
        Integer pceSvn = null;
        byte[] cpuSvn = null;
        byte[] pceId = null;
        byte[] fmspc = null;
        Integer sgxType = null;
        Set<String> seen = new HashSet<>();
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            for (ASN1Encodable e : seq) {
                ASN1Sequence item = ASN1Sequence.getInstance(e);
                if (item.size() != 2) {
                    throw invalid("pck_certificate.sgx_extensions", "extension item must be {OID, value}");
                }
                String oid = ASN1ObjectIdentifier.getInstance(item.getObjectAt(0)).getId();
                if (!seen.add(oid)) {
                    throw invalid("pck_certificate.sgx_extensions", "duplicate item " + oid);
                }
                ASN1Encodable v = item.getObjectAt(1);
                switch (oid) {
                    case SGX_EXTENSION_OID + ".1" -> ppid = octets(v, 16, "ppid");
                    case SGX_EXTENSION_OID + ".2" -> {
                        comps = new int[16];
                        int[] pce = {-1};
                        cpuSvn = tcb(ASN1Sequence.getInstance(v), comps, pce);
                        pceSvn = pce[0];
                    }
                    case SGX_EXTENSION_OID + ".3" -> pceId = octets(v, 2, "pce_id");
                    case SGX_EXTENSION_OID + ".4" -> fmspc = octets(v, 6, "fmspc");
                    case SGX_EXTENSION_OID + ".5" -> sgxType = smallInt(ASN1Enumerated.getInstance(v).getValue(), 2, "sgx_type");
                    default -> { } // .6 PlatformInstanceID, .7 Configuration: not used for verification
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, "pck_certificate.sgx_extensions",
                    "malformed SGX extension: " + e.getMessage(), e);
        }
        if (ppid == null || comps == null || pceId == null || fmspc == null || sgxType == null) {
            throw invalid("pck_certificate.sgx_extensions", "SGX extension lacks PPID, TCB, PCE-ID, FMSPC or SGX type");
        }
        return new PckCertificateExtensions(ppid, comps, pceSvn, cpuSvn, pceId, fmspc, sgxType);
    }

    private static byte[] tcb(ASN1Sequence seq, int[] comps, int[] pceSvn) throws VerificationException {
        boolean[] have = new boolean[16];
        byte[] cpuSvn = null;
        String base = SGX_EXTENSION_OID + ".2.";
        for (ASN1Encodable e : seq) {
            ASN1Sequence item = ASN1Sequence.getInstance(e);
            if (item.size() != 2) {
                throw invalid("pck_certificate.sgx_extensions.tcb", "TCB item must be {OID, value}");
            }
            String oid = ASN1ObjectIdentifier.getInstance(item.getObjectAt(0)).getId();
            if (!oid.startsWith(base)) {
                throw invalid("pck_certificate.sgx_extensions.tcb", "unexpected TCB item " + oid);
            }
            int n;
            try {
                n = Integer.parseInt(oid.substring(base.length()));
            } catch (NumberFormatException ex) {
                throw invalid("pck_certificate.sgx_extensions.tcb", "unexpected TCB item " + oid);
            }
            ASN1Encodable v = item.getObjectAt(1);
            if (n >= 1 && n <= 16) {
                if (have[n - 1]) {
                    throw invalid("pck_certificate.sgx_extensions.tcb", "duplicate TCB component " + n);
                }
                have[n - 1] = true;
                comps[n - 1] = smallInt(ASN1Integer.getInstance(v).getValue(), 255, "tcb.sgxtcbcomp" + n);
            } else if (n == 17) {
                pceSvn[0] = smallInt(ASN1Integer.getInstance(v).getValue(), 65535, "tcb.pcesvn");
            } else if (n == 18) {
                cpuSvn = octets(v, 16, "tcb.cpusvn");
            } else {
                throw invalid("pck_certificate.sgx_extensions.tcb", "unexpected TCB item " + oid);
            }
        }
        for (boolean h : have) {
            if (!h) {
                throw invalid("pck_certificate.sgx_extensions.tcb", "TCB lacks a component SVN");
            }
        }
        if (pceSvn[0] < 0 || cpuSvn == null) {
            throw invalid("pck_certificate.sgx_extensions.tcb", "TCB lacks PCESVN or CPUSVN");
        }
        return cpuSvn;
    }

    private static byte[] octets(ASN1Encodable v, int length, String field) throws VerificationException {
        byte[] b = ASN1OctetString.getInstance(v).getOctets();
        if (b.length != length) {
            throw invalid("pck_certificate.sgx_extensions." + field, field + " must be " + length + " bytes, got " + b.length);
        }
        return b;
    }

    private static int smallInt(BigInteger v, int max, String field) throws VerificationException {
        if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid("pck_certificate.sgx_extensions." + field, field + " out of range: " + v);
        }
        return v.intValue();
    }

    private static VerificationException invalid(String field, String message) {
        return new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, message);
    }

    /** PPID (16 bytes). */
    public byte[] ppid() {
        return ppid.clone();
    }

    /** The 16 SGX TCB component SVNs (.2.1 .. .2.16), compared one by one in TCB level matching. */
    public int[] sgxTcbComponents() {
        return sgxTcbComponents.clone();
    }

    /** One SGX TCB component SVN, index 0..15. */
    public int sgxTcbComponent(int index) {
        return sgxTcbComponents[index];
    }

    /** PCESVN (.2.17). */
    public int pceSvn() {
        return pceSvn;
    }

    /** CPUSVN (.2.18, 16 bytes). */
    public byte[] cpuSvn() {
        return cpuSvn.clone();
    }

    /** PCE ID (2 bytes). */
    public byte[] pceId() {
        return pceId.clone();
    }

    /** FMSPC (6 bytes). */
    public byte[] fmspc() {
        return fmspc.clone();
    }

    /** FMSPC as lower-case hex (12 characters). */
    public String fmspcHex() {
        return Hex.encode(fmspc);
    }

    /** PCE ID as lower-case hex (4 characters). */
    public String pceIdHex() {
        return Hex.encode(pceId);
    }

    /** SGX type: 0 Standard, 1 Scalable, 2 ScalableWithIntegrity. */
    public int sgxType() {
        return sgxType;
    }

    @Override
    public String toString() {
        return "PckCertificateExtensions[fmspc=" + fmspcHex() + " pceId=" + pceIdHex() + " pcesvn=" + pceSvn
                + " comps=" + Arrays.toString(sgxTcbComponents) + "]";
    }
}

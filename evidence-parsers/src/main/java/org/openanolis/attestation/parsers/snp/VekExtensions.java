package org.openanolis.attestation.parsers.snp;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The AMD extensions of a VCEK or VLEK certificate (OID arc 1.3.6.1.4.1.3704.1,
 * {@code snp-verification.md} section 7; AMD "Versioned Chip Endorsement Key (VCEK) Certificate
 * and KDS Interface Specification", Table "VCEK Certificate Extensions"), plus the subject CN.
 *
 * <p>Decoding only; whether the certificate is genuine is the verifier's business. A missing or
 * badly encoded required extension is {@link ReasonCode#CERT_CHAIN_INVALID} naming the extension.
 * Unknown extensions under the arc are ignored (forward compatibility; go-sev-guest's strictness
 * made it unable to read Turin VCEKs). The hwID extension is raw bytes; a DER OCTET STRING wrapper
 * is tolerated.
 *
 * @param commonName subject CN ({@code SEV-VCEK} or {@code SEV-VLEK} for genuine VEKs)
 * @param structVersion OID .1: 0 for Milan and Genoa, 1 for Turin
 * @param productName OID .2: e.g. {@code Milan-B0}, {@code Genoa}, {@code Turin}, {@code Milan} (VLEK)
 * @param bootloaderSpl OID .3.1
 * @param teeSpl OID .3.2
 * @param snpSpl OID .3.3
 * @param microcodeSpl OID .3.8 (values up to 255; DER needs two bytes from 0x80)
 * @param fmcSpl OID .3.9, Turin only (it may be 0, so absence and zero differ)
 * @param hwIdHex OID .4 in lower-case hex: 64 bytes on Milan and Genoa, 8 on Turin; absent in VLEKs
 * @param cspId OID .5, VLEK only: the cloud provider
 */
public record VekExtensions(String commonName, int structVersion, String productName, int bootloaderSpl,
                            int teeSpl, int snpSpl, int microcodeSpl, Optional<Integer> fmcSpl,
                            Optional<String> hwIdHex, Optional<String> cspId) {

    public static final String ARC = "1.3.6.1.4.1.3704.1";
    public static final String STRUCT_VERSION = ARC + ".1";
    public static final String PRODUCT_NAME = ARC + ".2";
    public static final String BL_SPL = ARC + ".3.1";
    public static final String TEE_SPL = ARC + ".3.2";
    public static final String SNP_SPL = ARC + ".3.3";
    public static final String UCODE_SPL = ARC + ".3.8";
    public static final String FMC_SPL = ARC + ".3.9";
    public static final String HW_ID = ARC + ".4";
    public static final String CSP_ID = ARC + ".5";

    /** The hwID as bytes, a copy. */
    public Optional<byte[]> hwId() {
        return hwIdHex.map(Hex::decode);
    }

    /** Decodes the extensions of {@code vek}. */
    public static VekExtensions parse(X509Certificate vek) throws VerificationException {
        String cn = commonName(vek.getSubjectX500Principal(), "vek.subject");
        int structVersion = spl(vek, STRUCT_VERSION, "vek.struct_version", true).orElseThrow();
        String productName = string(vek, PRODUCT_NAME, "vek.product_name")
                .orElseThrow(() -> missing("vek.product_name", PRODUCT_NAME));
        int bl = spl(vek, BL_SPL, "vek.bl_spl", true).orElseThrow();
        int tee = spl(vek, TEE_SPL, "vek.tee_spl", true).orElseThrow();
        int snp = spl(vek, SNP_SPL, "vek.snp_spl", true).orElseThrow();
        int ucode = spl(vek, UCODE_SPL, "vek.ucode_spl", true).orElseThrow();
        Optional<Integer> fmc = spl(vek, FMC_SPL, "vek.fmc_spl", false);
        Optional<String> hwId = hwId(vek);
        Optional<String> csp = string(vek, CSP_ID, "vek.csp_id");
        return new VekExtensions(cn, structVersion, productName, bl, tee, snp, ucode, fmc, hwId, csp);
    }

    /** The CN of a distinguished name, or CERT_CHAIN_INVALID when it has none or several. */
    public static String commonName(X500Principal principal, String field) throws VerificationException {
        RDN[] rdns;
        try {
            rdns = X500Name.getInstance(principal.getEncoded()).getRDNs(BCStyle.CN);
        } catch (IllegalArgumentException e) { // BC refuses a name encoding the JDK accepted
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": malformed name", e);
        }
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": expected one CN");
        }
        if (!(rdns[0].getFirst().getValue() instanceof ASN1String cn)) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": CN is not a string");
        }
        try {
            return cn.getString();
        } catch (IllegalArgumentException e) { // BC: a UTF8String whose bytes are not UTF-8
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": CN is not valid UTF-8", e);
        }
    }

    private static VerificationException missing(String field, String oid) {
        return new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field,
                field + ": extension " + oid + " missing");
    }

    private static VerificationException bad(String field, String what, Throwable cause) {
        return new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": " + what, cause);
    }

    /** The extnValue content (inside the OCTET STRING the JDK returns), or empty when absent. */
    private static Optional<byte[]> content(X509Certificate cert, String oid, String field)
            throws VerificationException {
        byte[] wrapped = cert.getExtensionValue(oid);
        if (wrapped == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ASN1OctetString.getInstance(wrapped).getOctets());
        } catch (IllegalArgumentException e) {
            throw bad(field, "extension value is not an OCTET STRING", e);
        }
    }

    private static ASN1Primitive der(byte[] bytes, String field) throws VerificationException {
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(bytes); // null for an empty value
            if (p == null || !Arrays.equals(p.getEncoded("DER"), bytes)) {
                throw bad(field, "not DER", null);
            }
            return p;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) { // BC parse failures
            throw bad(field, "not DER", e);
        }
    }

    private static Optional<Integer> spl(X509Certificate cert, String oid, String field, boolean required)
            throws VerificationException {
        Optional<byte[]> c = content(cert, oid, field);
        if (c.isEmpty()) {
            if (required) {
                throw missing(field, oid);
            }
            return Optional.empty();
        }
        ASN1Primitive p = der(c.get(), field);
        if (!(p instanceof ASN1Integer i)) {
            throw bad(field, "not an INTEGER", null);
        }
        BigInteger v = i.getValue();
        if (v.signum() < 0 || v.bitLength() > 8) {
            throw bad(field, "value " + v + " outside 0..255", null);
        }
        return Optional.of(v.intValue());
    }

    private static Optional<String> string(X509Certificate cert, String oid, String field)
            throws VerificationException {
        Optional<byte[]> c = content(cert, oid, field);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        ASN1Primitive p = der(c.get(), field);
        if (!(p instanceof org.bouncycastle.asn1.DERIA5String s)) {
            throw bad(field, "not an IA5String", null);
        }
        return Optional.of(s.getString());
    }

    /** hwID: raw 64 or 8 bytes, or the same inside a DER OCTET STRING (04 40 .. / 04 08 ..). */
    private static Optional<String> hwId(X509Certificate cert) throws VerificationException {
        Optional<byte[]> c = content(cert, HW_ID, "vek.hw_id");
        if (c.isEmpty()) {
            return Optional.empty();
        }
        byte[] b = c.get();
        if (b.length == 66 || b.length == 10) {
            if (b[0] != 0x04 || (b[1] & 0xff) != b.length - 2) {
                throw bad("vek.hw_id", "hwID of " + b.length + " bytes is neither raw nor an OCTET STRING", null);
            }
            b = Arrays.copyOfRange(b, 2, b.length);
        }
        if (b.length != 64 && b.length != 8) {
            throw bad("vek.hw_id", "hwID must be 64 or 8 bytes, got " + b.length, null);
        }
        return Optional.of(Hex.encode(b));
    }
}

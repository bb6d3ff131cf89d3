package org.openanolis.attestation.verifier.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * One-byte and structural mutations of real quotes and collateral, each expecting one specific
 * reason code (go-tdx-guest {@code TestNegativeVerification} style). Offsets are quote offsets of
 * the v4 layout ({@code tdx-verification.md} 1.1-1.4): header 0..48, TD report 48..632, signature
 * data length 632, quote signature 636, attestation key 700, certification data type 764, size 766,
 * QE report 770, QE report signature 1154, QE auth size 1218, QE auth data 1220, inner type 1252,
 * inner size 1254, PEM chain 1258.
 */
class TdxMutationTest {
    private static RealVector near;
    private static RealVector google;
    private static RealVector sgx;

    @BeforeAll
    static void load() throws Exception {
        near = RealVector.load(RealVector.NEAR_V4);
        google = RealVector.load(RealVector.GOOGLE_V5);
        sgx = RealVector.load(RealVector.SGX_V3);
    }

    private static byte[] flip(byte[] q, int offset) {
        byte[] m = q.clone();
        m[offset] ^= 0x01;
        return m;
    }

    private static byte[] putU16(byte[] q, int offset, int v) {
        byte[] m = q.clone();
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) v);
        return m;
    }

    private static byte[] putU32(byte[] q, int offset, long v) {
        byte[] m = q.clone();
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, (int) v);
        return m;
    }

    private static int u32(byte[] q, int offset) {
        return ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    private static void expect(ReasonCode code, RealVector v, byte[] quote, Map<String, byte[]> parts) {
        VerificationException e = assertThrows(VerificationException.class, () -> v.verify(quote, parts));
        assertEquals(code, e.code(), () -> "field " + e.field() + ": " + e.getMessage());
    }

    private static DynamicTest quoteCase(String name, ReasonCode code, RealVector v, byte[] quote) {
        return DynamicTest.dynamicTest(v.name + ": " + name + " -> " + code, () -> expect(code, v, quote, v.collateral));
    }

    @Test
    void unmodifiedVectorsVerify() throws Exception {
        for (RealVector v : List.of(near, google, sgx)) {
            VerifiedEvidence e = v.verify(v.quote, v.collateral);
            assertEquals(v.tee, e.tee());
        }
    }

    @TestFactory
    Stream<DynamicTest> headerAndVersionChanges() {
        byte[] q = near.quote;
        return Stream.of(
                quoteCase("version 0", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 0, 0)),
                quoteCase("version 3 on a TDX quote", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 0, 3)),
                quoteCase("version 5 on a v4 body", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 0, 5)),
                quoteCase("version 6", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 0, 6)),
                quoteCase("attestation key type 3 (P-384)", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 2, 3)),
                quoteCase("tee type SGX on v4", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 4, 0)),
                quoteCase("tee type unknown", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 4, 0x82)),
                quoteCase("QE vendor id", ReasonCode.MALFORMED_EVIDENCE, near, flip(q, 12)),
                quoteCase("v5 body type 1 with TDX tee", ReasonCode.MALFORMED_EVIDENCE, google, putU16(google.quote, 48, 1)),
                quoteCase("v5 body type 2 with a 648-byte body", ReasonCode.MALFORMED_EVIDENCE, google, putU16(google.quote, 48, 2)),
                quoteCase("v5 body type 4", ReasonCode.MALFORMED_EVIDENCE, google, putU16(google.quote, 48, 4)),
                quoteCase("v5 body size 647", ReasonCode.MALFORMED_EVIDENCE, google, putU32(google.quote, 50, 647)),
                quoteCase("v3 with tee type TDX", ReasonCode.MALFORMED_EVIDENCE, sgx, putU32(sgx.quote, 4, 0x81)),
                quoteCase("v3 relabelled v4", ReasonCode.MALFORMED_EVIDENCE, sgx, putU16(sgx.quote, 0, 4)));
    }

    @TestFactory
    Stream<DynamicTest> bitFlipsInSignedRegions() {
        byte[] q = near.quote;
        List<DynamicTest> out = new ArrayList<>();
        // Header bytes the parser does not judge, and TD report fields: the quote signature fails.
        int[] quoteSigned = {8, 10, 28, 0x1e, 47, 48 /* TEE_TCB_SVN[0] */, 48 + 2, 48 + 16 /* MRSEAM */,
                48 + 120 /* TDATTRIBUTES */, 48 + 128 /* XFAM */, 48 + 136 /* MRTD */, 48 + 184, 48 + 232, 48 + 280,
                48 + 328, 48 + 376, 48 + 424, 48 + 472 /* RTMRs */, 48 + 520, 631 /* REPORTDATA */};
        for (int off : quoteSigned) {
            out.add(quoteCase("flip signed byte " + off, ReasonCode.SIGNATURE_INVALID, near, flip(q, off)));
        }
        out.add(quoteCase("flip MRSIGNERSEAM", ReasonCode.BINDING_MISMATCH, near, flip(q, 48 + 64)));
        out.add(quoteCase("flip SEAMATTRIBUTES", ReasonCode.BINDING_MISMATCH, near, flip(q, 48 + 112)));
        out.add(quoteCase("flip quote signature r", ReasonCode.SIGNATURE_INVALID, near, flip(q, 636)));
        out.add(quoteCase("flip quote signature s", ReasonCode.SIGNATURE_INVALID, near, flip(q, 699)));
        out.add(quoteCase("flip attestation key", ReasonCode.BINDING_MISMATCH, near, flip(q, 700)));
        out.add(quoteCase("flip QE report CPUSVN", ReasonCode.SIGNATURE_INVALID, near, flip(q, 770)));
        out.add(quoteCase("flip QE report MRSIGNER", ReasonCode.SIGNATURE_INVALID, near, flip(q, 770 + 128)));
        out.add(quoteCase("flip QE report REPORTDATA", ReasonCode.SIGNATURE_INVALID, near, flip(q, 770 + 320)));
        out.add(quoteCase("flip QE report signature", ReasonCode.SIGNATURE_INVALID, near, flip(q, 1154)));
        out.add(quoteCase("flip QE auth data", ReasonCode.BINDING_MISMATCH, near, flip(q, 1220)));
        // v5 (TD 1.5): the body descriptor and the 1.5 fields are signed too.
        byte[] g = google.quote;
        out.add(quoteCase("v5 flip TEE_TCB_SVN2", ReasonCode.SIGNATURE_INVALID, google, flip(g, 54 + 584)));
        out.add(quoteCase("v5 flip MRSERVICETD", ReasonCode.SIGNATURE_INVALID, google, flip(g, 54 + 600)));
        out.add(quoteCase("v5 flip quote signature", ReasonCode.SIGNATURE_INVALID, google, flip(g, 54 + 648 + 4)));
        // v3 (SGX): enclave report fields and the QE report.
        byte[] s = sgx.quote;
        out.add(quoteCase("v3 flip MRENCLAVE", ReasonCode.SIGNATURE_INVALID, sgx, flip(s, 48 + 64)));
        out.add(quoteCase("v3 flip quote signature", ReasonCode.SIGNATURE_INVALID, sgx, flip(s, 436)));
        out.add(quoteCase("v3 flip attestation key", ReasonCode.BINDING_MISMATCH, sgx, flip(s, 500)));
        out.add(quoteCase("v3 flip QE report", ReasonCode.SIGNATURE_INVALID, sgx, flip(s, 564)));
        out.add(quoteCase("v3 flip QE report signature", ReasonCode.SIGNATURE_INVALID, sgx, flip(s, 948)));
        return out.stream();
    }

    @TestFactory
    Stream<DynamicTest> truncationAtEveryStructuralBoundary() {
        byte[] q = near.quote;
        int end = 636 + u32(q, 632);
        int[] cuts = {0, 1, 2, 4, 8, 12, 28, 47, 48, 300, 631, 632, 635, 636, 700, 764, 766, 770, 1154, 1218, 1220,
                1252, 1254, 1258, 2000, end - 1};
        List<DynamicTest> out = new ArrayList<>();
        for (int cut : cuts) {
            out.add(quoteCase("truncate at " + cut, ReasonCode.MALFORMED_EVIDENCE, near, java.util.Arrays.copyOf(q, cut)));
        }
        byte[] s = sgx.quote;
        for (int cut : new int[] {48, 432, 436, 564, 948, 1012, 1014, 1046, 1048, 1052, s.length - 1}) {
            out.add(quoteCase("v3 truncate at " + cut, ReasonCode.MALFORMED_EVIDENCE, sgx, java.util.Arrays.copyOf(s, cut)));
        }
        return out.stream();
    }

    @TestFactory
    Stream<DynamicTest> inconsistentSizesAndTypes() {
        byte[] q = near.quote;
        int sigLen = u32(q, 632);
        return Stream.of(
                quoteCase("signature data length + 1", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 632, sigLen + 1)),
                quoteCase("signature data length - 1", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 632, sigLen - 1)),
                quoteCase("signature data length 0xffffffff", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 632, 0xffffffffL)),
                quoteCase("certification data type 5 in v4", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 764, 5)),
                quoteCase("certification data size + 1", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 766, u32(q, 766) + 1)),
                quoteCase("certification data size - 1", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 766, u32(q, 766) - 1)),
                quoteCase("QE auth data size 33", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 1218, 33)),
                quoteCase("QE auth data size 0xffff", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 1218, 0xffff)),
                quoteCase("inner certification type 0", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 1252, 0)),
                quoteCase("inner certification type 7", ReasonCode.MALFORMED_EVIDENCE, near, putU16(q, 1252, 7)),
                quoteCase("inner size + 1", ReasonCode.MALFORMED_EVIDENCE, near, putU32(q, 1254, u32(q, 1254) + 1)),
                quoteCase("inner type 3 without pck_chain", ReasonCode.COLLATERAL_MISSING, near, putU16(q, 1252, 3)));
    }

    @Test
    void innerTypeThreeVerifiesWithTheChainFromCollateral() throws Exception {
        byte[] q = putU16(near.quote, 1252, 3);
        int size = u32(q, 1254);
        byte[] pem = java.util.Arrays.copyOfRange(q, 1258, 1258 + size);
        VerifiedEvidence e = near.verify(q, near.with(TdxCollateral.PCK_CHAIN, pem));
        assertEquals("UpToDate", e.tcbStatus());
    }

    @Test
    void trailingBytesAfterTheSignatureDataAreIgnored() throws Exception {
        byte[] q = java.util.Arrays.copyOf(near.quote, near.quote.length + 100);
        q[q.length - 1] = 0x55;
        assertEquals("UpToDate", near.verify(q, near.collateral).tcbStatus());
        int end = 636 + u32(near.quote, 632);
        assertEquals("UpToDate", near.verify(java.util.Arrays.copyOf(near.quote, end), near.collateral).tcbStatus());
    }

    @TestFactory
    Stream<DynamicTest> pckChainInTheQuote() {
        byte[] q = near.quote;
        int size = u32(q, 1254);
        String pem = new String(q, 1258, size, StandardCharsets.US_ASCII);
        List<DynamicTest> out = new ArrayList<>();
        // A byte inside the last base64 line of the first certificate (its signature): chain invalid.
        int firstEnd = pem.indexOf("-----END CERTIFICATE-----");
        int sigByte = 1258 + firstEnd - 10;
        byte[] m = q.clone();
        m[sigByte] = (byte) (m[sigByte] == 'A' ? 'B' : 'A');
        out.add(quoteCase("PCK leaf signature byte", ReasonCode.CERT_CHAIN_INVALID, near, m));
        // Replace the chain by the leaf alone (pad with spaces to keep every size).
        String leafOnly = pem.substring(0, firstEnd + "-----END CERTIFICATE-----".length());
        byte[] m2 = q.clone();
        byte[] padded = (leafOnly + " ".repeat(size - leafOnly.length())).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(padded, 0, m2, 1258, size);
        out.add(quoteCase("PCK chain of one certificate", ReasonCode.CERT_CHAIN_INVALID, near, m2));
        // No PEM at all.
        byte[] m3 = q.clone();
        java.util.Arrays.fill(m3, 1258, 1258 + size, (byte) 'x');
        out.add(quoteCase("PCK chain garbage", ReasonCode.CERT_CHAIN_INVALID, near, m3));
        return out.stream();
    }

    @Test
    void chainInAnyOrderVerifies() throws Exception {
        byte[] q = near.quote.clone();
        int size = u32(q, 1254);
        String pem = new String(q, 1258, size, StandardCharsets.US_ASCII);
        List<String> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int b = pem.indexOf("-----BEGIN CERTIFICATE-----", from);
            if (b < 0) {
                break;
            }
            int e = pem.indexOf("-----END CERTIFICATE-----", b) + "-----END CERTIFICATE-----".length();
            blocks.add(pem.substring(b, e));
            from = e;
        }
        assertEquals(3, blocks.size());
        String reversed = blocks.get(2) + "\n" + blocks.get(1) + "\n" + blocks.get(0) + "\n";
        byte[] padded = (reversed + "\0".repeat(size - reversed.length())).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(padded, 0, q, 1258, size);
        assertEquals("UpToDate", near.verify(q, near.collateral).tcbStatus());
    }

    // ------------------------------------------------------------ collateral

    private static byte[] flipLast(byte[] b) {
        byte[] m = b.clone();
        m[m.length - 1] ^= 0x01;
        return m;
    }

    private static DynamicTest collateralCase(String name, ReasonCode code, RealVector v, Map<String, byte[]> parts) {
        return DynamicTest.dynamicTest(v.name + ": " + name + " -> " + code, () -> expect(code, v, v.quote, parts));
    }

    @TestFactory
    Stream<DynamicTest> collateralMutations() throws Exception {
        RealVector v = near;
        String tcb = new String(v.collateral.get(TdxCollateral.TCB_INFO), StandardCharsets.UTF_8);
        String reserialised = new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new ObjectMapper().readTree(tcb));
        String qe = new String(v.collateral.get(TdxCollateral.QE_IDENTITY), StandardCharsets.UTF_8);
        String tcbChain = new String(v.collateral.get(TdxCollateral.TCB_INFO_ISSUER_CHAIN), StandardCharsets.US_ASCII);
        String signerOnly = tcbChain.substring(0, tcbChain.indexOf("-----END CERTIFICATE-----") + 25) + "\n";
        String sigHex = tcb.substring(tcb.indexOf("\"signature\":\"") + 13, tcb.indexOf("\"signature\":\"") + 13 + 128);
        String otherSig = (sigHex.charAt(0) == '0' ? "1" : "0") + sigHex.substring(1);
        RealVector phala = RealVector.load(RealVector.PHALA_V4);
        return Stream.of(
                collateralCase("tcb_info re-serialised", ReasonCode.COLLATERAL_INVALID, v,
                        v.with(TdxCollateral.TCB_INFO, reserialised.getBytes(StandardCharsets.UTF_8))),
                collateralCase("tcb_info signature changed", ReasonCode.COLLATERAL_INVALID, v,
                        v.with(TdxCollateral.TCB_INFO, tcb.replace(sigHex, otherSig).getBytes(StandardCharsets.UTF_8))),
                collateralCase("tcb_info level status edited", ReasonCode.COLLATERAL_INVALID, v,
                        v.with(TdxCollateral.TCB_INFO, tcb.replaceFirst("\"UpToDate\"", "\"OutOfDate\"").getBytes(StandardCharsets.UTF_8))),
                collateralCase("tcb_info not JSON", ReasonCode.COLLATERAL_INVALID, v,
                        v.with(TdxCollateral.TCB_INFO, "{\"tcbInfo\":".getBytes(StandardCharsets.UTF_8))),
                collateralCase("qe_identity edited", ReasonCode.COLLATERAL_INVALID, v,
                        v.with(TdxCollateral.QE_IDENTITY, qe.replace("\"isvprodid\":2", "\"isvprodid\":3").getBytes(StandardCharsets.UTF_8))),
                collateralCase("root CA CRL signature", ReasonCode.COLLATERAL_INVALID, v,
                        v.with(TdxCollateral.ROOT_CA_CRL, flipLast(v.collateral.get(TdxCollateral.ROOT_CA_CRL)))),
                collateralCase("PCK CRL signature", ReasonCode.COLLATERAL_INVALID, v,
                        v.with(TdxCollateral.PCK_CRL, flipLast(v.collateral.get(TdxCollateral.PCK_CRL)))),
                collateralCase("TCB chain without root", ReasonCode.CERT_CHAIN_INVALID, v,
                        v.with(TdxCollateral.TCB_INFO_ISSUER_CHAIN, signerOnly.getBytes(StandardCharsets.US_ASCII))),
                collateralCase("QE identity chain without root", ReasonCode.CERT_CHAIN_INVALID, v,
                        v.with(TdxCollateral.QE_IDENTITY_ISSUER_CHAIN, signerOnly.getBytes(StandardCharsets.US_ASCII))),
                collateralCase("PCK CRL chain is the TCB chain", ReasonCode.CERT_CHAIN_INVALID, v,
                        v.with(TdxCollateral.PCK_CRL_ISSUER_CHAIN, v.collateral.get(TdxCollateral.TCB_INFO_ISSUER_CHAIN))),
                collateralCase("tcb_info missing", ReasonCode.COLLATERAL_MISSING, v, v.with(TdxCollateral.TCB_INFO, null)),
                collateralCase("root CA CRL missing", ReasonCode.COLLATERAL_MISSING, v, v.with(TdxCollateral.ROOT_CA_CRL, null)));
    }

    /** Real collateral of another platform or TEE, paired so that both windows hold the instant. */
    @TestFactory
    Stream<DynamicTest> collateralOfAnotherPlatformOrTee() throws Exception {
        RealVector phala = RealVector.load(RealVector.PHALA_V4);
        RealVector azure = RealVector.load(RealVector.AZURE_V4);
        java.time.Instant overlap = java.time.Instant.parse("2025-10-01T00:00:00Z");
        return Stream.of(
                DynamicTest.dynamicTest("tcb_info of another FMSPC -> COLLATERAL_INVALID", () -> {
                    VerificationException e = assertThrows(VerificationException.class, () -> near.verifyAt(near.quote,
                            near.with(TdxCollateral.TCB_INFO, azure.collateral.get(TdxCollateral.TCB_INFO)), overlap));
                    assertEquals(ReasonCode.COLLATERAL_INVALID, e.code());
                    assertEquals("tcb_info.fmspc", e.field());
                }),
                collateralCase("SGX tcb_info for a TDX quote", ReasonCode.COLLATERAL_INVALID, phala,
                        phala.with(TdxCollateral.TCB_INFO, sgx.collateral.get(TdxCollateral.TCB_INFO))),
                collateralCase("QE identity 'QE' for a TDX quote", ReasonCode.COLLATERAL_INVALID, phala,
                        phala.with(TdxCollateral.QE_IDENTITY, sgx.collateral.get(TdxCollateral.QE_IDENTITY))),
                collateralCase("TD_QE identity for an SGX quote", ReasonCode.COLLATERAL_INVALID, sgx,
                        sgx.with(TdxCollateral.QE_IDENTITY, phala.collateral.get(TdxCollateral.QE_IDENTITY))),
                DynamicTest.dynamicTest("Processor CA CRL for a Platform CA PCK -> COLLATERAL_INVALID", () -> {
                    Map<String, byte[]> parts = phala.with(TdxCollateral.PCK_CRL, sgx.collateral.get(TdxCollateral.PCK_CRL));
                    parts.put(TdxCollateral.PCK_CRL_ISSUER_CHAIN, sgx.collateral.get(TdxCollateral.PCK_CRL_ISSUER_CHAIN));
                    VerificationException e = assertThrows(VerificationException.class, () -> phala.verify(phala.quote, parts));
                    assertEquals(ReasonCode.COLLATERAL_INVALID, e.code());
                    assertEquals("pck_crl.issuer", e.field());
                }));
    }
}

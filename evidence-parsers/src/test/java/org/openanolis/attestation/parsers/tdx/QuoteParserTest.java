package org.openanolis.attestation.parsers.tdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** The parser on real quotes of each version, and named failures at named offsets. */
class QuoteParserTest {
    @Test
    void v4TdxQuoteWithZeroPadding() throws Exception {
        byte[] raw = Vectors.quote(Vectors.NEAR_V4);
        Quote q = QuoteParser.parse(raw);
        assertEquals(4, q.version());
        assertEquals(TeeType.TDX, q.teeType());
        assertEquals(BodyType.TD_REPORT_10, q.bodyType());
        assertEquals(632, q.signedLength());
        assertArrayEquals(Arrays.copyOf(raw, 632), q.signedRegion());
        assertEquals(4936, q.quoteLength());
        assertEquals(70, q.trailingBytes());
        assertEquals(QuoteHeader.INTEL_QE_VENDOR_ID, q.header().qeVendorIdHex());
        QuoteSignatureData s = q.signatureData();
        assertEquals(32, s.qeAuthData().length);
        assertEquals(CertificationData.PCK_CERT_CHAIN, s.certificationData().type());
        assertEquals(3678, s.certificationData().size());
        TdReport td = q.tdReport().orElseThrow();
        assertFalse(td.isVersion15());
        assertArrayEquals(Arrays.copyOfRange(raw, 48 + 136, 48 + 184), td.mrTd());
        assertTrue(td.septVeDisable());
        assertFalse(td.debug());
        assertTrue(q.enclaveReport().isEmpty());
        assertThrows(IllegalStateException.class, td::teeTcbSvn2);
    }

    @Test
    void v5TdReport15SignsTheBodyDescriptor() throws Exception {
        byte[] raw = Vectors.quote(Vectors.GOOGLE_V5);
        Quote q = QuoteParser.parse(raw);
        assertEquals(5, q.version());
        assertEquals(BodyType.TD_REPORT_15, q.bodyType());
        assertEquals(702, q.signedLength());
        assertEquals(0, q.trailingBytes());
        TdReport td = q.tdReport().orElseThrow();
        assertTrue(td.isVersion15());
        assertArrayEquals(Arrays.copyOfRange(raw, 54 + 584, 54 + 600), td.teeTcbSvn2());
    }

    @Test
    void v3SgxQuote() throws Exception {
        byte[] raw = Vectors.quote(Vectors.SGX_V3);
        Quote q = QuoteParser.parse(raw);
        assertEquals(3, q.version());
        assertEquals(TeeType.SGX, q.teeType());
        assertEquals(432, q.signedLength());
        EnclaveReport e = q.enclaveReport().orElseThrow();
        assertArrayEquals(Arrays.copyOfRange(raw, 48 + 64, 48 + 96), e.mrEnclave());
        assertEquals(CertificationData.PCK_CERT_CHAIN, q.signatureData().certificationData().type());
    }

    @Test
    void nonZeroTrailingBytesAreIgnoredAsQvlDoes() throws Exception {
        Quote q = QuoteParser.parse(Vectors.quote(Vectors.GOOGLE_2023));
        assertEquals(39, q.trailingBytes());
    }

    @Test
    void returnedBytesAreCopies() throws Exception {
        Quote q = QuoteParser.parse(Vectors.quote(Vectors.NEAR_V4));
        byte[] region = q.signedRegion();
        region[0] ^= 1;
        assertEquals(4, q.signedRegion()[0]);
        byte[] mr = q.tdReport().orElseThrow().mrTd();
        mr[0] ^= 1;
        assertFalse(Arrays.equals(mr, q.tdReport().orElseThrow().mrTd()));
    }

    private static VerificationException fail(byte[] q) {
        VerificationException e = assertThrows(VerificationException.class, () -> QuoteParser.parse(q));
        assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
        return e;
    }

    @Test
    void failuresNameTheFieldAndOffset() {
        byte[] raw = Vectors.quote(Vectors.GOOGLE_V5);
        byte[] m = raw.clone();
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(50, 584);
        VerificationException e = fail(m);
        assertEquals("quote.body_descriptor.body_size", e.field());
        assertEquals("offset 50", e.actual());

        m = raw.clone();
        m[12] ^= 1;
        assertEquals("quote.header.qe_vendor_id", fail(m).field());

        assertEquals("quote.header.version", fail(new byte[0]).field());
        assertEquals("quote.length", fail(Arrays.copyOf(raw, 1019)).field());
        assertEquals("quote.signature_data_length", fail(Arrays.copyOf(raw, 3000)).field());
        assertEquals("quote", fail(null).field());
    }
}

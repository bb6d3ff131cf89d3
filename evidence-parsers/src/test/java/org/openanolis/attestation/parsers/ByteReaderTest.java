package org.openanolis.attestation.parsers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

class ByteReaderTest {
    @Test
    void readsLittleEndianFields() throws VerificationException {
        ByteReader r = new ByteReader(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0});
        assertEquals(0x0201, r.u16("a"));
        assertEquals(0x06050403L, r.u32("b"));
        assertEquals(0xff07L, r.u64("c"));
        assertEquals(1, r.remaining());
    }

    @Test
    void truncationNamesFieldAndOffset() throws VerificationException {
        ByteReader r = new ByteReader(new byte[3]);
        r.u16("first");
        VerificationException e = assertThrows(VerificationException.class, () -> r.u16("second"));
        assertEquals(ReasonCode.MALFORMED_EVIDENCE, e.code());
        assertEquals("second", e.field());
        assertEquals("offset 2", e.actual());
    }

    @Test
    void reservedBytesMustBeZero() {
        ByteReader r = new ByteReader(new byte[] {0, 0, 1});
        VerificationException e = assertThrows(VerificationException.class, () -> r.zeros(3, "reserved"));
        assertEquals("offset 2", e.actual());
    }
}

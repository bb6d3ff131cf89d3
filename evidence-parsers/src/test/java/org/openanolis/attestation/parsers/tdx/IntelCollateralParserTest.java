package org.openanolis.attestation.parsers.tdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/** Exact signed bytes, TCB info / QE identity fields, and rejection of malformed JSON. */
class IntelCollateralParserTest {
    private static String text(String set, String file) {
        return new String(Vectors.file(set, file), StandardCharsets.UTF_8);
    }

    private static VerificationException invalid(org.junit.jupiter.api.function.Executable e) {
        VerificationException ex = assertThrows(VerificationException.class, e);
        assertEquals(ReasonCode.COLLATERAL_INVALID, ex.code());
        return ex;
    }

    @Test
    void signedBytesAreTheVerbatimInnerObject() throws Exception {
        byte[] body = Vectors.file(Vectors.NEAR_V4, "tcb_info.json");
        String s = new String(body, StandardCharsets.UTF_8);
        SignedCollateral sc = IntelCollateralParser.split(body, "tcbInfo", "tcb_info");
        int start = s.indexOf("{\"id\"");
        int end = s.lastIndexOf(",\"signature\"");
        assertArrayEquals(Arrays.copyOfRange(body, start, end), sc.signedBytes());
        assertEquals(64, sc.signature().length);
        // Whitespace inside and around the object is kept exactly.
        String spaced = "{ \"signature\" : \"" + s.substring(s.indexOf("\"signature\":\"") + 13, s.length() - 2)
                + "\",\n  \"tcbInfo\" :  " + s.substring(start, end) + "  }";
        SignedCollateral sc2 = IntelCollateralParser.split(spaced.getBytes(StandardCharsets.UTF_8), "tcbInfo", "tcb_info");
        assertArrayEquals(sc.signedBytes(), sc2.signedBytes());
    }

    @Test
    void tdxTcbInfoLevelsInQvlOrder() throws Exception {
        byte[] body = Vectors.file(Vectors.AZURE_V4, "tcb_info.json");
        TcbInfo info = IntelCollateralParser.parseTcbInfo(IntelCollateralParser.split(body, "tcbInfo", "t").signedBytes());
        assertEquals("TDX", info.id());
        assertEquals("00806f050000", info.fmspcHex());
        assertTrue(info.moduleIdentity("TDX_01").isPresent());
        assertTrue(info.moduleIdentity("tdx_03").isPresent());
        for (int i = 1; i < info.tcbLevels().size(); i++) {
            assertTrue(info.tcbLevels().get(i - 1).compareTo(info.tcbLevels().get(i)) > 0);
        }
    }

    @Test
    void qeIdentity() throws Exception {
        byte[] body = Vectors.file(Vectors.NEAR_V4, "qe_identity.json");
        QeIdentity id = IntelCollateralParser.parseQeIdentity(
                IntelCollateralParser.split(body, "enclaveIdentity", "q").signedBytes());
        assertEquals("TD_QE", id.id());
        assertEquals(2, id.isvProdId());
        assertEquals("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5", id.mrSignerHex());
    }

    @Test
    void malformedBodies() {
        String tcb = text(Vectors.NEAR_V4, "tcb_info.json");
        invalid(() -> IntelCollateralParser.split("[]".getBytes(), "tcbInfo", "t"));
        invalid(() -> IntelCollateralParser.split("{\"signature\":\"00\"}".getBytes(), "tcbInfo", "t"));
        invalid(() -> IntelCollateralParser.split((tcb + "x").getBytes(), "tcbInfo", "t"));
        invalid(() -> IntelCollateralParser.split(tcb.replace("{\"tcbInfo\":", "{\"extra\":1,\"tcbInfo\":").getBytes(),
                "tcbInfo", "t"));
        invalid(() -> IntelCollateralParser.split(tcb.replace("\"signature\":\"", "\"signature\":\"0").getBytes(),
                "tcbInfo", "t"));
        // Duplicate keys would let two parsers see different objects.
        invalid(() -> IntelCollateralParser.parseTcbInfo("{\"id\":\"TDX\",\"id\":\"SGX\"}".getBytes()));
    }

    private static byte[] inner(String tcbBody) throws VerificationException {
        return IntelCollateralParser.split(tcbBody.getBytes(StandardCharsets.UTF_8), "tcbInfo", "t").signedBytes();
    }

    @Test
    void malformedTcbInfoFields() {
        String tcb = text(Vectors.NEAR_V4, "tcb_info.json");
        String[][] edits = {
                {"\"version\":3", "\"version\":2"},
                {"\"id\":\"TDX\"", "\"id\":\"TDX2\""},
                {"\"tcbType\":0", "\"tcbType\":1"},
                {"\"fmspc\":\"20a06f000000\"", "\"fmspc\":\"20a06f00000\""},
                {"\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"Unknown\""},
                {"\"issueDate\":\"", "\"issueDate\":\"x"},
                {"\"tdxModule\":", "\"tdxModuleX\":"},
                {"{\"svn\":", "{\"svn\":256,\"x\":"},
        };
        for (String[] e : edits) {
            String edited = tcb.replaceFirst(java.util.regex.Pattern.quote(e[0]), java.util.regex.Matcher.quoteReplacement(e[1]));
            assertTrue(!edited.equals(tcb), e[0]);
            invalid(() -> IntelCollateralParser.parseTcbInfo(inner(edited)));
        }
    }

    @Test
    void duplicateTcbLevelsAreRejected() throws Exception {
        String tcb = text(Vectors.NEAR_V4, "tcb_info.json");
        int start = tcb.lastIndexOf("\"tcbLevels\":[") + 13; // the platform levels come last
        int depth = 0;
        int end = start;
        for (int i = start; i < tcb.length(); i++) {
            char c = tcb.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0) {
                end = i + 1;
                break;
            }
        }
        String level = tcb.substring(start, end);
        String dup = tcb.substring(0, start) + level + "," + tcb.substring(start);
        invalid(() -> IntelCollateralParser.parseTcbInfo(inner(dup)));
    }

    /** Any single-byte overwrite of a real TCB info parses or is COLLATERAL_INVALID. */
    @Property(tries = 1500)
    void mutatedTcbInfoParsesOrIsInvalid(@ForAll @IntRange(min = 0, max = 4920) int offset,
                                         @ForAll byte value) {
        byte[] body = Vectors.file(Vectors.AZURE_V4, "tcb_info.json").clone();
        body[offset % body.length] = value;
        try {
            IntelCollateralParser.parseTcbInfo(IntelCollateralParser.split(body, "tcbInfo", "t").signedBytes());
        } catch (VerificationException e) {
            assertEquals(ReasonCode.COLLATERAL_INVALID, e.code());
        }
    }
}

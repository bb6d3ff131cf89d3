package org.openanolis.attestation.parsers.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.fuzz.FuzzCampaign;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.ByteReader;
import org.openanolis.attestation.parsers.rim.SwidRim;
import org.openanolis.attestation.parsers.rim.SwidRimParser;
import org.openanolis.attestation.parsers.snp.SnpCertificateTable;
import org.openanolis.attestation.parsers.snp.SnpReport;
import org.openanolis.attestation.parsers.snp.VekExtensions;
import org.openanolis.attestation.parsers.spdm.OpaqueData;
import org.openanolis.attestation.parsers.spdm.OpaqueField;
import org.openanolis.attestation.parsers.spdm.SpdmAttestationReport;
import org.openanolis.attestation.parsers.tdx.IntelCollateralParser;
import org.openanolis.attestation.parsers.tdx.PckCertificateExtensions;
import org.openanolis.attestation.parsers.tdx.Quote;
import org.openanolis.attestation.parsers.tdx.QuoteParser;
import org.openanolis.attestation.parsers.tdx.SignedCollateral;

/**
 * Bounded fuzzing of every evidence and collateral parser of this module, seeded from the real
 * vectors of {@code shared/testdata} ({@link FuzzCampaign}; budget and seed in
 * {@code docs/fuzzing.md}). Each parser may only return a result or throw the
 * {@link VerificationException} with the reason code its Javadoc documents.
 */
class EvidenceParsersFuzzTest {
    private static final String PCK_SGX_EXTENSION = "1.2.840.113741.1.13.1";
    private static final String[] JSON_TOKENS = {"{", "}", "[", "]", "\"", ",", ":", "null", "true", "-1", "0",
            "1e999", "18446744073709551616", "\"\"", "\"\\u0000\"", "[[[[[[[[[[[[[[[[", "{\"a\":", "\"tcbLevels\":",
            "\"tcb\":", "\"tcbStatus\":\"Revoked\"", "\"sgxtcbcomponents\":[]", "\"svn\":", "\"isvsvn\":-5",
            "\"tdxtcbcomponents\":", "\"advisoryIDs\":", "\"2025-13-45T99:99:99Z\"", "\"version\":3", "\"id\":\"TDX\""};

    private static Predicate<Throwable> code(ReasonCode... codes) {
        Set<ReasonCode> allowed = Set.of(codes);
        return t -> t instanceof VerificationException e && allowed.contains(e.code());
    }

    private static List<Path> bundles(String tee) {
        try (Stream<Path> dirs = Files.list(SharedData.testdata().resolve(tee))) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<byte[]> files(String tee, String fileName) {
        List<byte[]> out = new ArrayList<>();
        for (Path dir : bundles(tee)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches(fileName)).sorted().toList()) {
                    out.add(Files.readAllBytes(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no " + fileName + " under testdata/" + tee);
        }
        return out;
    }

    private static List<byte[]> quotes() {
        return files("tdx", "quote\\.bin");
    }

    @Test
    void quoteParser() {
        FuzzCampaign.named("tdx-quote").seeds(quotes()).documented(code(ReasonCode.MALFORMED_EVIDENCE))
                .regressionsFrom(getClass())
                .run(q -> {
                    Quote quote = QuoteParser.parse(q);
                    quote.signedRegion();
                    quote.signatureData().certificationData().data();
                });
    }

    @Test
    void pckCertificateExtensions() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (byte[] q : quotes()) {
            byte[] chain = QuoteParser.parse(q).signatureData().certificationData().data();
            List<X509Certificate> certs;
            try {
                certs = Certificates.parsePemChain(chain, ReasonCode.CERT_CHAIN_INVALID, "pck_chain");
            } catch (VerificationException e) {
                continue; // a quote that carries no PEM chain (PPID certification data)
            }
            for (X509Certificate c : certs) {
                byte[] ext = c.getExtensionValue(PCK_SGX_EXTENSION);
                if (ext != null) {
                    seeds.add(ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(ext)).getOctets());
                }
            }
        }
        FuzzCampaign.named("pck-extensions").seeds(seeds).documented(code(ReasonCode.CERT_CHAIN_INVALID))
                .regressionsFrom(getClass())
                .run(PckCertificateExtensions::parseValue);
    }

    @Test
    void pckCertificate() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (byte[] q : quotes()) {
            try {
                for (X509Certificate c : Certificates.parsePemChain(QuoteParser.parse(q).signatureData().certificationData().data(),
                        ReasonCode.CERT_CHAIN_INVALID, "pck_chain")) {
                    if (c.getExtensionValue(PCK_SGX_EXTENSION) != null) {
                        seeds.add(c.getEncoded());
                    }
                }
            } catch (VerificationException e) {
                // a quote that carries no PEM chain (PPID certification data)
            }
        }
        FuzzCampaign.named("pck-certificate").seeds(seeds).documented(code(ReasonCode.CERT_CHAIN_INVALID))
                .regressionsFrom(getClass())
                .run(der -> {
                    X509Certificate pck;
                    try {
                        pck = Certificates.parseCertificate(der, ReasonCode.CERT_CHAIN_INVALID, "pck");
                    } catch (VerificationException e) {
                        return; // not a certificate any more: the certificate parser's outcome, not this one's
                    }
                    PckCertificateExtensions.parse(pck);
                });
    }

    @Test
    void intelTcbInfo() {
        FuzzCampaign.named("intel-tcb-info").seeds(files("tdx", "tcb_info\\.json")).dictionary(JSON_TOKENS)
                .documented(code(ReasonCode.COLLATERAL_INVALID)).regressionsFrom(getClass())
                .run(body -> {
                    SignedCollateral s = IntelCollateralParser.split(body, "tcbInfo", "tcb_info");
                    IntelCollateralParser.parseTcbInfo(s.signedBytes());
                });
    }

    @Test
    void intelQeIdentity() {
        FuzzCampaign.named("intel-qe-identity").seeds(files("tdx", "qe_identity\\.json")).dictionary(JSON_TOKENS)
                .documented(code(ReasonCode.COLLATERAL_INVALID)).regressionsFrom(getClass())
                .run(body -> {
                    SignedCollateral s = IntelCollateralParser.split(body, "enclaveIdentity", "qe_identity");
                    IntelCollateralParser.parseQeIdentity(s.signedBytes());
                });
    }

    @Test
    void snpReport() {
        FuzzCampaign.named("snp-report").seeds(files("snp", "report\\.bin")).documented(code(ReasonCode.MALFORMED_EVIDENCE))
                .regressionsFrom(getClass())
                .run(r -> {
                    SnpReport report = SnpReport.parse(r);
                    report.signatureR();
                    report.signatureS();
                });
    }

    @Test
    void vekExtensions() {
        List<byte[]> seeds = new ArrayList<>(files("snp", "(vcek|vlek)\\.(der|pem)"));
        FuzzCampaign.named("snp-vek-extensions").seeds(seeds)
                .documented(code(ReasonCode.CERT_CHAIN_INVALID)).regressionsFrom(getClass())
                .run(der -> {
                    X509Certificate vek;
                    try {
                        vek = Certificates.parseCertificate(der, ReasonCode.CERT_CHAIN_INVALID, "vek");
                    } catch (VerificationException e) {
                        return; // not a certificate any more: the certificate parser's outcome, not this one's
                    }
                    VekExtensions.parse(vek);
                });
    }

    @Test
    void snpCertificateTable() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (Path dir : bundles("snp")) {
            Path vek = Files.exists(dir.resolve("vcek.der")) ? dir.resolve("vcek.der") : dir.resolve("vlek.der");
            if (Files.exists(vek) && Files.exists(dir.resolve("ask.pem"))) {
                seeds.add(certificateTable(List.of(SnpCertificateTable.VCEK, SnpCertificateTable.ASK),
                        List.of(Files.readAllBytes(vek), Files.readAllBytes(dir.resolve("ask.pem")))));
            }
        }
        FuzzCampaign.named("snp-certificate-table").seeds(seeds).documented(code(ReasonCode.COLLATERAL_INVALID))
                .regressionsFrom(getClass())
                .run(t -> SnpCertificateTable.parse(t).entry(SnpCertificateTable.VCEK));
    }

    /** An extended-report certificate table: 24-byte entries (GUID, offset, length), a zero entry, the data. */
    private static byte[] certificateTable(List<UUID> guids, List<byte[]> data) {
        int offset = 24 * (guids.size() + 1);
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (int i = 0; i < guids.size(); i++) {
            UUID g = guids.get(i);
            table.writeBytes(java.nio.ByteBuffer.allocate(16).putLong(g.getMostSignificantBits())
                    .putLong(g.getLeastSignificantBits()).array());
            table.writeBytes(le32(offset));
            table.writeBytes(le32(data.get(i).length));
            offset += data.get(i).length;
        }
        table.writeBytes(new byte[24]);
        data.forEach(table::writeBytes);
        return table.toByteArray();
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static List<byte[]> spdmReports() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] hex : files("gpu", "report\\.hex")) {
            out.add(Hex.decode(new String(hex, StandardCharsets.US_ASCII)));
        }
        return out;
    }

    @Test
    void spdmReport() {
        FuzzCampaign.named("spdm-report").seeds(spdmReports()).documented(code(ReasonCode.MALFORMED_EVIDENCE))
                .regressionsFrom(getClass())
                .run(r -> {
                    SpdmAttestationReport report = SpdmAttestationReport.parse(r, 96);
                    readEveryOpaqueField(report.response().opaqueData());
                });
    }

    @Test
    void spdmOpaqueData() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (byte[] r : spdmReports()) {
            ByteArrayOutputStream tlv = new ByteArrayOutputStream();
            for (OpaqueField f : SpdmAttestationReport.parse(r, 96).response().opaqueData().fields()) {
                byte[] v = f.value();
                tlv.writeBytes(new byte[] {(byte) f.type(), (byte) (f.type() >>> 8), (byte) v.length, (byte) (v.length >>> 8)});
                tlv.writeBytes(v);
            }
            seeds.add(tlv.toByteArray());
        }
        FuzzCampaign.named("spdm-opaque-data").seeds(seeds).documented(code(ReasonCode.MALFORMED_EVIDENCE))
                .regressionsFrom(getClass())
                .run(b -> readEveryOpaqueField(OpaqueData.parse(new ByteReader(b), "opaque_data")));
    }

    /** The typed accessors decode as they read, so they are part of what is fuzzed. */
    private static void readEveryOpaqueField(OpaqueData d) throws VerificationException {
        d.driverVersion();
        d.gpuVbiosVersion();
        d.switchBiosVersion();
        d.fwid();
        d.nvdec0Status();
    }

    @Test
    void swidRim() {
        FuzzCampaign.named("rim-xml").seeds(files("gpu", ".*\\.(xml|swidtag)"))
                .dictionary("<", ">", "</", "/>", "\"", "'", "&amp;", "&xxe;", "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
                        "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>", "<![CDATA[",
                        "]]>", "<?xml version=\"1.0\"?>", "xmlns=\"\"", "<Payload>", "<Resource ", "SHA384:hash0=\"",
                        "<ds:Signature>", "size=\"-1\"", "<SoftwareIdentity ", "&#0;", "&#xD800;")
                .documented(code(ReasonCode.COLLATERAL_INVALID)).regressionsFrom(getClass())
                .run(xml -> {
                    SwidRim rim = SwidRimParser.parse(xml, "rim");
                    rim.toString();
                });
    }
}

package org.openanolis.attestation.verifier.snp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.parsers.snp.SnpFirmwareVersion;
import org.openanolis.attestation.parsers.snp.SnpGuestPolicy;
import org.openanolis.attestation.parsers.snp.SnpPlatformInfo;
import org.openanolis.attestation.parsers.snp.SnpReport;
import org.openanolis.attestation.parsers.snp.SnpTcbVersion;
import org.openanolis.attestation.parsers.snp.VekExtensions;
import org.openanolis.attestation.verifier.VerifiedEvidence;

/**
 * A report that {@link SnpReportVerifier} has verified, with the product and VEK it was verified
 * against. Only the verifier makes instances. {@link #claims()} is the normalized claim set:
 * snake_case keys, bytes as lower-case hex, 64-bit bitfields as 16 hex digits ({@code raw}).
 */
public final class VerifiedSnpReport {
    private final SnpReport report;
    private final AmdProduct product;
    private final VekExtensions vek;
    private final String vekFingerprint;

    VerifiedSnpReport(SnpReport report, AmdProduct product, VekExtensions vek, String vekFingerprint) {
        this.report = report;
        this.product = product;
        this.vek = vek;
        this.vekFingerprint = vekFingerprint;
    }

    public SnpReport report() {
        return report;
    }

    public AmdProduct product() {
        return product;
    }

    public VekExtensions vek() {
        return vek;
    }

    /** A TCB field of the report decoded with the product layout. */
    public SnpTcbVersion tcb(long raw) {
        return SnpTcbVersion.decode(raw, product);
    }

    /** As {@link VerifiedEvidence}: tee {@code snp}, no TCB status (AMD has no TCB-info service). */
    public VerifiedEvidence toVerifiedEvidence() {
        return new VerifiedEvidence("snp", null, List.of(), claims());
    }

    /** The claims, in a fixed order. */
    public Map<String, Object> claims() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tee", "snp");
        c.put("report_version", report.version());
        c.put("product", product.folder());
        c.put("signer", report.signingKey().claim());
        c.put("measurement", report.measurementHex());
        c.put("host_data", report.hostDataHex());
        c.put("report_data", report.reportDataHex());
        c.put("id_key_digest", report.idKeyDigestHex());
        c.put("author_key_digest", report.authorKeyDigestHex());
        c.put("author_key_enabled", report.authorKeyEnabled());
        c.put("family_id", report.familyIdHex());
        c.put("image_id", report.imageIdHex());
        c.put("report_id", report.reportIdHex());
        c.put("report_id_ma", report.reportIdMaHex());
        c.put("guest_svn", report.guestSvn());
        c.put("vmpl", report.vmpl());
        c.put("policy", policy(report.policy()));
        c.put("debug", report.policy().debug());
        c.put("platform_info", platformInfo(report.platformInfo()));
        c.put("current_tcb", tcbClaim(tcb(report.currentTcb())));
        c.put("reported_tcb", tcbClaim(tcb(report.reportedTcb())));
        c.put("committed_tcb", tcbClaim(tcb(report.committedTcb())));
        c.put("launch_tcb", tcbClaim(tcb(report.launchTcb())));
        c.put("chip_id", report.chipIdHex());
        c.put("chip_id_masked", report.chipIdMasked());
        c.put("mask_chip_key", report.maskChipKey());
        Map<String, Object> fw = new LinkedHashMap<>();
        fw.put("current", firmware(report.currentFirmware()));
        fw.put("committed", firmware(report.committedFirmware()));
        c.put("firmware", fw);
        report.cpuid().ifPresent(id -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("family", id.family());
            m.put("model", id.model());
            m.put("stepping", id.stepping());
            c.put("cpuid", m);
        });
        report.launchMitVector().ifPresent(v -> c.put("launch_mit_vector", hex64(v)));
        report.currentMitVector().ifPresent(v -> c.put("current_mit_vector", hex64(v)));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("product_name", vek.productName());
        v.put("fingerprint", vekFingerprint);
        vek.cspId().ifPresent(id -> v.put("csp_id", id));
        c.put("vek", v);
        return c;
    }

    /** A 64-bit value as 16 lower-case hex digits. */
    static String hex64(long v) {
        String h = Long.toHexString(v);
        return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
    }

    private static Map<String, Object> policy(SnpGuestPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("abi_major", p.abiMajor());
        m.put("abi_minor", p.abiMinor());
        m.put("smt", p.smt());
        m.put("migrate_ma", p.migrateMa());
        m.put("debug", p.debug());
        m.put("single_socket", p.singleSocket());
        m.put("cxl_allow", p.cxlAllow());
        m.put("mem_aes_256_xts", p.memAes256Xts());
        m.put("rapl_dis", p.raplDis());
        m.put("ciphertext_hiding", p.ciphertextHiding());
        m.put("page_swap_disable", p.pageSwapDisable());
        m.put("raw", hex64(p.raw()));
        return m;
    }

    private static Map<String, Object> platformInfo(SnpPlatformInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("smt_enabled", p.smtEnabled());
        m.put("tsme_enabled", p.tsmeEnabled());
        m.put("ecc_enabled", p.eccEnabled());
        m.put("rapl_disabled", p.raplDisabled());
        m.put("ciphertext_hiding_enabled", p.ciphertextHidingEnabled());
        m.put("alias_check_complete", p.aliasCheckComplete());
        m.put("tio_enabled", p.tioEnabled());
        m.put("unknown_bits", hex64(p.unknownBits()));
        m.put("raw", hex64(p.raw()));
        return m;
    }

    private static Map<String, Object> tcbClaim(SnpTcbVersion t) {
        Map<String, Object> m = new LinkedHashMap<>();
        t.fmc().ifPresent(f -> m.put("fmc", f));
        m.put("bootloader", t.bootloader());
        m.put("tee", t.tee());
        m.put("snp", t.snp());
        m.put("microcode", t.microcode());
        m.put("raw", t.rawHex());
        return m;
    }

    private static Map<String, Object> firmware(SnpFirmwareVersion f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("major", f.major());
        m.put("minor", f.minor());
        m.put("build", f.build());
        return m;
    }
}

package org.openanolis.attestation.parsers.snp;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.ByteReader;

/**
 * An SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI specification, "ATTESTATION_REPORT Structure";
 * {@code snp-verification.md} section 1), parsed and checked for form only: no cryptography, no
 * product-dependent decoding (TCB values stay raw until the product is known).
 *
 * <p>The parser enforces: exactly 1184 bytes; VERSION 2, 3 or 5; SIGNATURE_ALGO 1 (ECDSA P-384
 * with SHA-384); policy bit 17 set and bits 63:26 clear; SIGNER_INFO bits 31:5 clear and
 * SIGNING_KEY 0 (VCEK) or 1 (VLEK); every reserved range zero, version-aware (the CPUID bytes
 * 0x188..0x18A exist from v3, the mitigation vectors 0x1F8..0x207 from v5); the high 24 bytes of
 * the 72-byte little-endian R and S fields zero. Every failure is MALFORMED_EVIDENCE naming the
 * field and the offset.
 *
 * <p>Instances are immutable; byte-array accessors return copies.
 */
public final class SnpReport {
    /** The size of every report. */
    public static final int SIZE = 0x4A0;
    /** The signature covers {@code [0, SIGNED_LENGTH)}. */
    public static final int SIGNED_LENGTH = 0x2A0;
    /** The report versions this parser accepts. */
    public static final Set<Long> SUPPORTED_VERSIONS = Set.of(2L, 3L, 5L);
    /** SIGNATURE_ALGO value for ECDSA P-384 with SHA-384. */
    public static final long ECDSA_P384_SHA384 = 1;

    /** Field offsets (ABI specification, Table "ATTESTATION_REPORT Structure"). */
    public static final int OFF_VERSION = 0x000;
    public static final int OFF_GUEST_SVN = 0x004;
    public static final int OFF_POLICY = 0x008;
    public static final int OFF_FAMILY_ID = 0x010;
    public static final int OFF_IMAGE_ID = 0x020;
    public static final int OFF_VMPL = 0x030;
    public static final int OFF_SIGNATURE_ALGO = 0x034;
    public static final int OFF_CURRENT_TCB = 0x038;
    public static final int OFF_PLATFORM_INFO = 0x040;
    public static final int OFF_SIGNER_INFO = 0x048;
    public static final int OFF_REPORT_DATA = 0x050;
    public static final int OFF_MEASUREMENT = 0x090;
    public static final int OFF_HOST_DATA = 0x0C0;
    public static final int OFF_ID_KEY_DIGEST = 0x0E0;
    public static final int OFF_AUTHOR_KEY_DIGEST = 0x110;
    public static final int OFF_REPORT_ID = 0x140;
    public static final int OFF_REPORT_ID_MA = 0x160;
    public static final int OFF_REPORTED_TCB = 0x180;
    public static final int OFF_CPUID = 0x188;
    public static final int OFF_CHIP_ID = 0x1A0;
    public static final int OFF_COMMITTED_TCB = 0x1E0;
    public static final int OFF_CURRENT_FW = 0x1E8;
    public static final int OFF_COMMITTED_FW = 0x1EC;
    public static final int OFF_LAUNCH_TCB = 0x1F0;
    public static final int OFF_LAUNCH_MIT_VECTOR = 0x1F8;
    public static final int OFF_CURRENT_MIT_VECTOR = 0x200;
    public static final int OFF_SIGNATURE_R = 0x2A0;
    public static final int OFF_SIGNATURE_S = 0x2E8;
    public static final int OFF_TAIL = 0x330;
    /** Each signature component field is 72 bytes little-endian; only the low 48 are used. */
    public static final int SIG_FIELD = 72;
    public static final int SIG_COMPONENT = 48;

    private final byte[] raw;
    private final long version;
    private final long guestSvn;
    private final SnpGuestPolicy policy;
    private final long vmpl;
    private final long currentTcb;
    private final SnpPlatformInfo platformInfo;
    private final long signerInfo;
    private final SnpSigningKey signingKey;
    private final long reportedTcb;
    private final SnpCpuid cpuid;
    private final long committedTcb;
    private final SnpFirmwareVersion currentFirmware;
    private final SnpFirmwareVersion committedFirmware;
    private final long launchTcb;
    private final Long launchMitVector;
    private final Long currentMitVector;
    private final BigInteger r;
    private final BigInteger s;

    private SnpReport(byte[] raw, ByteReader in) throws VerificationException {
        this.raw = raw;
        this.version = in.u32("report.version");
        if (!SUPPORTED_VERSIONS.contains(version)) {
            throw VerificationException.malformed("report.version", OFF_VERSION,
                    "unsupported report version " + version + " (supported: 2, 3, 5)");
        }
        this.guestSvn = in.u32("report.guest_svn");
        this.policy = SnpGuestPolicy.parse(in.u64("report.policy"), OFF_POLICY);
        in.skip(16, "report.family_id");
        in.skip(16, "report.image_id");
        this.vmpl = in.u32("report.vmpl");
        long algo = in.u32("report.signature_algo");
        if (algo != ECDSA_P384_SHA384) {
            throw VerificationException.malformed("report.signature_algo", OFF_SIGNATURE_ALGO,
                    "unknown signature algorithm " + algo + " (only 1, ECDSA P-384 SHA-384)");
        }
        this.currentTcb = in.u64("report.current_tcb");
        this.platformInfo = new SnpPlatformInfo(in.u64("report.platform_info"));
        this.signerInfo = in.u32("report.signer_info");
        if ((signerInfo & ~0x1FL) != 0) {
            throw VerificationException.malformed("report.signer_info", OFF_SIGNER_INFO,
                    "SIGNER_INFO bits 31:5 must be zero");
        }
        int key = (int) (signerInfo >>> 2 & 0x7);
        this.signingKey = switch (key) {
            case 0 -> SnpSigningKey.VCEK;
            case 1 -> SnpSigningKey.VLEK;
            default -> throw VerificationException.malformed("report.signer_info.signing_key", OFF_SIGNER_INFO,
                    "SIGNING_KEY " + key + (key == 7 ? " (report not signed)" : " (reserved)"));
        };
        in.zeros(4, "report.reserved_04c");
        in.skip(64, "report.report_data");
        in.skip(48, "report.measurement");
        in.skip(32, "report.host_data");
        in.skip(48, "report.id_key_digest");
        in.skip(48, "report.author_key_digest");
        in.skip(32, "report.report_id");
        in.skip(32, "report.report_id_ma");
        this.reportedTcb = in.u64("report.reported_tcb");
        if (version >= 3) {
            this.cpuid = new SnpCpuid(in.u8("report.cpuid_fam_id"), in.u8("report.cpuid_mod_id"),
                    in.u8("report.cpuid_step"));
            in.zeros(OFF_CHIP_ID - (OFF_CPUID + 3), "report.reserved_18b");
        } else {
            this.cpuid = null;
            in.zeros(OFF_CHIP_ID - OFF_CPUID, "report.reserved_188");
        }
        in.skip(64, "report.chip_id");
        this.committedTcb = in.u64("report.committed_tcb");
        this.currentFirmware = firmware(in, "report.current");
        in.zeros(1, "report.reserved_1eb");
        this.committedFirmware = firmware(in, "report.committed");
        in.zeros(1, "report.reserved_1ef");
        this.launchTcb = in.u64("report.launch_tcb");
        if (version >= 5) {
            this.launchMitVector = in.u64("report.launch_mit_vector");
            this.currentMitVector = in.u64("report.current_mit_vector");
            in.zeros(OFF_SIGNATURE_R - (OFF_CURRENT_MIT_VECTOR + 8), "report.reserved_208");
        } else {
            this.launchMitVector = null;
            this.currentMitVector = null;
            in.zeros(OFF_SIGNATURE_R - OFF_LAUNCH_MIT_VECTOR, "report.reserved_1f8");
        }
        this.r = component(in, "report.signature.r");
        this.s = component(in, "report.signature.s");
        in.zeros(SIZE - OFF_TAIL, "report.reserved_330");
    }

    private static SnpFirmwareVersion firmware(ByteReader in, String prefix) throws VerificationException {
        int build = in.u8(prefix + "_build");
        int minor = in.u8(prefix + "_minor");
        int major = in.u8(prefix + "_major");
        return new SnpFirmwareVersion(major, minor, build);
    }

    /** A 72-byte little-endian component: the low 48 bytes are the value, the rest must be zero. */
    private static BigInteger component(ByteReader in, String field) throws VerificationException {
        byte[] le = in.bytes(SIG_COMPONENT, field);
        in.zeros(SIG_FIELD - SIG_COMPONENT, field + "_high");
        byte[] be = new byte[SIG_COMPONENT];
        for (int i = 0; i < SIG_COMPONENT; i++) {
            be[i] = le[SIG_COMPONENT - 1 - i];
        }
        return new BigInteger(1, be);
    }

    /**
     * Parses a raw report; the input is copied.
     *
     * @throws VerificationException MALFORMED_EVIDENCE naming the field and offset
     */
    public static SnpReport parse(byte[] report) throws VerificationException {
        if (report.length != SIZE) {
            throw VerificationException.malformed("report.size", report.length,
                    "report is " + report.length + " bytes, an attestation report is exactly " + SIZE);
        }
        byte[] copy = report.clone();
        ByteReader in = new ByteReader(copy);
        SnpReport parsed = new SnpReport(copy, in);
        if (in.remaining() != 0) {
            throw new IllegalStateException("parser did not consume the report");
        }
        return parsed;
    }

    private byte[] slice(int offset, int length) {
        return Arrays.copyOfRange(raw, offset, offset + length);
    }

    private String hex(int offset, int length) {
        return Hex.encode(raw, offset, offset + length);
    }

    /** VERSION (0x000): 2, 3 or 5. */
    public int version() {
        return (int) version;
    }

    /** GUEST_SVN (0x004). */
    public long guestSvn() {
        return guestSvn;
    }

    /** POLICY (0x008). */
    public SnpGuestPolicy policy() {
        return policy;
    }

    /** FAMILY_ID (0x010, 16 bytes), lower-case hex. */
    public String familyIdHex() {
        return hex(OFF_FAMILY_ID, 16);
    }

    /** IMAGE_ID (0x020, 16 bytes), lower-case hex. */
    public String imageIdHex() {
        return hex(OFF_IMAGE_ID, 16);
    }

    /** VMPL (0x030). */
    public long vmpl() {
        return vmpl;
    }

    /** CURRENT_TCB (0x038), raw; decode with {@link SnpTcbVersion#decode} once the product is known. */
    public long currentTcb() {
        return currentTcb;
    }

    /** PLATFORM_INFO (0x040). */
    public SnpPlatformInfo platformInfo() {
        return platformInfo;
    }

    /** SIGNER_INFO (0x048) as read. */
    public long signerInfo() {
        return signerInfo;
    }

    /** SIGNER_INFO bit 0: the ID block was signed by an author key. */
    public boolean authorKeyEnabled() {
        return (signerInfo & 1) != 0;
    }

    /** SIGNER_INFO bit 1: MASK_CHIP_KEY. */
    public boolean maskChipKey() {
        return (signerInfo & 2) != 0;
    }

    /** SIGNER_INFO bits 4:2: which key signed the report. */
    public SnpSigningKey signingKey() {
        return signingKey;
    }

    /** REPORT_DATA (0x050, 64 bytes), a copy. */
    public byte[] reportData() {
        return slice(OFF_REPORT_DATA, 64);
    }

    public String reportDataHex() {
        return hex(OFF_REPORT_DATA, 64);
    }

    /** MEASUREMENT (0x090, 48 bytes), a copy. */
    public byte[] measurement() {
        return slice(OFF_MEASUREMENT, 48);
    }

    public String measurementHex() {
        return hex(OFF_MEASUREMENT, 48);
    }

    /** HOST_DATA (0x0C0, 32 bytes), lower-case hex. */
    public String hostDataHex() {
        return hex(OFF_HOST_DATA, 32);
    }

    /** ID_KEY_DIGEST (0x0E0, 48 bytes), lower-case hex. */
    public String idKeyDigestHex() {
        return hex(OFF_ID_KEY_DIGEST, 48);
    }

    /** AUTHOR_KEY_DIGEST (0x110, 48 bytes), lower-case hex. */
    public String authorKeyDigestHex() {
        return hex(OFF_AUTHOR_KEY_DIGEST, 48);
    }

    /** REPORT_ID (0x140, 32 bytes), lower-case hex. */
    public String reportIdHex() {
        return hex(OFF_REPORT_ID, 32);
    }

    /** REPORT_ID_MA (0x160, 32 bytes; all 0xFF without a migration agent), lower-case hex. */
    public String reportIdMaHex() {
        return hex(OFF_REPORT_ID_MA, 32);
    }

    /** REPORTED_TCB (0x180), raw: the TCB the VCEK or VLEK is issued for. */
    public long reportedTcb() {
        return reportedTcb;
    }

    /** CPUID_FAM_ID, CPUID_MOD_ID, CPUID_STEP (0x188..0x18A), present from version 3. */
    public Optional<SnpCpuid> cpuid() {
        return Optional.ofNullable(cpuid);
    }

    /** CHIP_ID (0x1A0, 64 bytes), a copy. */
    public byte[] chipId() {
        return slice(OFF_CHIP_ID, 64);
    }

    public String chipIdHex() {
        return hex(OFF_CHIP_ID, 64);
    }

    /** True when CHIP_ID is all zero (MASK_CHIP_ID: VLEK platforms, some clouds). */
    public boolean chipIdMasked() {
        for (int i = OFF_CHIP_ID; i < OFF_CHIP_ID + 64; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** COMMITTED_TCB (0x1E0), raw. */
    public long committedTcb() {
        return committedTcb;
    }

    /** CURRENT_BUILD/MINOR/MAJOR (0x1E8..0x1EA). */
    public SnpFirmwareVersion currentFirmware() {
        return currentFirmware;
    }

    /** COMMITTED_BUILD/MINOR/MAJOR (0x1EC..0x1EE). */
    public SnpFirmwareVersion committedFirmware() {
        return committedFirmware;
    }

    /** LAUNCH_TCB (0x1F0), raw. */
    public long launchTcb() {
        return launchTcb;
    }

    /** LAUNCH_MIT_VECTOR (0x1F8), version 5 only. */
    public OptionalLong launchMitVector() {
        return launchMitVector == null ? OptionalLong.empty() : OptionalLong.of(launchMitVector);
    }

    /** CURRENT_MIT_VECTOR (0x200), version 5 only. */
    public OptionalLong currentMitVector() {
        return currentMitVector == null ? OptionalLong.empty() : OptionalLong.of(currentMitVector);
    }

    /** The signed bytes {@code [0, 0x2A0)}, a copy: hash these, never a re-serialisation. */
    public byte[] signedBytes() {
        return slice(0, SIGNED_LENGTH);
    }

    /** Signature R (0x2A0), from its little-endian field. */
    public BigInteger signatureR() {
        return r;
    }

    /** Signature S (0x2E8), from its little-endian field. */
    public BigInteger signatureS() {
        return s;
    }

    /** The whole report as received, a copy. */
    public byte[] raw() {
        return raw.clone();
    }
}

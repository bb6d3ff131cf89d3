package org.openanolis.attestation.simulator.snp;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;

/**
 * Writes SEV-SNP ATTESTATION_REPORTs in the real 1184-byte layout (SEV-SNP ABI specification,
 * "ATTESTATION_REPORT Structure") and signs them with a VEK's P-384 key: ECDSA with SHA-384 over
 * bytes {@code [0, 0x2A0)}, R and S little-endian in 72-byte fields. Version-aware: the CPUID bytes
 * are written from version 3, the mitigation vectors for version 5.
 *
 * <p>Defaults: version 5, policy 0x30000 (SMT + the reserved bit), VMPL 0, VCEK signer,
 * REPORT_ID_MA all 0xFF, firmware 1.55.0, the product's CPUID. {@link #resign} re-signs edited
 * bytes, so tests can build reports whose signature is valid but whose content is wrong.
 */
public final class SnpReportBuilder {
    public static final int SIZE = 0x4A0;
    public static final int SIGNED_LENGTH = 0x2A0;

    private final AmdProduct product;
    private int version = 5;
    private long guestSvn;
    private long policy = 0x30000L;
    private byte[] familyId = new byte[16];
    private byte[] imageId = new byte[16];
    private long vmpl;
    private long signatureAlgo = 1;
    private long currentTcb;
    private long platformInfo = 0x25L;
    private boolean authorKeyEnabled;
    private boolean maskChipKey;
    private int signingKey; // 0 VCEK, 1 VLEK
    private byte[] reportData = new byte[64];
    private byte[] measurement = new byte[48];
    private byte[] hostData = new byte[32];
    private byte[] idKeyDigest = new byte[48];
    private byte[] authorKeyDigest = new byte[48];
    private byte[] reportId = new byte[32];
    private byte[] reportIdMa = filled(32, (byte) 0xff);
    private long reportedTcb;
    private int[] cpuid;
    private byte[] chipId = new byte[64];
    private long committedTcb;
    private int[] currentFirmware = {1, 55, 0};
    private int[] committedFirmware = {1, 55, 0};
    private long launchTcb;
    private long launchMitVector;
    private long currentMitVector;

    private SnpReportBuilder(AmdProduct product) {
        this.product = product;
        this.cpuid = switch (product) {
            case MILAN -> new int[] {0x19, 0x01, 0x01};
            case GENOA -> new int[] {0x19, 0x11, 0x01};
            case TURIN -> new int[] {0x1a, 0x02, 0x01};
        };
    }

    /** A builder with {@code product}'s CPUID and defaults. */
    public static SnpReportBuilder forProduct(AmdProduct product) {
        return new SnpReportBuilder(product);
    }

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    private static byte[] exact(byte[] b, int n, String what) {
        if (b.length != n) {
            throw new IllegalArgumentException(what + " must be " + n + " bytes");
        }
        return b.clone();
    }

    /** VERSION; 2 leaves out the CPUID bytes, anything below 5 the mitigation vectors. */
    public SnpReportBuilder version(int v) { this.version = v; return this; }
    public SnpReportBuilder guestSvn(long v) { this.guestSvn = v; return this; }
    public SnpReportBuilder policy(long v) { this.policy = v; return this; }
    public SnpReportBuilder familyId(byte[] v) { this.familyId = exact(v, 16, "FAMILY_ID"); return this; }
    public SnpReportBuilder imageId(byte[] v) { this.imageId = exact(v, 16, "IMAGE_ID"); return this; }
    public SnpReportBuilder vmpl(long v) { this.vmpl = v; return this; }
    public SnpReportBuilder signatureAlgo(long v) { this.signatureAlgo = v; return this; }
    public SnpReportBuilder platformInfo(long v) { this.platformInfo = v; return this; }
    public SnpReportBuilder authorKeyEnabled(boolean v) { this.authorKeyEnabled = v; return this; }
    public SnpReportBuilder maskChipKey(boolean v) { this.maskChipKey = v; return this; }
    /** SIGNER_INFO.SIGNING_KEY: false for VCEK (0), true for VLEK (1). */
    public SnpReportBuilder signedByVlek(boolean vlek) { this.signingKey = vlek ? 1 : 0; return this; }
    /** SIGNER_INFO.SIGNING_KEY raw (0..7), for negative tests. */
    public SnpReportBuilder signingKeyField(int v) { this.signingKey = v; return this; }
    public SnpReportBuilder reportData(byte[] v) { this.reportData = exact(v, 64, "REPORT_DATA"); return this; }
    public SnpReportBuilder measurement(byte[] v) { this.measurement = exact(v, 48, "MEASUREMENT"); return this; }
    public SnpReportBuilder hostData(byte[] v) { this.hostData = exact(v, 32, "HOST_DATA"); return this; }
    public SnpReportBuilder idKeyDigest(byte[] v) { this.idKeyDigest = exact(v, 48, "ID_KEY_DIGEST"); return this; }
    public SnpReportBuilder authorKeyDigest(byte[] v) { this.authorKeyDigest = exact(v, 48, "AUTHOR_KEY_DIGEST"); return this; }
    public SnpReportBuilder reportId(byte[] v) { this.reportId = exact(v, 32, "REPORT_ID"); return this; }
    public SnpReportBuilder reportIdMa(byte[] v) { this.reportIdMa = exact(v, 32, "REPORT_ID_MA"); return this; }
    public SnpReportBuilder cpuid(int family, int model, int stepping) { this.cpuid = new int[] {family, model, stepping}; return this; }
    public SnpReportBuilder chipId(byte[] v) { this.chipId = exact(v, 64, "CHIP_ID"); return this; }
    /** CHIP_ID from a VCEK hwID: 64 bytes as is, or Turin's 8 bytes followed by 56 zero bytes. */
    public SnpReportBuilder chipIdFromHwId(byte[] hwId) { this.chipId = Arrays.copyOf(hwId, 64); return this; }
    public SnpReportBuilder currentTcb(long raw) { this.currentTcb = raw; return this; }
    public SnpReportBuilder reportedTcb(long raw) { this.reportedTcb = raw; return this; }
    public SnpReportBuilder committedTcb(long raw) { this.committedTcb = raw; return this; }
    public SnpReportBuilder launchTcb(long raw) { this.launchTcb = raw; return this; }
    /** All four TCB fields set to {@code tcb} in the product's layout. */
    public SnpReportBuilder tcb(SimulatedTcb tcb) {
        long raw = tcb.encode(product);
        return currentTcb(raw).reportedTcb(raw).committedTcb(raw).launchTcb(raw);
    }
    public SnpReportBuilder currentFirmware(int major, int minor, int build) { this.currentFirmware = new int[] {major, minor, build}; return this; }
    public SnpReportBuilder committedFirmware(int major, int minor, int build) { this.committedFirmware = new int[] {major, minor, build}; return this; }
    public SnpReportBuilder launchMitVector(long v) { this.launchMitVector = v; return this; }
    public SnpReportBuilder currentMitVector(long v) { this.currentMitVector = v; return this; }

    /** The report with zero signature fields. */
    public byte[] unsigned() {
        byte[] r = new byte[SIZE];
        putU32(r, 0x000, version);
        putU32(r, 0x004, guestSvn);
        putU64(r, 0x008, policy);
        System.arraycopy(familyId, 0, r, 0x010, 16);
        System.arraycopy(imageId, 0, r, 0x020, 16);
        putU32(r, 0x030, vmpl);
        putU32(r, 0x034, signatureAlgo);
        putU64(r, 0x038, currentTcb);
        putU64(r, 0x040, platformInfo);
        putU32(r, 0x048, (authorKeyEnabled ? 1 : 0) | (maskChipKey ? 2 : 0) | (signingKey & 7) << 2);
        System.arraycopy(reportData, 0, r, 0x050, 64);
        System.arraycopy(measurement, 0, r, 0x090, 48);
        System.arraycopy(hostData, 0, r, 0x0C0, 32);
        System.arraycopy(idKeyDigest, 0, r, 0x0E0, 48);
        System.arraycopy(authorKeyDigest, 0, r, 0x110, 48);
        System.arraycopy(reportId, 0, r, 0x140, 32);
        System.arraycopy(reportIdMa, 0, r, 0x160, 32);
        putU64(r, 0x180, reportedTcb);
        if (version >= 3) {
            r[0x188] = (byte) cpuid[0];
            r[0x189] = (byte) cpuid[1];
            r[0x18A] = (byte) cpuid[2];
        }
        System.arraycopy(chipId, 0, r, 0x1A0, 64);
        putU64(r, 0x1E0, committedTcb);
        r[0x1E8] = (byte) currentFirmware[2];
        r[0x1E9] = (byte) currentFirmware[1];
        r[0x1EA] = (byte) currentFirmware[0];
        r[0x1EC] = (byte) committedFirmware[2];
        r[0x1ED] = (byte) committedFirmware[1];
        r[0x1EE] = (byte) committedFirmware[0];
        putU64(r, 0x1F0, launchTcb);
        if (version >= 5) {
            putU64(r, 0x1F8, launchMitVector);
            putU64(r, 0x200, currentMitVector);
        }
        return r;
    }

    /** The report signed with {@code vekKey} (a P-384 private key). */
    public byte[] sign(PrivateKey vekKey) {
        return resign(unsigned(), vekKey);
    }

    /**
     * A copy of {@code report} with a fresh signature by {@code vekKey} over its bytes
     * {@code [0, 0x2A0)}; everything else is kept.
     */
    public static byte[] resign(byte[] report, PrivateKey vekKey) {
        if (report.length < SIGNED_LENGTH + 144) {
            throw new IllegalArgumentException("report too short to sign");
        }
        byte[] out = report.clone();
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-384").digest(Arrays.copyOf(out, SIGNED_LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        BigInteger d = ((ECPrivateKey) vekKey).getS();
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA384Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, Ecdsa.P384));
        BigInteger[] rs = signer.generateSignature(digest);
        writeComponent(out, 0x2A0, rs[0]);
        writeComponent(out, 0x2E8, rs[1]);
        return out;
    }

    /** A 72-byte little-endian field: the value in the low 48 bytes, 24 zero bytes above. */
    private static void writeComponent(byte[] out, int offset, BigInteger v) {
        Arrays.fill(out, offset, offset + 72, (byte) 0);
        byte[] be = v.toByteArray();
        for (int i = 0; i < 48 && i < be.length; i++) {
            out[offset + i] = be[be.length - 1 - i];
        }
    }

    private static void putU32(byte[] b, int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void putU64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}

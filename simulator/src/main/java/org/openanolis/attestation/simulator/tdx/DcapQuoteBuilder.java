package org.openanolis.attestation.simulator.tdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Builds Intel DCAP quotes (v3 SGX, v4 TDX, v5 TDX with TD report 1.0/1.5 or SGX) signed the way a
 * real Quoting Enclave signs them: the QE report's REPORTDATA is SHA-256(attestation key || QE auth
 * data), the QE report is signed with the PCK key, and the quote header and body with the
 * attestation key (layouts in {@code tdx-verification.md} section 1). Every field a test wants to
 * break has a setter; {@link #build()} signs whatever was set.
 */
public final class DcapQuoteBuilder {
    /** Intel's QE vendor id. */
    public static final byte[] INTEL_QE_VENDOR_ID = HexFormat.of().parseHex("939a7233f79c4ca9940a0db3957f0607");

    private int version;
    private int attestationKeyType = 2;
    private long teeType;
    private int bodyType;
    private int bodySizeOverride = -1;
    private byte[] qeVendorId = INTEL_QE_VENDOR_ID.clone();
    private final byte[] userData = new byte[20];
    private final byte[] tdReport = new byte[648];
    private final byte[] enclaveReport = new byte[384];
    private final byte[] qeReport = new byte[384];
    private byte[] qeAuthData = new byte[32];
    private int certificationType = 5;
    private byte[] certificationData = new byte[0];
    private KeyPair attestationKey;
    private PrivateKey pckKey;
    private int trailingZeros;
    private boolean bindQeReportData = true;

    private DcapQuoteBuilder(int version, long teeType, int bodyType) {
        this.version = version;
        this.teeType = teeType;
        this.bodyType = bodyType;
        for (int i = 0; i < qeAuthData.length; i++) {
            qeAuthData[i] = (byte) i;
        }
        // QE report defaults: Intel's TD QE / QE identity (attributes 0x11, MRSIGNER DC9E..., ISVPRODID).
        qeReport[48] = 0x11;
        System.arraycopy(HexFormat.of().parseHex(QeIdentityDocument.INTEL_QE_MRSIGNER), 0, qeReport, 128, 32);
        qeIsvProdId(teeType == 0x81 ? 2 : 1);
        qeIsvSvn(8);
        // TD defaults: SEPT_VE_DISABLE set, a non-zero MRTD.
        tdReport[120 + 3] = 0x10;
        for (int i = 0; i < 48; i++) {
            tdReport[136 + i] = (byte) (0xa0 + i);
        }
    }

    /** A v4 TDX quote (TD report 1.0). */
    public static DcapQuoteBuilder tdxV4() {
        return new DcapQuoteBuilder(4, 0x81, 2);
    }

    /** A v5 TDX quote with TD report 1.5 ({@code td15}) or 1.0. */
    public static DcapQuoteBuilder tdxV5(boolean td15) {
        return new DcapQuoteBuilder(5, 0x81, td15 ? 3 : 2);
    }

    /** A v3 SGX quote. */
    public static DcapQuoteBuilder sgxV3() {
        return new DcapQuoteBuilder(3, 0, 1);
    }

    /** A v5 SGX quote (body type 1). */
    public static DcapQuoteBuilder sgxV5() {
        return new DcapQuoteBuilder(5, 0, 1);
    }

    // ---------------------------------------------------------------- header

    /** Header version (offset 0): 3, 4 or 5; other values make malformed quotes. */
    public DcapQuoteBuilder version(int v) { version = v; return this; }

    /** Header attestation key type (offset 2); 2 is ECDSA P-256. */
    public DcapQuoteBuilder attestationKeyType(int v) { attestationKeyType = v; return this; }

    /** Header TEE type (offset 4): 0 SGX, 0x81 TDX. */
    public DcapQuoteBuilder teeType(long v) { teeType = v; return this; }

    /** The v5 body descriptor's type (1, 2, 3). */
    public DcapQuoteBuilder bodyType(int v) { bodyType = v; return this; }

    /** A v5 body size that disagrees with the type (the body bytes written still follow the type). */
    public DcapQuoteBuilder bodySizeOverride(int v) { bodySizeOverride = v; return this; }

    /** Header QE vendor id (offset 12, 16 bytes); Intel's by default. */
    public DcapQuoteBuilder qeVendorId(byte[] v) { qeVendorId = v.clone(); return this; }

    // ---------------------------------------------------------------- TD report (body offsets, tdx-verification.md 1.2)

    /** Writes {@code bytes} at TD report body offset {@code offset}. */
    public DcapQuoteBuilder tdField(int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, tdReport, offset, bytes.length);
        return this;
    }

    /** TEE_TCB_SVN (TD report offset 0): [0] module minor, [1] module major, [2] microcode. */
    public DcapQuoteBuilder teeTcbSvn(byte[] svn16) { return tdField(0, svn16); }

    /** MRSIGNERSEAM (TD report offset 64). */
    public DcapQuoteBuilder mrSignerSeam(byte[] v48) { return tdField(64, v48); }

    /** SEAMATTRIBUTES (TD report offset 112). */
    public DcapQuoteBuilder seamAttributes(byte[] v8) { return tdField(112, v8); }

    /** TDATTRIBUTES (TD report offset 120); SEPT_VE_DISABLE is set by default. */
    public DcapQuoteBuilder tdAttributes(byte[] v8) { return tdField(120, v8); }

    /** MRTD (TD report offset 136). */
    public DcapQuoteBuilder mrTd(byte[] v48) { return tdField(136, v48); }

    /** REPORTDATA of the TD report (offset 520). */
    public DcapQuoteBuilder tdReportData(byte[] v64) { return tdField(520, v64); }

    /** TEE_TCB_SVN2 (TD report 1.5 offset 584). */
    public DcapQuoteBuilder teeTcbSvn2(byte[] svn16) { return tdField(584, svn16); }

    /** MRSERVICETD (TD report 1.5 offset 600). */
    public DcapQuoteBuilder mrServiceTd(byte[] v48) { return tdField(600, v48); }

    // ---------------------------------------------------------------- SGX enclave report

    /** Writes {@code bytes} at SGX enclave report offset {@code offset} (the quote body of SGX quotes). */
    public DcapQuoteBuilder enclaveField(int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, enclaveReport, offset, bytes.length);
        return this;
    }

    // ---------------------------------------------------------------- QE report

    /** Writes {@code bytes} at QE report offset {@code offset}. */
    public DcapQuoteBuilder qeField(int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, qeReport, offset, bytes.length);
        return this;
    }

    /** QE report ISVPRODID (offset 256); 2 for the TD QE, 1 for the SGX QE by default. */
    public DcapQuoteBuilder qeIsvProdId(int v) {
        qeReport[256] = (byte) v;
        qeReport[257] = (byte) (v >> 8);
        return this;
    }

    /** QE report ISVSVN (offset 258); 8 by default. */
    public DcapQuoteBuilder qeIsvSvn(int v) {
        qeReport[258] = (byte) v;
        qeReport[259] = (byte) (v >> 8);
        return this;
    }

    /** QE report MRSIGNER (offset 128); Intel's QE signer by default. */
    public DcapQuoteBuilder qeMrSigner(byte[] v32) { return qeField(128, v32); }

    /** QE report MISCSELECT (offset 16), raw little-endian bytes. */
    public DcapQuoteBuilder qeMiscSelect(byte[] v4) { return qeField(16, v4); }

    /** QE report ATTRIBUTES (offset 48); 0x11 in byte 0 by default. */
    public DcapQuoteBuilder qeAttributes(byte[] v16) { return qeField(48, v16); }

    /** QE authentication data (32 bytes 0..31 by default; any length is allowed). */
    public DcapQuoteBuilder qeAuthData(byte[] v) { qeAuthData = v.clone(); return this; }

    /** When false, REPORTDATA is left as set instead of SHA-256(attestation key || QE auth data). */
    public DcapQuoteBuilder bindQeReportData(boolean v) { bindQeReportData = v; return this; }

    // ---------------------------------------------------------------- keys and certification data

    /** The attestation key pair (P-256) that signs the quote. */
    public DcapQuoteBuilder attestationKey(KeyPair k) { attestationKey = k; return this; }

    /** The PCK private key that signs the QE report. */
    public DcapQuoteBuilder pckKey(PrivateKey k) { pckKey = k; return this; }

    /** Inner certification data: type 5 with the PEM chain, or types 1..4 with anything. */
    public DcapQuoteBuilder certification(int type, byte[] data) {
        certificationType = type;
        certificationData = data.clone();
        return this;
    }

    /** Zero bytes appended after the signature data, as real quote buffers have. */
    public DcapQuoteBuilder trailingZeros(int n) { trailingZeros = n; return this; }

    /** Signs and serialises the quote. */
    public byte[] build() {
        Objects.requireNonNull(attestationKey, "attestationKey");
        Objects.requireNonNull(pckKey, "pckKey");
        boolean sgxBody = bodyType == 1;
        int bodySize = sgxBody ? 384 : bodyType == 3 ? 648 : 584;
        ByteBuffer signed = ByteBuffer.allocate(48 + 6 + bodySize).order(ByteOrder.LITTLE_ENDIAN);
        signed.putShort((short) version).putShort((short) attestationKeyType).putInt((int) teeType)
                .putShort((short) 0).putShort((short) 0).put(qeVendorId).put(userData);
        if (version == 5) {
            signed.putShort((short) bodyType).putInt(bodySizeOverride >= 0 ? bodySizeOverride : bodySize);
        }
        if (sgxBody) {
            signed.put(enclaveReport);
        } else {
            signed.put(tdReport, 0, bodySize);
        }
        byte[] signedRegion = new byte[signed.position()];
        signed.flip();
        signed.get(signedRegion);

        byte[] ak = IntelTestPki.rawPublicKey(attestationKey);
        byte[] qe = qeReport.clone();
        if (bindQeReportData) {
            byte[] h = sha256(ak, qeAuthData);
            System.arraycopy(h, 0, qe, 320, 32);
            java.util.Arrays.fill(qe, 352, 384, (byte) 0);
        }
        byte[] qeSig = IntelTestPki.signRaw(pckKey, qe);
        byte[] quoteSig = IntelTestPki.signRaw(attestationKey.getPrivate(), signedRegion);

        ByteBuffer qeCert = ByteBuffer.allocate(384 + 64 + 2 + qeAuthData.length + 2 + 4 + certificationData.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        qeCert.put(qe).put(qeSig).putShort((short) qeAuthData.length).put(qeAuthData)
                .putShort((short) certificationType).putInt(certificationData.length).put(certificationData);
        byte[] sigData;
        if (version == 3) {
            sigData = ByteBuffer.allocate(128 + qeCert.capacity()).put(quoteSig).put(ak).put(qeCert.array()).array();
        } else {
            sigData = ByteBuffer.allocate(128 + 6 + qeCert.capacity()).order(ByteOrder.LITTLE_ENDIAN)
                    .put(quoteSig).put(ak).putShort((short) 6).putInt(qeCert.capacity()).put(qeCert.array()).array();
        }
        return ByteBuffer.allocate(signedRegion.length + 4 + sigData.length + trailingZeros).order(ByteOrder.LITTLE_ENDIAN)
                .put(signedRegion).putInt(sigData.length).put(sigData).array();
    }

    private static byte[] sha256(byte[] a, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(a);
            md.update(b);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

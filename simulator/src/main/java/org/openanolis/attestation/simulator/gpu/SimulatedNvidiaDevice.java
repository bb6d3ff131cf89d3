package org.openanolis.attestation.simulator.gpu;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One simulated GPU or NVSwitch: its credentials from an {@link NvidiaTestPki}, its measurements
 * (RIM index → 48-byte SHA-384 value) and the opaque-data values a real device reports. Produces
 * signed SPDM reports for any nonce. The service reuses it to simulate hosts with 8 GPUs.
 */
public final class SimulatedNvidiaDevice {
    /** Opaque-data type ids used here (see the verifier's {@code OpaqueFieldType}). */
    public static final int DRIVER_VERSION = 3;
    public static final int VBIOS_VERSION = 6;
    public static final int NVDEC0_STATUS = 11;
    public static final int CHIP_SKU = 15;
    public static final int PROJECT = 17;
    public static final int PROJECT_SKU = 18;
    public static final int FWID = 20;
    public static final int OPAQUE_DATA_VERSION = 34;
    public static final int CHIP_INFO = 35;
    public static final int FEATURE_FLAG = 36;

    private final SimulatedArch arch;
    private final NvidiaTestPki.DeviceCredentials credentials;
    private final Map<Integer, byte[]> measurements;
    private final byte[] fwid;
    private final String driverVersion;
    private final String vbiosVersion;
    private final String project;
    private final String projectSku;
    private final String chipSku;
    private final int nvdec0Status;
    private final int featureFlag;

    private SimulatedNvidiaDevice(Builder b, NvidiaTestPki pki) {
        this.arch = b.arch;
        this.fwid = b.fwidInReport ? b.fwid.clone() : null;
        this.credentials = pki.issueDevice(b.arch, b.fwidInCertificate ? b.fwid : null,
                b.fwidOid == null ? b.arch.fwidOid() : b.fwidOid, pki.notBefore(), pki.notAfter());
        this.measurements = new TreeMap<>();
        b.measurements.forEach((k, v) -> measurements.put(k, v.clone()));
        this.driverVersion = b.driverVersion;
        this.vbiosVersion = b.vbiosVersion;
        this.project = b.project;
        this.projectSku = b.projectSku;
        this.chipSku = b.chipSku;
        this.nvdec0Status = b.nvdec0Status;
        this.featureFlag = b.featureFlag;
    }

    /** A builder with Hopper-like defaults and random measurements for every block. */
    public static Builder builder(SimulatedArch arch) {
        return new Builder(arch);
    }

    /** Configuration of a simulated device. */
    public static final class Builder {
        private final SimulatedArch arch;
        private final Map<Integer, byte[]> measurements = new TreeMap<>();
        private byte[] fwid = new byte[48];
        private boolean fwidInReport = true;
        private boolean fwidInCertificate = true;
        private String driverVersion = "550.90.07";
        private String vbiosVersion;
        private String project = "1010";
        private String projectSku = "0200";
        private String chipSku = "882";
        private int nvdec0Status = 0xAA;
        private int featureFlag = 0;
        private String fwidOid;

        private Builder(SimulatedArch arch) {
            this.arch = arch;
            this.vbiosVersion = arch.isSwitch() ? "96.10.55.00.01" : "96.00.9F.00.01";
            SecureRandom r = new SecureRandom();
            r.nextBytes(fwid);
            for (int i = 0; i < arch.blocks(); i++) {
                byte[] m = new byte[48];
                r.nextBytes(m);
                measurements.put(i, m);
            }
        }

        public Builder driverVersion(String v) {
            this.driverVersion = v;
            return this;
        }

        /** Dotted VBIOS (GPU, e.g. "96.00.9F.00.01") or BIOS (switch) version. */
        public Builder vbiosVersion(String v) {
            this.vbiosVersion = v;
            return this;
        }

        public Builder project(String project, String projectSku, String chipSku) {
            this.project = project;
            this.projectSku = projectSku;
            this.chipSku = chipSku;
            return this;
        }

        /** 0xAA enabled, 0x55 disabled. */
        public Builder nvdec0Status(int status) {
            this.nvdec0Status = status;
            return this;
        }

        /** 0 SPT, 1 MPT, 2 PPCIe. */
        public Builder featureFlag(int flag) {
            this.featureFlag = flag;
            return this;
        }

        /** The 48-byte FWID placed in the report and in the leaf certificate. */
        public Builder fwid(byte[] fwid) {
            this.fwid = fwid.clone();
            return this;
        }

        /** Whether the report and the certificate carry the FWID (both by default). */
        public Builder fwidPresence(boolean inReport, boolean inCertificate) {
            this.fwidInReport = inReport;
            this.fwidInCertificate = inCertificate;
            return this;
        }

        /** The certificate extension OID carrying the FWID (default: the architecture's). */
        public Builder fwidOid(String oid) {
            this.fwidOid = oid;
            return this;
        }

        /** Sets the measurement of RIM index {@code rimIndex} (SPDM block {@code rimIndex + 1}). */
        public Builder measurement(int rimIndex, byte[] value) {
            measurements.put(rimIndex, value.clone());
            return this;
        }

        public SimulatedNvidiaDevice build(NvidiaTestPki pki) {
            return new SimulatedNvidiaDevice(this, Objects.requireNonNull(pki, "pki"));
        }
    }

    public SimulatedArch arch() {
        return arch;
    }

    public NvidiaTestPki.DeviceCredentials credentials() {
        return credentials;
    }

    /** RIM index → measurement value (copies). */
    public Map<Integer, byte[]> measurements() {
        Map<Integer, byte[]> out = new TreeMap<>();
        measurements.forEach((k, v) -> out.put(k, v.clone()));
        return Collections.unmodifiableMap(out);
    }

    public String driverVersion() {
        return driverVersion;
    }

    public String vbiosVersion() {
        return vbiosVersion;
    }

    /** A report builder pre-filled with this device's blocks and opaque data for {@code nonce}. */
    public SpdmReportBuilder reportBuilder(byte[] nonce) {
        SpdmReportBuilder b = new SpdmReportBuilder().nonce(nonce);
        measurements.forEach((idx, v) -> b.block(idx + 1, v));
        if (arch.isSwitch()) {
            b.opaque(VBIOS_VERSION, (vbiosVersion + "\0").getBytes(StandardCharsets.US_ASCII));
        } else {
            b.opaque(DRIVER_VERSION, (driverVersion + "\0").getBytes(StandardCharsets.US_ASCII));
            b.opaque(VBIOS_VERSION, gpuVbiosBytes(vbiosVersion));
            b.opaque(NVDEC0_STATUS, new byte[] {(byte) nvdec0Status});
            b.opaque(CHIP_SKU, chipSku.getBytes(StandardCharsets.US_ASCII));
            b.opaque(PROJECT, project.getBytes(StandardCharsets.US_ASCII));
            b.opaque(PROJECT_SKU, projectSku.getBytes(StandardCharsets.US_ASCII));
            b.opaque(OPAQUE_DATA_VERSION, new byte[] {1, 0, 0, 0});
            b.opaque(FEATURE_FLAG, new byte[] {(byte) featureFlag, 0, 0, 0});
            if (arch == SimulatedArch.BLACKWELL) {
                b.opaque(CHIP_INFO, "GB100\0".getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (fwid != null) {
            b.opaque(FWID, fwid);
        }
        return b;
    }

    /** A signed report for {@code nonce}. */
    public byte[] report(byte[] nonce) {
        return reportBuilder(nonce).sign(credentials.attestationKey().getPrivate());
    }

    /**
     * The 8 raw bytes a GPU reports for a dotted VBIOS version: the inverse of NVIDIA's formatting
     * ({@code h = hex(reversed raw)}; version = {@code h[8:16] + h[6:8]}).
     */
    public static byte[] gpuVbiosBytes(String dotted) {
        String v = dotted.replace(".", "").toLowerCase();
        if (v.length() != 10) {
            throw new IllegalArgumentException("VBIOS version must have five parts: " + dotted);
        }
        String h = "000000" + v.substring(8, 10) + v.substring(0, 8);
        byte[] be = new byte[8];
        for (int i = 0; i < 8; i++) {
            be[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        byte[] raw = new byte[8];
        for (int i = 0; i < 8; i++) {
            raw[i] = be[7 - i];
        }
        return raw;
    }

    /** RIM ids the verifier will ask for (for sources keyed by id). */
    public String fwidHex() {
        return fwid == null ? null : java.util.HexFormat.of().formatHex(fwid);
    }

    @Override
    public String toString() {
        return "SimulatedNvidiaDevice[" + arch + ", " + Arrays.toString(new String[] {driverVersion, vbiosVersion}) + "]";
    }
}

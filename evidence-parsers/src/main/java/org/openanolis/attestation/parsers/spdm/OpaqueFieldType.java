package org.openanolis.attestation.parsers.spdm;

/**
 * NVIDIA opaque-data TLV type ids ({@code gpu-verification.md} §1.3; NVIDIA nvtrust
 * {@code OpaqueData.OPAQUE_DATA_TYPES}, NVAT {@code gpu_opaque_data_parser.hpp}).
 */
public final class OpaqueFieldType {
    public static final int CERT_ISSUER_NAME = 1;
    public static final int CERT_AUTHORITY_KEY_IDENTIFIER = 2;
    /** ASCII, NUL-terminated driver version (GPU). */
    public static final int DRIVER_VERSION = 3;
    public static final int GPU_INFO = 4;
    public static final int SKU = 5;
    /** GPU: 8 bytes binary; switch: ASCII dotted. */
    public static final int VBIOS_VERSION = 6;
    public static final int MANUFACTURER_ID = 7;
    public static final int TAMPER_DETECTION = 8;
    public static final int SMC = 9;
    public static final int VPR = 10;
    /** 1 byte: 0xAA enabled, 0x55 disabled (GPU). */
    public static final int NVDEC0_STATUS = 11;
    public static final int MSRSCNT = 12;
    public static final int CPRINFO = 13;
    public static final int BOARD_ID = 14;
    public static final int CHIP_SKU = 15;
    public static final int CHIP_SKU_MOD = 16;
    public static final int PROJECT = 17;
    public static final int PROJECT_SKU = 18;
    public static final int PROJECT_SKU_MOD = 19;
    /** 48 bytes; must equal the FWID of the device leaf certificate. */
    public static final int FWID = 20;
    public static final int PROTECTED_PCIE_STATUS = 21;
    /** GPU: SWITCH_PDI list; switch: DEVICE_PDI. */
    public static final int SWITCH_PDI = 22;
    public static final int FLOORSWEPT_PORTS = 23;
    public static final int POSITION_ID = 24;
    public static final int LOCK_SWITCH_STATUS = 25;
    public static final int SWITCH_GPU_PDIS = 26;
    public static final int SWITCH_PORTS = 27;
    public static final int GPU_LINK_CONN = 32;
    public static final int SYS_ENABLE_STATUS = 33;
    public static final int OPAQUE_DATA_VERSION = 34;
    /** ASCII chip name (Blackwell and later). */
    public static final int CHIP_INFO = 35;
    /** LE int: 0 SPT, 1 MPT, 2 PPCIE. */
    public static final int FEATURE_FLAG = 36;
    public static final int INVALID = 255;

    private OpaqueFieldType() {}
}

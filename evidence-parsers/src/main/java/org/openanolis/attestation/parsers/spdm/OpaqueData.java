package org.openanolis.attestation.parsers.spdm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.ByteReader;

/**
 * The NVIDIA opaque data of an SPDM MEASUREMENTS response: a sequence of
 * {@code type u16 LE | length u16 LE | value} records ({@code gpu-verification.md} §1.3).
 * Unknown type ids are kept (new firmware adds them); every record must fit the opaque length and
 * a type may appear only once, so a reader can never pick a different copy than the signer meant.
 */
public final class OpaqueData {
    private final List<OpaqueField> fields;

    private OpaqueData(List<OpaqueField> fields) {
        this.fields = List.copyOf(fields);
    }

    /** Parses {@code reader} to its end; {@code baseField} prefixes the field names in errors. */
    public static OpaqueData parse(ByteReader reader, String baseField) throws VerificationException {
        List<OpaqueField> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        while (reader.remaining() > 0) {
            int at = reader.position();
            int type = reader.u16(baseField + ".type");
            int length = reader.u16(baseField + "[" + type + "].length");
            byte[] value = reader.bytes(length, baseField + "[" + type + "].value");
            if (!seen.add(type)) {
                throw VerificationException.malformed(baseField + "[" + type + "]", at, "duplicate opaque data type");
            }
            out.add(new OpaqueField(type, value));
        }
        return new OpaqueData(out);
    }

    /** Every record in wire order. */
    public List<OpaqueField> fields() {
        return fields;
    }

    /** The value of {@code type}, if present (a copy). */
    public Optional<byte[]> get(int type) {
        for (OpaqueField f : fields) {
            if (f.type() == type) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    /** An ASCII field with trailing NULs and surrounding spaces removed. */
    public Optional<String> ascii(int type) {
        return get(type).map(OpaqueData::asciiText);
    }

    static String asciiText(byte[] raw) {
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        return new String(raw, 0, end, StandardCharsets.US_ASCII).strip();
    }

    /** A little-endian unsigned integer field of up to 8 bytes. */
    public Optional<Long> littleEndian(int type) {
        return get(type).map(b -> {
            long v = 0;
            for (int i = Math.min(b.length, 8) - 1; i >= 0; i--) {
                v = v << 8 | (b[i] & 0xffL);
            }
            return v;
        });
    }

    /** Driver version ({@link OpaqueFieldType#DRIVER_VERSION}), NUL stripped. */
    public Optional<String> driverVersion() {
        return ascii(OpaqueFieldType.DRIVER_VERSION);
    }

    /**
     * The GPU VBIOS version formatted as NVIDIA tools print it: the 8-byte value reversed to hex
     * {@code h}, then {@code h[8:16] + h[6:8]} in dotted pairs, upper-case ("96.00.9F.00.01";
     * nvtrust {@code format_vbios_version}).
     */
    public Optional<String> gpuVbiosVersion() {
        return get(OpaqueFieldType.VBIOS_VERSION).map(OpaqueData::formatGpuVbios);
    }

    static String formatGpuVbios(byte[] raw) {
        StringBuilder h = new StringBuilder();
        for (int i = raw.length - 1; i >= 0; i--) {
            h.append(Character.forDigit((raw[i] >> 4) & 0xf, 16)).append(Character.forDigit(raw[i] & 0xf, 16));
        }
        String hex = h.toString();
        if (hex.length() < 16) {
            return hex.toUpperCase(Locale.ROOT);
        }
        String tmp = hex.substring(8, 16) + hex.substring(6, 8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tmp.length(); i += 2) {
            if (i > 0) {
                out.append('.');
            }
            out.append(tmp, i, i + 2);
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    /** The NVSwitch BIOS version, stored as ASCII ("96.10.55.00.01"), upper-cased. */
    public Optional<String> switchBiosVersion() {
        return ascii(OpaqueFieldType.VBIOS_VERSION).map(s -> s.toUpperCase(Locale.ROOT));
    }

    /** The 48-byte FWID, if the firmware reports one. */
    public Optional<byte[]> fwid() {
        return get(OpaqueFieldType.FWID);
    }

    /** NVDEC0_STATUS byte (0xAA enabled, 0x55 disabled) if present and one byte long. */
    public Optional<Integer> nvdec0Status() {
        return get(OpaqueFieldType.NVDEC0_STATUS).filter(b -> b.length == 1).map(b -> b[0] & 0xff);
    }
}

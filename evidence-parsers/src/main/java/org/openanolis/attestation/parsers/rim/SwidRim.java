package org.openanolis.attestation.parsers.rim;

import java.util.List;
import java.util.Optional;

/**
 * A parsed NVIDIA RIM (signed SWID tag, ISO/IEC 19770-2:2015 with the TCG RIM information model),
 * before any cryptographic check. Built only by {@link SwidRimParser}, which also enforced the
 * XML-DSig structure the verifier relies on.
 *
 * @param tagId                 {@code SoftwareIdentity/@tagId}
 * @param product               {@code SoftwareIdentity/@name} ("GH100", "LS10")
 * @param colloquialVersion     {@code Meta/@colloquialVersion}: the driver / VBIOS / BIOS version
 * @param edition               {@code Meta/@edition} ("GPU", "SWITCH")
 * @param firmwareManufacturerId {@code Meta/@ns1:FirmwareManufacturerId} (NVIDIA: "5703"), or null
 * @param measurements          the {@code /SoftwareIdentity/Payload/Resource} measurements, in document order
 * @param signerChain           DER certificates of {@code ds:KeyInfo/ds:X509Data}, signer first
 * @param sha256                SHA-256 of the document bytes, lower-case hex (the cache key)
 */
public record SwidRim(String tagId, String product, String colloquialVersion, String edition,
                      String firmwareManufacturerId, List<GoldenMeasurement> measurements,
                      List<DerBytes> signerChain, String sha256) {
    public SwidRim {
        measurements = List.copyOf(measurements);
        signerChain = List.copyOf(signerChain);
    }

    /** The measurement with RIM index {@code index}. */
    public Optional<GoldenMeasurement> measurement(int index) {
        return measurements.stream().filter(m -> m.index() == index).findFirst();
    }

    /** Immutable DER bytes of one certificate. */
    public record DerBytes(byte[] der) {
        public DerBytes {
            der = der.clone();
        }

        @Override
        public byte[] der() {
            return der.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DerBytes d && java.util.Arrays.equals(d.der, der);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(der);
        }
    }
}

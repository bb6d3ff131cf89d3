package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The evidence of one NVIDIA device, independent of where it came from (a bundle, an NRAS-style
 * JSON request, a live host): the {@code tee} ({@code nvgpu} or {@code nvswitch}), the
 * architecture when the sender declared one, the SPDM report bytes and the device certificate
 * chain as the driver returns it (leaf first, the device's copy of the root last).
 */
public final class GpuEvidence {
    private final String tee;
    private final GpuArchitecture declaredArchitecture;
    private final byte[] report;
    private final List<X509Certificate> certificateChain;
    private final String chainDigest;

    /**
     * @param tee                  {@code nvgpu} or {@code nvswitch}
     * @param declaredArchitecture the sender's {@code arch}, or null to take it from the certificate
     * @param report               SPDM GET_MEASUREMENTS request || response (copied)
     * @param certificateChain     leaf first
     */
    public GpuEvidence(String tee, GpuArchitecture declaredArchitecture, byte[] report,
                       List<X509Certificate> certificateChain) {
        if (!"nvgpu".equals(tee) && !"nvswitch".equals(tee)) {
            throw new IllegalArgumentException("tee must be nvgpu or nvswitch, got " + tee);
        }
        this.tee = tee;
        this.declaredArchitecture = declaredArchitecture;
        this.report = Objects.requireNonNull(report, "report").clone();
        this.certificateChain = List.copyOf(certificateChain);
        this.chainDigest = CHAIN_DIGESTS.get(this.certificateChain, GpuEvidence::digest);
    }

    /**
     * Chain digests by list identity, weakly held. {@code List.copyOf} of an unmodifiable list is
     * that list, so a chain the service decoded once (and hands out again for every request of
     * that host) is hashed once; any other list is copied and hashed anew. The lists are
     * unmodifiable and certificates are immutable, so the digest cannot go stale.
     */
    private static final Cache<List<X509Certificate>, String> CHAIN_DIGESTS =
            Caffeine.newBuilder().weakKeys().build();

    /** Evidence whose certificate chain is PEM text; an undecodable chain is {@code CERT_CHAIN_INVALID}. */
    public static GpuEvidence fromPem(String tee, GpuArchitecture declaredArchitecture, byte[] report, byte[] pemChain)
            throws VerificationException {
        List<X509Certificate> chain = Certificates.parsePemChain(pemChain, ReasonCode.CERT_CHAIN_INVALID, "cert_chain");
        return new GpuEvidence(tee, declaredArchitecture, report, chain);
    }

    private static String digest(List<X509Certificate> chain) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : chain) {
                byte[] der = c.getEncoded();
                md.update((byte) (der.length >>> 24));
                md.update((byte) (der.length >>> 16));
                md.update((byte) (der.length >>> 8));
                md.update((byte) der.length);
                md.update(der);
            }
            return Hex.encode(md.digest());
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String tee() {
        return tee;
    }

    public Optional<GpuArchitecture> declaredArchitecture() {
        return Optional.ofNullable(declaredArchitecture);
    }

    /** A copy of the report bytes. */
    public byte[] report() {
        return report.clone();
    }

    /** The report bytes without a copy, for this package's parser call only. */
    byte[] reportView() {
        return report;
    }

    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }

    /** SHA-256 over the length-prefixed DER certificates: the key of the device-chain cache. */
    public String chainDigest() {
        return chainDigest;
    }
}

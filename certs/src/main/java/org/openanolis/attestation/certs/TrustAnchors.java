package org.openanolis.attestation.certs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * The vendor roots the verifier pins, immutable once loaded.
 *
 * <p>Layout (the same as {@code shared/trust-anchors}): {@code intel/Intel_SGX_Provisioning_Certification_RootCA.pem},
 * {@code amd/<milan|genoa|turin>/{ark,ask,asvk}.pem}, {@code nvidia/device_identity_ca.pem},
 * {@code nvidia/corim_signing_root_ca.pem}. The built-in set is shipped as resources of this
 * module and every certificate is checked against {@link #PINNED_SHA256} when loaded. A directory
 * given with {@code --trust-anchors} (for example a test PKI) replaces the built-in set; if it has
 * a {@code FINGERPRINTS.txt}, every file listed there must match it.
 */
public final class TrustAnchors {
    /** Relative path of each anchor, as in {@code shared/trust-anchors}. */
    public static final String INTEL_SGX_ROOT = "intel/Intel_SGX_Provisioning_Certification_RootCA.pem";
    public static final String NVIDIA_DEVICE_ROOT = "nvidia/device_identity_ca.pem";
    public static final String NVIDIA_RIM_ROOT = "nvidia/corim_signing_root_ca.pem";

    /**
     * SHA-256 over the DER of each built-in anchor. Source: the vendors' publications, copied into
     * {@code shared/trust-anchors} (see its PROVENANCE.md); values from its FINGERPRINTS.txt.
     */
    public static final Map<String, String> PINNED_SHA256 = Map.ofEntries(
            Map.entry(INTEL_SGX_ROOT, "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3"),
            Map.entry("amd/milan/ark.pem", "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd"),
            Map.entry("amd/milan/ask.pem", "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b"),
            Map.entry("amd/milan/asvk.pem", "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5"),
            Map.entry("amd/genoa/ark.pem", "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1"),
            Map.entry("amd/genoa/ask.pem", "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521"),
            Map.entry("amd/genoa/asvk.pem", "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372"),
            Map.entry("amd/turin/ark.pem", "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a"),
            Map.entry("amd/turin/ask.pem", "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185"),
            Map.entry("amd/turin/asvk.pem", "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c"),
            Map.entry(NVIDIA_DEVICE_ROOT, "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48"),
            Map.entry(NVIDIA_RIM_ROOT, "12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1"));

    /** AMD EPYC generations with their own ARK/ASK/ASVK. */
    public enum AmdProduct {
        MILAN, GENOA, TURIN;

        public String folder() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** ARK (root), ASK (VCEK issuer) and ASVK (VLEK issuer) of one AMD product. */
    public record AmdAnchors(X509Certificate ark, X509Certificate ask, X509Certificate asvk) {}

    private static final String RESOURCE_ROOT = "/org/openanolis/attestation/trust-anchors/";
    private static volatile TrustAnchors builtIn;

    private final String origin;
    private final Map<String, X509Certificate> anchors;

    private TrustAnchors(String origin, Map<String, X509Certificate> anchors) {
        this.origin = origin;
        this.anchors = Map.copyOf(anchors);
    }

    /** The vendor roots shipped with the verifier, each checked against its pinned fingerprint. */
    public static TrustAnchors builtIn() {
        TrustAnchors t = builtIn;
        if (t == null) {
            synchronized (TrustAnchors.class) {
                t = builtIn;
                if (t == null) {
                    t = loadBuiltIn();
                    builtIn = t;
                }
            }
        }
        return t;
    }

    private static TrustAnchors loadBuiltIn() {
        Map<String, X509Certificate> map = new HashMap<>();
        for (Map.Entry<String, String> pin : PINNED_SHA256.entrySet()) {
            try (InputStream in = TrustAnchors.class.getResourceAsStream(RESOURCE_ROOT + pin.getKey())) {
                if (in == null) {
                    throw new IllegalStateException("built-in trust anchor missing: " + pin.getKey());
                }
                X509Certificate cert = Certificates.parseCertificate(in.readAllBytes(),
                        ReasonCode.CERT_CHAIN_INVALID, pin.getKey());
                String actual = Certificates.fingerprint(cert);
                if (!actual.equals(pin.getValue())) {
                    throw new IllegalStateException("built-in trust anchor " + pin.getKey()
                            + " has fingerprint " + actual + ", pinned " + pin.getValue());
                }
                map.put(pin.getKey(), cert);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (VerificationException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return new TrustAnchors("built-in", map);
    }

    /**
     * Loads every known anchor file present under {@code dir}. Files listed in the directory's
     * {@code FINGERPRINTS.txt}, if it has one, must match their listed SHA-256.
     *
     * @throws IOException when the directory cannot be read or a fingerprint does not match
     */
    public static TrustAnchors fromDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("trust-anchor directory not found: " + dir);
        }
        Map<String, String> listed = readFingerprints(dir.resolve("FINGERPRINTS.txt"));
        Map<String, X509Certificate> map = new HashMap<>();
        for (String rel : PINNED_SHA256.keySet()) {
            Path file = dir.resolve(rel);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                X509Certificate cert = Certificates.parseCertificate(Files.readAllBytes(file),
                        ReasonCode.CERT_CHAIN_INVALID, rel);
                String want = listed.get(rel);
                if (want != null && !want.equals(Certificates.fingerprint(cert))) {
                    throw new IOException("trust anchor " + file + " does not match FINGERPRINTS.txt");
                }
                map.put(rel, cert);
            } catch (VerificationException e) {
                throw new IOException("trust anchor " + file + ": " + e.getMessage(), e);
            }
        }
        return new TrustAnchors(dir.toString(), map);
    }

    private static Map<String, String> readFingerprints(Path file) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+");
            if (parts.length == 2 && parts[0].matches("[0-9a-f]{64}")) {
                out.put(parts[1], parts[0]);
            }
        }
        return out;
    }

    /** Where these anchors came from ({@code built-in} or a directory), for claims and logs. */
    public String origin() {
        return origin;
    }

    /** An anchor by its relative path, if this set has it. */
    public Optional<X509Certificate> find(String relativePath) {
        return Optional.ofNullable(anchors.get(relativePath));
    }

    /** An anchor that must be present; its absence is {@link ReasonCode#CERT_CHAIN_INVALID}. */
    public X509Certificate require(String relativePath) throws VerificationException {
        X509Certificate c = anchors.get(relativePath);
        if (c == null) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, "trust_anchors." + relativePath,
                    "no trust anchor " + relativePath + " in " + origin);
        }
        return c;
    }

    public X509Certificate intelSgxRoot() throws VerificationException {
        return require(INTEL_SGX_ROOT);
    }

    public X509Certificate nvidiaDeviceIdentityCa() throws VerificationException {
        return require(NVIDIA_DEVICE_ROOT);
    }

    public X509Certificate nvidiaRimRoot() throws VerificationException {
        return require(NVIDIA_RIM_ROOT);
    }

    /** ARK, ASK and ASVK of one AMD product; a missing ARK is {@link ReasonCode#CERT_CHAIN_INVALID}. */
    public AmdAnchors amd(AmdProduct product) throws VerificationException {
        String base = "amd/" + product.folder() + "/";
        return new AmdAnchors(require(base + "ark.pem"),
                anchors.get(base + "ask.pem"), anchors.get(base + "asvk.pem"));
    }

    /** Every anchor of this set keyed by relative path. */
    public Map<String, X509Certificate> all() {
        return anchors;
    }

}

package org.openanolis.attestation.simulator.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.simulator.gpu.NvidiaTestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedArch;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.gpu.SwidRimBuilder;
import org.openanolis.attestation.simulator.snp.AmdTestPki;
import org.openanolis.attestation.simulator.snp.SimulatedSnpPlatform;
import org.openanolis.attestation.simulator.snp.SimulatedTcb;
import org.openanolis.attestation.simulator.tdx.IntelTestPki;
import org.openanolis.attestation.simulator.tdx.SimulatedIntelPlatform;
import org.openanolis.attestation.simulator.tdx.TcbInfoDocument;

/**
 * A simulated world of vendors around the attestation service: an Intel-like, an AMD-like and an
 * NVIDIA-like test PKI, one platform type of each (a TDX FMSPC, a Genoa chip, a Hopper GPU firmware
 * release), and everything a verifier needs to trust hosts of that world:
 * <ul>
 *   <li>{@link #writeTrustAnchors} — the test roots, laid out like {@code shared/trust-anchors};</li>
 *   <li>{@link #writeOfflineCollateral} — Intel TCB info, QE identity, CRLs and chains signed by the
 *       test PKI, as a directory of attestation bundles (the service's offline collateral);</li>
 *   <li>{@link #startServices} — a loopback NVIDIA RIM service serving the GPU firmware's signed
 *       RIMs, and a loopback OCSP responder for every NVIDIA CA.</li>
 * </ul>
 * Hosts ({@link SimulatedHost}) are built against one environment. Collateral is valid from one
 * day before {@code now} for 30 days; certificates from a year before {@code now} for five years.
 */
public final class SimulatedEnvironment {
    /** The FMSPC of the simulated TDX platform type. */
    public static final String TDX_FMSPC = "00906ed50000";
    /** TDX TCB components (TEE_TCB_SVN) of the simulated platform type, matching its TCB info. */
    public static final int[] TDX_TCB = {5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** The driver and VBIOS release of the simulated GPUs (the RIM service has their RIMs). */
    public static final String DRIVER_VERSION = "550.90.07";
    public static final String VBIOS_VERSION = "96.00.9F.00.01";
    /** The SEV-SNP TCB of the simulated Genoa chip. */
    public static final SimulatedTcb SNP_TCB = new SimulatedTcb(0, 10, 0, 25, 84);

    private final Instant now;
    private final IntelTestPki intel;
    private final SimulatedIntelPlatform referenceTdx;
    private final NvidiaTestPki nvidia;
    private final NvidiaTestPki.RimSigner rimSigner;
    private final AmdTestPki amd;
    private final SimulatedSnpPlatform snp;
    private final Map<Integer, byte[]> gpuFirmware;
    private final Map<String, byte[]> rims;

    private SimulatedEnvironment(Instant now) {
        this.now = now;
        Instant from = now.minus(Duration.ofDays(365));
        Instant to = now.plus(Duration.ofDays(5 * 365));
        this.intel = IntelTestPki.create(from, to);
        this.referenceTdx = SimulatedIntelPlatform.tdx(intel, TDX_FMSPC);
        this.nvidia = NvidiaTestPki.create(from, to);
        this.rimSigner = nvidia.rimSigner();
        this.amd = AmdTestPki.create(AmdProduct.GENOA, from);
        byte[] hwId = new byte[64];
        new SecureRandom().nextBytes(hwId);
        this.snp = new SimulatedSnpPlatform(amd, SNP_TCB, hwId);
        Map<Integer, byte[]> fw = new TreeMap<>();
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < SimulatedArch.HOPPER.blocks(); i++) {
            byte[] m = new byte[48];
            r.nextBytes(m);
            fw.put(i, m);
        }
        this.gpuFirmware = Collections.unmodifiableMap(fw);
        SimulatedNvidiaDevice sample = newGpu(DRIVER_VERSION, Map.of());
        Map<String, byte[]> docs = new LinkedHashMap<>();
        docs.put(driverRimId(DRIVER_VERSION), SwidRimBuilder.driverRim(sample).sign(rimSigner));
        docs.put(vbiosRimId(sample), SwidRimBuilder.vbiosRim(sample).sign(rimSigner));
        this.rims = Collections.unmodifiableMap(docs);
    }

    /** A new environment whose collateral and certificates are valid at {@code now}. */
    public static SimulatedEnvironment create(Instant now) {
        return new SimulatedEnvironment(now);
    }

    /** A new environment valid at the current time. */
    public static SimulatedEnvironment create() {
        return create(Instant.now());
    }

    public Instant now() {
        return now;
    }

    public IntelTestPki intelPki() {
        return intel;
    }

    public NvidiaTestPki nvidiaPki() {
        return nvidia;
    }

    public AmdTestPki amdPki() {
        return amd;
    }

    /** The one simulated SEV-SNP chip (its VCEK is what KDS would serve). */
    public SimulatedSnpPlatform snpPlatform() {
        return snp;
    }

    /** A new TDX platform of the simulated type (its own PCK certificate and attestation key). */
    public SimulatedIntelPlatform newTdxPlatform() {
        return SimulatedIntelPlatform.tdx(intel, TDX_FMSPC);
    }

    /**
     * A new Hopper GPU running the simulated firmware with driver {@code driverVersion}, its own
     * device certificates, and the measurements of the release except those in {@code overrides}
     * (RIM index → 48-byte value; a tampered GPU).
     */
    public SimulatedNvidiaDevice newGpu(String driverVersion, Map<Integer, byte[]> overrides) {
        SimulatedNvidiaDevice.Builder b = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER)
                .driverVersion(driverVersion).vbiosVersion(VBIOS_VERSION);
        gpuFirmware.forEach(b::measurement);
        overrides.forEach(b::measurement);
        return b.build(nvidia);
    }

    /** The signed RIMs the RIM service serves, by NVIDIA RIM id. */
    public Map<String, byte[]> rims() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        rims.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    /** The NVIDIA RIM id of a Hopper driver release ({@code gpu-verification.md} §6). */
    public static String driverRimId(String driverVersion) {
        return "NV_GPU_DRIVER_GH100_" + driverVersion;
    }

    private static String vbiosRimId(SimulatedNvidiaDevice d) {
        // Project, SKU and chip SKU are the SimulatedNvidiaDevice defaults.
        return ("NV_GPU_VBIOS_1010_0200_882_" + d.vbiosVersion().replace(".", "")).toUpperCase(Locale.ROOT);
    }

    /**
     * Writes the test roots under {@code dir} in the layout of {@code shared/trust-anchors}
     * ({@code intel/…}, {@code amd/genoa/…}, {@code nvidia/…}) and returns {@code dir}.
     */
    public Path writeTrustAnchors(Path dir) throws IOException {
        Path i = dir.resolve("intel");
        Files.createDirectories(i);
        Files.write(i.resolve("Intel_SGX_Provisioning_Certification_RootCA.pem"),
                IntelTestPki.pem(intel.root().certificate()));
        amd.writeTrustAnchors(dir);
        nvidia.writeTrustAnchors(dir);
        return dir;
    }

    /** Intel collateral of the simulated TDX platform type, as PCS serves it (bundle collateral keys). */
    public Map<String, byte[]> tdxCollateral() {
        Instant issue = now.minus(Duration.ofDays(1));
        Instant next = now.plus(Duration.ofDays(30));
        TcbInfoDocument tcb = referenceTdx.tcbInfo(issue, next, TDX_TCB);
        return referenceTdx.collateral(tcb, referenceTdx.qeIdentity(issue, next), issue, next, List.of());
    }

    /**
     * Writes the Intel collateral as an attestation bundle ({@code bundle-format.md}, purpose 4)
     * under {@code dir/tdx-<fmspc>/}, with a sample quote as its evidence, and returns {@code dir}:
     * what the service's {@code offline_collateral_dir} reads.
     */
    public Path writeOfflineCollateral(Path dir) throws IOException {
        Path b = dir.resolve("tdx-" + TDX_FMSPC);
        Files.createDirectories(b);
        Map<String, byte[]> parts = tdxCollateral();
        Map<String, String> names = Map.of("tcb_info", "tcb_info.json", "tcb_info_issuer_chain", "tcb_info_issuer_chain.pem",
                "qe_identity", "qe_identity.json", "qe_identity_issuer_chain", "qe_identity_issuer_chain.pem",
                "pck_crl", "pck_crl.der", "pck_crl_issuer_chain", "pck_crl_issuer_chain.pem",
                "root_ca_crl", "root_ca_crl.der");
        StringBuilder collateral = new StringBuilder();
        for (Map.Entry<String, byte[]> e : parts.entrySet()) {
            String file = names.get(e.getKey());
            Files.write(b.resolve(file), e.getValue());
            collateral.append(collateral.length() == 0 ? "" : ",\n").append("    ")
                    .append(Json.quote(e.getKey())).append(": ").append(Json.quote(file));
        }
        Files.write(b.resolve("quote.bin"), referenceTdx.quote().teeTcbSvn(svn(TDX_TCB)).build());
        String manifest = "{\n  \"format\": \"attestation-bundle/v1\",\n  \"tee\": \"tdx\",\n"
                + "  \"evidence\": {\"quote\": \"quote.bin\"},\n  \"collateral\": {\n" + collateral + "\n  }\n}\n";
        Files.writeString(b.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
        return dir;
    }

    /** Starts the loopback NVIDIA RIM service and OCSP responder (close them when done). */
    public VendorServices startServices(Clock clock) throws IOException {
        return VendorServices.start(this, clock, rimSigner);
    }

    static byte[] svn(int[] components) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) components[i];
        }
        return b;
    }
}

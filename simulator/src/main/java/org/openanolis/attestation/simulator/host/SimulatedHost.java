package org.openanolis.attestation.simulator.host;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openanolis.attestation.simulator.TestPki;
import org.openanolis.attestation.simulator.gpu.SimulatedNvidiaDevice;
import org.openanolis.attestation.simulator.snp.SimulatedSnpPlatform;
import org.openanolis.attestation.simulator.tdx.DcapQuoteBuilder;
import org.openanolis.attestation.simulator.tdx.IntelTestPki;
import org.openanolis.attestation.simulator.tdx.SimulatedIntelPlatform;

/**
 * One simulated confidential inference host of a {@link SimulatedEnvironment}: a TDX (or SEV-SNP)
 * CPU TEE with a TEE key pair and 0..8 Hopper GPUs. Given a nonce from {@code GET /v1/nonce} it
 * follows the attester's recipe of {@code docs/api.md}:
 * <ol>
 *   <li>{@code N} = base64url-decoded nonce;</li>
 *   <li>every GPU signs SPDM evidence with nonce {@code SHA-256(N)};</li>
 *   <li>{@code runtime_data} = {@code {"tee_pubkey":<public JWK>,"gpu_evidence_sha256":[…]}};</li>
 *   <li>the CPU quote/report carries report data {@code SHA-512(N ‖ runtime_data)};</li>
 * </ol>
 * and produces the exact {@code POST /v1/attest} body ({@link Evidence#json()}).
 */
public final class SimulatedHost {
    /** The CPU TEE of a host. */
    public enum CpuTee { TDX, SNP }

    private final CpuTee cpu;
    private final SimulatedIntelPlatform tdx;
    private final SimulatedSnpPlatform snp;
    private final List<SimulatedNvidiaDevice> gpus;
    private final KeyPair teeKey;
    private final boolean debug;

    private SimulatedHost(Builder b) {
        this.cpu = b.cpu;
        this.tdx = b.cpu == CpuTee.TDX ? b.env.newTdxPlatform() : null;
        this.snp = b.cpu == CpuTee.SNP ? b.env.snpPlatform() : null;
        List<SimulatedNvidiaDevice> list = new ArrayList<>();
        for (int i = 0; i < b.gpus; i++) {
            list.add(b.env.newGpu(b.driverVersion, b.tampered.getOrDefault(i, Map.of())));
        }
        this.gpus = List.copyOf(list);
        this.teeKey = TestPki.ecKeyPair("secp256r1");
        this.debug = b.debug;
    }

    /** A TDX host (no GPUs unless configured). */
    public static Builder tdx(SimulatedEnvironment env) {
        return new Builder(env, CpuTee.TDX);
    }

    /** An SEV-SNP host on the environment's Genoa chip; the request carries its VCEK. */
    public static Builder snp(SimulatedEnvironment env) {
        return new Builder(env, CpuTee.SNP);
    }

    /** Configuration of a simulated host. */
    public static final class Builder {
        private final SimulatedEnvironment env;
        private final CpuTee cpu;
        private int gpus;
        private boolean debug;
        private String driverVersion = SimulatedEnvironment.DRIVER_VERSION;
        private final Map<Integer, Map<Integer, byte[]>> tampered = new HashMap<>();

        private Builder(SimulatedEnvironment env, CpuTee cpu) {
            this.env = Objects.requireNonNull(env, "env");
            this.cpu = cpu;
        }

        /** Number of GPUs, 0..8. */
        public Builder gpus(int n) {
            if (n < 0 || n > 8) {
                throw new IllegalArgumentException("0..8 GPUs");
            }
            this.gpus = n;
            return this;
        }

        /** A debug TD / guest (TDATTRIBUTES.DEBUG; SNP policy bit 19). */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /** The GPU driver version (one the RIM service does not know makes the RIM missing). */
        public Builder driverVersion(String v) {
            this.driverVersion = v;
            return this;
        }

        /** GPU {@code gpu} reports {@code value} at RIM index {@code rimIndex} instead of the release's. */
        public Builder tamperedMeasurement(int gpu, int rimIndex, byte[] value) {
            tampered.computeIfAbsent(gpu, k -> new HashMap<>()).put(rimIndex, value.clone());
            return this;
        }

        public SimulatedHost build() {
            return new SimulatedHost(this);
        }
    }

    public CpuTee cpu() {
        return cpu;
    }

    /** The GPUs, in request order. */
    public List<SimulatedNvidiaDevice> gpus() {
        return gpus;
    }

    /** The TEE key pair whose public half goes into {@code runtime_data} (and the token's {@code cnf}). */
    public KeyPair teeKey() {
        return teeKey;
    }

    /** The TEE public key as a JWK (JSON text, P-256). */
    public String teePublicJwk() {
        byte[] raw = IntelTestPki.rawPublicKey(teeKey);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + b64.encodeToString(Arrays.copyOfRange(raw, 0, 32))
                + "\",\"y\":\"" + b64.encodeToString(Arrays.copyOfRange(raw, 32, 64)) + "\"}";
    }

    /** Evidence for {@code nonce} following the recipe. */
    public Evidence evidence(String nonce) {
        return evidence(nonce, sha256(decodeNonce(nonce)));
    }

    /**
     * Evidence for {@code nonce} whose GPUs were asked with {@code gpuNonce} (32 bytes) instead of
     * {@code SHA-256(N)}: GPU evidence of another session, otherwise consistent.
     */
    public Evidence evidence(String nonce, byte[] gpuNonce) {
        byte[] n = decodeNonce(nonce);
        List<Gpu> gpuEvidence = new ArrayList<>();
        StringBuilder digests = new StringBuilder();
        for (int i = 0; i < gpus.size(); i++) {
            Gpu g = gpuEvidence(i, gpuNonce);
            gpuEvidence.add(g);
            digests.append(digests.length() == 0 ? "" : ",").append('"')
                    .append(HexFormat.of().formatHex(sha256(g.report))).append('"');
        }
        byte[] runtime = ("{\"tee_pubkey\":" + teePublicJwk() + ",\"gpu_evidence_sha256\":[" + digests + "]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] reportData = sha512(n, runtime);
        return new Evidence(nonce, runtime, cpuTee(), cpuEvidence(reportData), vekPem(), gpuEvidence);
    }

    /**
     * The CPU evidence of this host binding exactly {@code reportData} (64 bytes): for TDX a signed
     * DCAP quote v4 with the platform's TCB (and TDATTRIBUTES.DEBUG for a debug TD), for SNP a
     * signed attestation report. What a {@code configfs-tsm} read returns; for attesters that build
     * {@code runtime_data} themselves (e.g. the client SDK's {@code AttesterClient}).
     */
    public byte[] cpuEvidence(byte[] reportData) {
        if (reportData.length != 64) {
            throw new IllegalArgumentException("report data must be 64 bytes");
        }
        if (cpu == CpuTee.TDX) {
            DcapQuoteBuilder q = tdx.quote().teeTcbSvn(SimulatedEnvironment.svn(SimulatedEnvironment.TDX_TCB))
                    .tdReportData(reportData);
            if (debug) {
                q.tdAttributes(new byte[] {1, 0, 0, 0x10, 0, 0, 0, 0});
            }
            return q.build();
        }
        return debug ? snp.attest(reportData, r -> r.policy(0x30000L | 1L << 19)) : snp.attest(reportData);
    }

    /** The {@code cpu.tee} of the request: {@code tdx} or {@code snp}. */
    public String cpuTee() {
        return cpu == CpuTee.TDX ? "tdx" : "snp";
    }

    /** For SNP: the chip's VCEK as PEM (sent as {@code cpu.vek}); null for TDX. */
    public String vekPem() {
        return cpu == CpuTee.SNP ? TestPki.pem(snp.vcek()) : null;
    }

    /**
     * GPU {@code index}'s SPDM evidence answering {@code nonce} (32 bytes) with its device chain:
     * what the GPU driver returns for one device.
     */
    public Gpu gpuEvidence(int index, byte[] nonce) {
        if (nonce.length != 32) {
            throw new IllegalArgumentException("SPDM nonce must be 32 bytes");
        }
        SimulatedNvidiaDevice d = gpus.get(index);
        return new Gpu(d.arch().tee(), d.report(nonce),
                new String(d.credentials().chainPem(), StandardCharsets.US_ASCII));
    }

    /** The {@code POST /v1/attest} body for {@code nonce}. */
    public String attestRequest(String nonce) {
        return evidence(nonce).json();
    }

    /** One GPU's evidence: SPDM request || response and the device chain PEM (leaf first). */
    public record Gpu(String tee, byte[] report, String certChainPem) {
        public Gpu {
            report = report.clone();
        }

        @Override
        public byte[] report() {
            return report.clone();
        }
    }

    /**
     * Everything a host sends: the nonce, the exact runtime_data bytes, the CPU evidence (and for
     * SNP the VCEK PEM) and the GPU evidence items.
     */
    public record Evidence(String nonce, byte[] runtimeData, String cpuTee, byte[] cpuEvidence, String vekPem,
                           List<Gpu> gpus) {
        public Evidence {
            runtimeData = runtimeData.clone();
            cpuEvidence = cpuEvidence.clone();
            gpus = List.copyOf(gpus);
        }

        @Override
        public byte[] runtimeData() {
            return runtimeData.clone();
        }

        @Override
        public byte[] cpuEvidence() {
            return cpuEvidence.clone();
        }

        /** The same evidence with other CPU evidence bytes (for tampering tests). */
        public Evidence withCpuEvidence(byte[] evidence) {
            return new Evidence(nonce, runtimeData, cpuTee, evidence, vekPem, gpus);
        }

        /** The request body of {@code POST /v1/attest} (docs/api.md). */
        public String json() {
            Base64.Encoder b64 = Base64.getEncoder();
            StringBuilder s = new StringBuilder(4096 + gpus.size() * 4096);
            s.append("{\"nonce\":").append(Json.quote(nonce))
                    .append(",\"runtime_data\":\"").append(b64.encodeToString(runtimeData)).append('"')
                    .append(",\"cpu\":{\"tee\":\"").append(cpuTee).append("\",\"evidence\":\"")
                    .append(b64.encodeToString(cpuEvidence)).append('"');
            if (vekPem != null) {
                s.append(",\"vek\":").append(Json.quote(vekPem));
            }
            s.append("},\"gpus\":[");
            for (int i = 0; i < gpus.size(); i++) {
                Gpu g = gpus.get(i);
                s.append(i == 0 ? "" : ",").append("{\"tee\":\"").append(g.tee()).append("\",\"evidence\":\"")
                        .append(b64.encodeToString(g.report)).append("\",\"cert_chain\":")
                        .append(Json.quote(g.certChainPem())).append('}');
            }
            return s.append("]}").toString();
        }
    }

    /** The raw nonce bytes {@code N} of a {@code /v1/nonce} value (base64url). */
    public static byte[] decodeNonce(String nonce) {
        return Base64.getUrlDecoder().decode(nonce);
    }

    static byte[] sha256(byte[] b) {
        return digest("SHA-256", b);
    }

    static byte[] sha512(byte[] a, byte[] b) {
        return digest("SHA-512", a, b);
    }

    private static byte[] digest(String alg, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(alg);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

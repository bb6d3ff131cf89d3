package org.openanolis.attestation.sdk.testing;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.sdk.CpuEvidenceProvider;
import org.openanolis.attestation.sdk.GpuEvidence;
import org.openanolis.attestation.sdk.GpuEvidenceProvider;
import org.openanolis.attestation.simulator.host.SimulatedHost;

/**
 * The SDK's evidence providers backed by a {@link SimulatedHost}: real-format, vendor-signed TDX
 * quotes / SNP reports over the report data the {@code AttesterClient} computes, and SPDM evidence
 * of each simulated GPU over the nonce it passes. The host's TEE key is the token's key.
 */
public final class SimulatedHostProviders {
    private SimulatedHostProviders() {}

    /** The host's CPU TEE (for SNP the VCEK travels along as {@code vek}). */
    public static CpuEvidenceProvider cpu(SimulatedHost host) {
        return new CpuEvidenceProvider() {
            @Override
            public String tee() {
                return host.cpuTee();
            }

            @Override
            public byte[] evidence(byte[] reportData) {
                return host.cpuEvidence(reportData);
            }

            @Override
            public Map<String, String> certificates() {
                String vek = host.vekPem();
                return vek == null ? Map.of() : Map.of("vek", vek);
            }
        };
    }

    /** One provider per GPU of the host, in the host's order. */
    public static List<GpuEvidenceProvider> gpus(SimulatedHost host) {
        List<GpuEvidenceProvider> out = new ArrayList<>();
        for (int i = 0; i < host.gpus().size(); i++) {
            int index = i;
            out.add(nonce -> {
                SimulatedHost.Gpu g = host.gpuEvidence(index, nonce);
                return new GpuEvidence(g.tee(), g.report(), g.certChainPem());
            });
        }
        return out;
    }

    /** The host's TEE key pair (P-256) as a JWK with its private part, for {@code KeyRelease.unwrap}. */
    public static ECKey teeKey(SimulatedHost host) {
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) host.teeKey().getPublic())
                .privateKey((ECPrivateKey) host.teeKey().getPrivate()).build();
    }
}

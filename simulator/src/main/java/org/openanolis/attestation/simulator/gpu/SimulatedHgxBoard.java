package org.openanolis.attestation.simulator.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * A simulated HGX board: {@code gpuCount} Hopper GPUs running the same firmware and
 * {@code switchCount} LS10 NVSwitches running the same BIOS, each with its own device
 * credentials, plus the signed RIMs that describe that firmware. The service uses it to simulate
 * hosts with 8 GPUs and 4 switches.
 */
public final class SimulatedHgxBoard {
    private final List<SimulatedNvidiaDevice> gpus;
    private final List<SimulatedNvidiaDevice> switches;
    private final byte[] driverRim;
    private final byte[] vbiosRim;
    private final byte[] switchBiosRim;

    /** One piece of device evidence: {@code tee}, signed SPDM report and PEM chain (leaf first). */
    public record DeviceEvidence(String tee, byte[] report, byte[] certificateChainPem) {
        public DeviceEvidence {
            report = report.clone();
            certificateChainPem = certificateChainPem.clone();
        }

        @Override
        public byte[] report() {
            return report.clone();
        }

        @Override
        public byte[] certificateChainPem() {
            return certificateChainPem.clone();
        }
    }

    private SimulatedHgxBoard(NvidiaTestPki pki, NvidiaTestPki.RimSigner signer, int gpuCount, int switchCount) {
        SimulatedNvidiaDevice.Builder gpu = SimulatedNvidiaDevice.builder(SimulatedArch.HOPPER).featureFlag(gpuCount > 1 ? 2 : 0);
        SimulatedNvidiaDevice.Builder sw = SimulatedNvidiaDevice.builder(SimulatedArch.LS10);
        List<SimulatedNvidiaDevice> g = new ArrayList<>();
        for (int i = 0; i < gpuCount; i++) {
            g.add(gpu.build(pki)); // the builder keeps its measurements: every GPU runs the same firmware
        }
        List<SimulatedNvidiaDevice> s = new ArrayList<>();
        for (int i = 0; i < switchCount; i++) {
            s.add(sw.build(pki));
        }
        this.gpus = List.copyOf(g);
        this.switches = List.copyOf(s);
        this.driverRim = gpus.isEmpty() ? null : SwidRimBuilder.driverRim(gpus.get(0)).sign(signer);
        this.vbiosRim = gpus.isEmpty() ? null : SwidRimBuilder.vbiosRim(gpus.get(0)).sign(signer);
        this.switchBiosRim = switches.isEmpty() ? null : SwidRimBuilder.switchBiosRim(switches.get(0)).sign(signer);
    }

    /** A board of {@code gpuCount} GPUs and {@code switchCount} switches (an HGX H100: 8 and 4). */
    public static SimulatedHgxBoard create(NvidiaTestPki pki, NvidiaTestPki.RimSigner signer, int gpuCount,
                                           int switchCount) {
        if (gpuCount < 0 || switchCount < 0) {
            throw new IllegalArgumentException("negative device count");
        }
        return new SimulatedHgxBoard(pki, signer, gpuCount, switchCount);
    }

    public List<SimulatedNvidiaDevice> gpus() {
        return gpus;
    }

    public List<SimulatedNvidiaDevice> switches() {
        return switches;
    }

    /** Every device's evidence for {@code nonce}: GPUs first, then switches. */
    public List<DeviceEvidence> evidence(byte[] nonce) {
        List<DeviceEvidence> out = new ArrayList<>();
        for (SimulatedNvidiaDevice d : gpus) {
            out.add(new DeviceEvidence(d.arch().tee(), d.report(nonce), d.credentials().chainPem()));
        }
        for (SimulatedNvidiaDevice d : switches) {
            out.add(new DeviceEvidence(d.arch().tee(), d.report(nonce), d.credentials().chainPem()));
        }
        return out;
    }

    /** The signed driver RIM of the GPUs (null on a board without GPUs). */
    public byte[] driverRim() {
        return driverRim == null ? null : driverRim.clone();
    }

    /** The signed VBIOS RIM of the GPUs (null on a board without GPUs). */
    public byte[] vbiosRim() {
        return vbiosRim == null ? null : vbiosRim.clone();
    }

    /** The signed BIOS RIM of the switches (null on a board without switches). */
    public byte[] switchBiosRim() {
        return switchBiosRim == null ? null : switchBiosRim.clone();
    }
}

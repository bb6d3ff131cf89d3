package org.openanolis.attestation.simulator.snp;

import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;

/**
 * The security patch levels of a simulated SEV-SNP platform: what a VEK is issued for and what a
 * report's TCB_VERSION fields hold. Encoded with the product's layout (kept apart from the
 * verifier's decoder on purpose, so each checks the other): Milan and Genoa
 * {@code ucode<<56 | snp<<48 | tee<<8 | bl}; Turin {@code ucode<<56 | snp<<24 | tee<<16 | bl<<8 | fmc}.
 *
 * @param fmc FMC SPL (Turin only; ignored for Milan and Genoa)
 */
public record SimulatedTcb(int fmc, int bootloader, int tee, int snp, int microcode) {
    public SimulatedTcb {
        for (int v : new int[] {fmc, bootloader, tee, snp, microcode}) {
            if (v < 0 || v > 0xff) {
                throw new IllegalArgumentException("an SPL is one byte");
            }
        }
    }

    /** The TCB_VERSION in {@code product}'s layout. */
    public long encode(AmdProduct product) {
        byte[] b = new byte[8];
        if (product == AmdProduct.TURIN) {
            b[0] = (byte) fmc;
            b[1] = (byte) bootloader;
            b[2] = (byte) tee;
            b[3] = (byte) snp;
        } else {
            b[0] = (byte) bootloader;
            b[1] = (byte) tee;
            b[6] = (byte) snp;
        }
        b[7] = (byte) microcode;
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xffL);
        }
        return v;
    }

    public SimulatedTcb withFmc(int v) {
        return new SimulatedTcb(v, bootloader, tee, snp, microcode);
    }

    public SimulatedTcb withBootloader(int v) {
        return new SimulatedTcb(fmc, v, tee, snp, microcode);
    }

    public SimulatedTcb withTee(int v) {
        return new SimulatedTcb(fmc, bootloader, v, snp, microcode);
    }

    public SimulatedTcb withSnp(int v) {
        return new SimulatedTcb(fmc, bootloader, tee, v, microcode);
    }

    public SimulatedTcb withMicrocode(int v) {
        return new SimulatedTcb(fmc, bootloader, tee, snp, v);
    }
}

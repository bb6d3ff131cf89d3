package org.openanolis.attestation.simulator.snp;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to put in a simulated VCEK or VLEK ({@link AmdTestPki#issue}). Start from
 * {@link #vcek} or {@link #vlek}, which fill in AMD's values, then change what a test needs
 * (e.g. a VLEK with a hwID, a 2-byte microcode SPL, an OCTET STRING-wrapped hwID, no fmcSPL).
 *
 * @param vlek true for a VLEK (CN {@code SEV-VLEK}, issued by the ASVK)
 * @param productName the productName extension, or empty to leave it out
 * @param structVersion OID .1
 * @param tcb the SPLs (bl, tee, snp, ucode; fmc too when {@code includeFmc})
 * @param includeFmc whether to write fmcSPL (.3.9); AMD writes it on Turin only
 * @param hwId the hwID extension bytes, or empty to leave it out (VLEKs have none)
 * @param wrapHwIdInOctetString write the hwID as a DER OCTET STRING instead of raw bytes
 * @param cspId the cspID extension (VLEKs), or empty
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param keyPair the P-384 key of the VEK
 */
public record VekSpec(boolean vlek, Optional<String> productName, int structVersion, SimulatedTcb tcb,
                      boolean includeFmc, Optional<byte[]> hwId, boolean wrapHwIdInOctetString,
                      Optional<String> cspId, Instant notBefore, Instant notAfter, KeyPair keyPair) {

    public VekSpec {
        Objects.requireNonNull(productName);
        Objects.requireNonNull(tcb);
        hwId = hwId.map(byte[]::clone);
        Objects.requireNonNull(cspId);
        Objects.requireNonNull(notBefore);
        Objects.requireNonNull(notAfter);
        Objects.requireNonNull(keyPair);
    }

    @Override
    public Optional<byte[]> hwId() {
        return hwId.map(byte[]::clone);
    }

    public VekSpec withProductName(String name) {
        return new VekSpec(vlek, Optional.ofNullable(name), structVersion, tcb, includeFmc, hwId,
                wrapHwIdInOctetString, cspId, notBefore, notAfter, keyPair);
    }

    public VekSpec withTcb(SimulatedTcb t) {
        return new VekSpec(vlek, productName, structVersion, t, includeFmc, hwId, wrapHwIdInOctetString, cspId,
                notBefore, notAfter, keyPair);
    }

    public VekSpec withFmc(boolean include) {
        return new VekSpec(vlek, productName, structVersion, tcb, include, hwId, wrapHwIdInOctetString, cspId,
                notBefore, notAfter, keyPair);
    }

    public VekSpec withHwId(byte[] id) {
        return new VekSpec(vlek, productName, structVersion, tcb, includeFmc, Optional.ofNullable(id),
                wrapHwIdInOctetString, cspId, notBefore, notAfter, keyPair);
    }

    public VekSpec withHwIdWrapped(boolean wrap) {
        return new VekSpec(vlek, productName, structVersion, tcb, includeFmc, hwId, wrap, cspId, notBefore,
                notAfter, keyPair);
    }

    public VekSpec withCspId(String id) {
        return new VekSpec(vlek, productName, structVersion, tcb, includeFmc, hwId, wrapHwIdInOctetString,
                Optional.ofNullable(id), notBefore, notAfter, keyPair);
    }

    public VekSpec withValidity(Instant from, Instant to) {
        return new VekSpec(vlek, productName, structVersion, tcb, includeFmc, hwId, wrapHwIdInOctetString, cspId,
                from, to, keyPair);
    }

    public VekSpec withKeyPair(KeyPair keys) {
        return new VekSpec(vlek, productName, structVersion, tcb, includeFmc, hwId, wrapHwIdInOctetString, cspId,
                notBefore, notAfter, keys);
    }
}

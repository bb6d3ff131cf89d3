package org.openanolis.attestation.verifier.tdx;

import java.util.Optional;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * Intel collateral for one quote, verbatim as PCS serves it ({@code bundle-format.md}, keys per TEE):
 * TCB info body and issuer chain, QE identity body and issuer chain, PCK CRL and issuer chain,
 * root CA CRL, and optionally the PCK certificate chain for quotes that do not carry it.
 * Immutable; each part's SHA-256 is computed once here and is the verifier's cache key.
 */
public final class TdxCollateral {
    /** The names of the parts, as bundle collateral keys. */
    public static final String TCB_INFO = "tcb_info";
    public static final String TCB_INFO_ISSUER_CHAIN = "tcb_info_issuer_chain";
    public static final String QE_IDENTITY = "qe_identity";
    public static final String QE_IDENTITY_ISSUER_CHAIN = "qe_identity_issuer_chain";
    public static final String PCK_CRL = "pck_crl";
    public static final String PCK_CRL_ISSUER_CHAIN = "pck_crl_issuer_chain";
    public static final String ROOT_CA_CRL = "root_ca_crl";
    public static final String PCK_CHAIN = "pck_chain";

    /** One part: bytes plus their digest. */
    static final class Part {
        private final String name;
        private final byte[] bytes;
        private final String digest;

        Part(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes == null ? null : bytes.clone();
            this.digest = bytes == null ? null : Hex.encode(Digests.sha256(bytes));
        }

        boolean present() {
            return bytes != null;
        }

        /** The bytes (a copy); a missing part is {@code COLLATERAL_MISSING}. */
        byte[] require() throws VerificationException {
            if (bytes == null) {
                throw new VerificationException(ReasonCode.COLLATERAL_MISSING, name, "collateral " + name + " is missing");
            }
            return bytes.clone();
        }

        /** SHA-256 of the bytes, lower-case hex; a missing part is {@code COLLATERAL_MISSING}. */
        String digest() throws VerificationException {
            if (digest == null) {
                throw new VerificationException(ReasonCode.COLLATERAL_MISSING, name, "collateral " + name + " is missing");
            }
            return digest;
        }
    }

    final Part tcbInfo;
    final Part tcbInfoIssuerChain;
    final Part qeIdentity;
    final Part qeIdentityIssuerChain;
    final Part pckCrl;
    final Part pckCrlIssuerChain;
    final Part rootCaCrl;
    final Part pckChain;

    private TdxCollateral(Builder b) {
        tcbInfo = new Part(TCB_INFO, b.tcbInfo);
        tcbInfoIssuerChain = new Part(TCB_INFO_ISSUER_CHAIN, b.tcbInfoIssuerChain);
        qeIdentity = new Part(QE_IDENTITY, b.qeIdentity);
        qeIdentityIssuerChain = new Part(QE_IDENTITY_ISSUER_CHAIN, b.qeIdentityIssuerChain);
        pckCrl = new Part(PCK_CRL, b.pckCrl);
        pckCrlIssuerChain = new Part(PCK_CRL_ISSUER_CHAIN, b.pckCrlIssuerChain);
        rootCaCrl = new Part(ROOT_CA_CRL, b.rootCaCrl);
        pckChain = new Part(PCK_CHAIN, b.pckChain);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The collateral of recorded parts ({@link #presentParts} keys), as a verification log or bundle holds them. */
    public static TdxCollateral fromParts(java.util.Map<String, byte[]> c) {
        return builder()
                .tcbInfo(c.get(TCB_INFO)).tcbInfoIssuerChain(c.get(TCB_INFO_ISSUER_CHAIN))
                .qeIdentity(c.get(QE_IDENTITY)).qeIdentityIssuerChain(c.get(QE_IDENTITY_ISSUER_CHAIN))
                .pckCrl(c.get(PCK_CRL)).pckCrlIssuerChain(c.get(PCK_CRL_ISSUER_CHAIN))
                .rootCaCrl(c.get(ROOT_CA_CRL)).pckChain(c.get(PCK_CHAIN)).build();
    }

    /** The PCK certificate chain supplied with the collateral (for quotes with certification data types 1..4). */
    public Optional<byte[]> pckChain() {
        return pckChain.present() ? Optional.of(pckChain.bytes.clone()) : Optional.empty();
    }

    /**
     * The parts that are present, by bundle collateral key, as copies: what a verification log
     * records as the collateral a quote was verified with.
     */
    public java.util.Map<String, byte[]> presentParts() {
        java.util.Map<String, byte[]> m = new java.util.LinkedHashMap<>();
        for (Part p : java.util.List.of(tcbInfo, tcbInfoIssuerChain, qeIdentity, qeIdentityIssuerChain, pckCrl,
                pckCrlIssuerChain, rootCaCrl, pckChain)) {
            if (p.present()) {
                m.put(p.name, p.bytes.clone());
            }
        }
        return m;
    }

    /**
     * Collects the parts. Missing required parts are allowed here and reported as
     * {@code COLLATERAL_MISSING} by the verifier, naming the part.
     */
    public static final class Builder {
        private byte[] tcbInfo;
        private byte[] tcbInfoIssuerChain;
        private byte[] qeIdentity;
        private byte[] qeIdentityIssuerChain;
        private byte[] pckCrl;
        private byte[] pckCrlIssuerChain;
        private byte[] rootCaCrl;
        private byte[] pckChain;

        private Builder() {}

        /** The TCB info body {@code {"tcbInfo":...,"signature":...}}. */
        public Builder tcbInfo(byte[] v) { tcbInfo = v; return this; }

        /** PEM: TCB Signing certificate and root (header {@code TCB-Info-Issuer-Chain}). */
        public Builder tcbInfoIssuerChain(byte[] v) { tcbInfoIssuerChain = v; return this; }

        /** The QE identity body {@code {"enclaveIdentity":...,"signature":...}}. */
        public Builder qeIdentity(byte[] v) { qeIdentity = v; return this; }

        /** PEM: TCB Signing certificate and root (header {@code SGX-Enclave-Identity-Issuer-Chain}). */
        public Builder qeIdentityIssuerChain(byte[] v) { qeIdentityIssuerChain = v; return this; }

        /** The PCK CRL, DER or PEM. */
        public Builder pckCrl(byte[] v) { pckCrl = v; return this; }

        /** PEM: PCK CA and root (header {@code SGX-PCK-CRL-Issuer-Chain}). */
        public Builder pckCrlIssuerChain(byte[] v) { pckCrlIssuerChain = v; return this; }

        /** The Intel SGX Root CA CRL, DER or PEM. */
        public Builder rootCaCrl(byte[] v) { rootCaCrl = v; return this; }

        /** Optional PEM PCK chain, for quotes that do not carry it. */
        public Builder pckChain(byte[] v) { pckChain = v; return this; }

        public TdxCollateral build() {
            return new TdxCollateral(this);
        }
    }
}

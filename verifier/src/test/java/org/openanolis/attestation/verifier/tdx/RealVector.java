package org.openanolis.attestation.verifier.tdx;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.TrustAnchors;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.VerificationContext;
import org.openanolis.attestation.verifier.VerifiedEvidence;
import org.openanolis.attestation.verifier.bundle.AttestationBundle;

/** A real bundle of {@code shared/testdata/tdx} loaded for mutation: quote bytes and collateral parts by key. */
final class RealVector {
    static final String NEAR_V4 = "near-v4-20a06f-uptodate";
    static final String GOOGLE_V5 = "google-v5-td15-90c06f-uptodate";
    static final String SGX_V3 = "sgx-v3-phala-00a067110000";
    static final String AZURE_V4 = "trustee-azure-v4-00806f-outofdate";
    static final String PHALA_V4 = "phala-v4-b0c06f-uptodate";

    final String name;
    final byte[] quote;
    final Map<String, byte[]> collateral = new HashMap<>();
    final Instant verifyAt;
    final String tee;

    private RealVector(String name) throws Exception {
        this.name = name;
        AttestationBundle b = AttestationBundle.read(dir(name));
        this.quote = b.evidence("quote").orElseThrow();
        for (String key : b.collateralEntries().keySet()) {
            collateral.put(key, b.collateral(key).orElseThrow());
        }
        this.verifyAt = b.verifyAt().orElseThrow();
        this.tee = b.tee();
    }

    static Path dir(String name) {
        return SharedData.testdata().resolve("tdx").resolve(name);
    }

    static RealVector load(String name) throws Exception {
        return new RealVector(name);
    }

    TdxCollateral collateral() {
        return collateral(collateral);
    }

    static TdxCollateral collateral(Map<String, byte[]> parts) {
        return TdxCollateral.builder()
                .tcbInfo(parts.get(TdxCollateral.TCB_INFO))
                .tcbInfoIssuerChain(parts.get(TdxCollateral.TCB_INFO_ISSUER_CHAIN))
                .qeIdentity(parts.get(TdxCollateral.QE_IDENTITY))
                .qeIdentityIssuerChain(parts.get(TdxCollateral.QE_IDENTITY_ISSUER_CHAIN))
                .pckCrl(parts.get(TdxCollateral.PCK_CRL))
                .pckCrlIssuerChain(parts.get(TdxCollateral.PCK_CRL_ISSUER_CHAIN))
                .rootCaCrl(parts.get(TdxCollateral.ROOT_CA_CRL))
                .pckChain(parts.get(TdxCollateral.PCK_CHAIN))
                .build();
    }

    /** A copy of the collateral parts with {@code key} replaced ({@code null} removes it). */
    Map<String, byte[]> with(String key, byte[] value) {
        Map<String, byte[]> m = new HashMap<>(collateral);
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return m;
    }

    VerificationContext context() {
        return context(verifyAt);
    }

    static VerificationContext context(Instant at) {
        return new VerificationContext(Clock.fixed(at, ZoneOffset.UTC), TrustAnchors.builtIn());
    }

    VerifiedEvidence verify(byte[] q, Map<String, byte[]> parts) throws VerificationException {
        return new TdxQuoteVerifier().verify(q, collateral(parts), context());
    }

    VerifiedEvidence verifyAt(byte[] q, Map<String, byte[]> parts, Instant at) throws VerificationException {
        return new TdxQuoteVerifier().verify(q, collateral(parts), context(at));
    }

    byte[] quoteCopy() {
        return quote.clone();
    }
}

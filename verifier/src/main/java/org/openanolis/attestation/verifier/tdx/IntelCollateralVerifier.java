package org.openanolis.attestation.verifier.tdx;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.CryptoProviders;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.tdx.IntelCollateralParser;
import org.openanolis.attestation.parsers.tdx.PckCertificateExtensions;
import org.openanolis.attestation.parsers.tdx.QeIdentity;
import org.openanolis.attestation.parsers.tdx.SignedCollateral;
import org.openanolis.attestation.parsers.tdx.TcbInfo;

/**
 * Verifies Intel collateral and PCK chains against the pinned Intel SGX Root CA
 * ({@code tdx-verification.md} section 2) and caches what passed by content digest. Signatures,
 * chain structure and names are checked once per distinct input; validity windows and
 * revocation are checked by the {@code check*} methods of the returned objects on every use.
 */
final class IntelCollateralVerifier {
    /** ecdsa-with-SHA256: every Intel SGX PKI certificate and CRL uses it. */
    static final String ECDSA_SHA256_OID = "1.2.840.10045.4.3.2";
    private static final String CRL_NUMBER_OID = "2.5.29.20";
    private static final String AUTHORITY_KEY_ID_OID = "2.5.29.35";

    private final VerifiedCollateralCache cache;

    IntelCollateralVerifier(int maxEntries) {
        this.cache = new VerifiedCollateralCache(maxEntries);
    }

    VerifiedCollateralCache cache() {
        return cache;
    }

    // ---------------------------------------------------------------- verified objects

    /** The pinned root, checked to be a self-signed Intel SGX Root CA. */
    record Root(X509Certificate cert, String fingerprint, PublicKey key) {
        void checkTime(Clock clock) throws VerificationException {
            Certificates.checkValidity(cert, clock, "intel_sgx_root_ca");
        }

        /** True when {@code c} is this root: same subject and same public key. */
        boolean matches(X509Certificate c) {
            return c.getSubjectX500Principal().equals(cert.getSubjectX500Principal())
                    && Arrays.equals(c.getPublicKey().getEncoded(), key.getEncoded());
        }
    }

    /** A CRL whose signature verified under its issuer's key. */
    record VerifiedCrl(String field, X500Principal issuer, Instant thisUpdate, Instant nextUpdate,
                       Set<BigInteger> revokedSerials) {
        void checkTime(Clock clock) throws VerificationException {
            Certificates.checkWindow(thisUpdate, nextUpdate, clock, field);
        }

        /** Throws {@code CERT_REVOKED} when the CRL lists {@code c}. */
        void checkNotRevoked(X509Certificate c, String certField) throws VerificationException {
            if (c.getIssuerX500Principal().equals(issuer) && revokedSerials.contains(c.getSerialNumber())) {
                throw VerificationException.mismatch(ReasonCode.CERT_REVOKED, certField,
                        "not listed in " + field, "serial " + c.getSerialNumber().toString(16) + " revoked");
            }
        }
    }

    /** An issuer chain {@code signer, root}: the signer verified under the pinned root. */
    record VerifiedSigner(String field, X509Certificate signer, ECPublicKeyParameters signerKey, String fingerprint) {
        void checkTime(Clock clock) throws VerificationException {
            Certificates.checkValidity(signer, clock, field + ".signer");
        }
    }

    /** A signed JSON collateral item whose signature verified, parsed. */
    record VerifiedJson<T>(T value, Instant issueDate, Instant nextUpdate, String field) {
        void checkTime(Clock clock) throws VerificationException {
            Certificates.checkWindow(issueDate, nextUpdate, clock, field);
        }
    }

    /** A PCK chain (leaf, PCK CA, root) verified to the pinned root, with the leaf's SGX extensions. */
    record VerifiedPckChain(X509Certificate leaf, X509Certificate ca, PckCa pckCa,
                            PckCertificateExtensions extensions, ECPublicKeyParameters leafKey) {
        void checkTime(Clock clock) throws VerificationException {
            Certificates.checkValidity(ca, clock, "pck_chain.pck_ca");
            Certificates.checkValidity(leaf, clock, "pck_chain.pck_certificate");
        }
    }

    /** The PCK chain sorted and its leaf's SGX extensions read; nothing verified yet. */
    record PckChain(String digest, X509Certificate leaf, X509Certificate ca, X509Certificate root, PckCa pckCa,
                    PckCertificateExtensions extensions) {}

    // ---------------------------------------------------------------- root

    Root root(X509Certificate pinned) throws VerificationException {
        String fp = Certificates.fingerprint(pinned);
        return cache.get("root|" + fp, () -> {
            if (!pinned.getSubjectX500Principal().equals(pinned.getIssuerX500Principal())) {
                throw chainInvalid("intel_sgx_root_ca", "pinned root is not self-issued");
            }
            if (!commonName(pinned.getSubjectX500Principal()).contains("SGX Root CA")) {
                throw chainInvalid("intel_sgx_root_ca", "pinned root is not an Intel SGX Root CA");
            }
            verifySignature(pinned, pinned.getPublicKey(), "intel_sgx_root_ca");
            return new Root(pinned, fp, pinned.getPublicKey());
        });
    }

    // ---------------------------------------------------------------- CRLs

    /** The root CA CRL: issued and signed by the pinned root. */
    VerifiedCrl rootCrl(TdxCollateral.Part part, Root root) throws VerificationException {
        return cache.get("rootcrl|" + root.fingerprint() + "|" + part.digest(),
                () -> crl(part.require(), root.cert().getSubjectX500Principal(), root.key(), TdxCollateral.ROOT_CA_CRL));
    }

    /** The PCK CRL issuer chain (PCK CA, root), verified to the pinned root. */
    VerifiedSigner pckCrlIssuer(TdxCollateral.Part chain, Root root) throws VerificationException {
        return cache.get("pckcrlchain|" + root.fingerprint() + "|" + chain.digest(),
                () -> signerChain(chain.require(), root, TdxCollateral.PCK_CRL_ISSUER_CHAIN, " CA"));
    }

    /** The PCK CRL, signed by the verified PCK CA of its issuer chain. */
    VerifiedCrl pckCrl(TdxCollateral.Part part, VerifiedSigner issuer) throws VerificationException {
        return cache.get("pckcrl|" + issuer.fingerprint() + "|" + part.digest(),
                () -> crl(part.require(), issuer.signer().getSubjectX500Principal(), issuer.signer().getPublicKey(),
                        TdxCollateral.PCK_CRL));
    }

    private static VerifiedCrl crl(byte[] bytes, X500Principal expectedIssuer, PublicKey key, String field)
            throws VerificationException {
        X509CRL crl = Certificates.parseCrl(bytes, ReasonCode.COLLATERAL_INVALID, field);
        if (!crl.getIssuerX500Principal().equals(expectedIssuer)) {
            throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, field + ".issuer",
                    expectedIssuer.getName(), crl.getIssuerX500Principal().getName());
        }
        if (!ECDSA_SHA256_OID.equals(crl.getSigAlgOID())) {
            throw VerificationException.mismatch(ReasonCode.COLLATERAL_INVALID, field + ".signature_algorithm",
                    "ecdsa-with-SHA256", crl.getSigAlgName());
        }
        try {
            crl.verify(key, CryptoProviders.bouncyCastle());
        } catch (Exception e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field + ".signature",
                    field + ": signature does not verify under its issuer", e);
        }
        if (crl.getNextUpdate() == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field + ".nextUpdate", field + ": no nextUpdate");
        }
        // QVL PckCrlVerifier CRL_REQUIRED_EXTENSIONS: CRL number and authority key identifier.
        if (crl.getExtensionValue(CRL_NUMBER_OID) == null || crl.getExtensionValue(AUTHORITY_KEY_ID_OID) == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field + ".extensions",
                    field + ": CRL lacks the CRL number or authority key identifier extension");
        }
        Set<BigInteger> revoked = new HashSet<>();
        Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
        if (entries != null) {
            for (X509CRLEntry e : entries) {
                if (e.getCertificateIssuer() != null && !e.getCertificateIssuer().equals(expectedIssuer)) {
                    throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field + ".entries",
                            field + ": indirect CRL entries are not supported");
                }
                revoked.add(e.getSerialNumber());
            }
        }
        return new VerifiedCrl(field, crl.getIssuerX500Principal(), crl.getThisUpdate().toInstant(),
                crl.getNextUpdate().toInstant(), Set.copyOf(revoked));
    }

    // ---------------------------------------------------------------- signed JSON

    /** The TCB signing chain of TCB info or QE identity (TCB Signing certificate, root). */
    VerifiedSigner tcbSigner(TdxCollateral.Part chain, Root root, String field) throws VerificationException {
        return cache.get("tcbchain|" + field + "|" + root.fingerprint() + "|" + chain.digest(),
                () -> signerChain(chain.require(), root, field, "SGX TCB Signing"));
    }

    /**
     * TCB info signed by {@code signer}. On a cache miss the window is judged before the signature
     * (the check order of {@code shared/testdata/README.md}); callers re-check it on every use.
     */
    VerifiedJson<TcbInfo> tcbInfo(TdxCollateral.Part body, VerifiedSigner signer, Clock clock) throws VerificationException {
        return cache.get("tcbinfo|" + signer.fingerprint() + "|" + body.digest(), () -> {
            SignedCollateral sc = IntelCollateralParser.split(body.require(), "tcbInfo", TdxCollateral.TCB_INFO);
            TcbInfo info = IntelCollateralParser.parseTcbInfo(sc.signedBytes());
            VerifiedJson<TcbInfo> v = new VerifiedJson<>(info, info.issueDate(), info.nextUpdate(), TdxCollateral.TCB_INFO);
            v.checkTime(clock);
            verifyJsonSignature(sc, signer, TdxCollateral.TCB_INFO);
            return v;
        });
    }

    /** QE identity signed by {@code signer}; window before signature on a miss, as for TCB info. */
    VerifiedJson<QeIdentity> qeIdentity(TdxCollateral.Part body, VerifiedSigner signer, Clock clock)
            throws VerificationException {
        return cache.get("qeid|" + signer.fingerprint() + "|" + body.digest(), () -> {
            SignedCollateral sc = IntelCollateralParser.split(body.require(), "enclaveIdentity", TdxCollateral.QE_IDENTITY);
            QeIdentity id = IntelCollateralParser.parseQeIdentity(sc.signedBytes());
            VerifiedJson<QeIdentity> v = new VerifiedJson<>(id, id.issueDate(), id.nextUpdate(), TdxCollateral.QE_IDENTITY);
            v.checkTime(clock);
            verifyJsonSignature(sc, signer, TdxCollateral.QE_IDENTITY);
            return v;
        });
    }

    private static void verifyJsonSignature(SignedCollateral sc, VerifiedSigner signer, String field)
            throws VerificationException {
        try {
            Ecdsa.verifyDigest(signer.signerKey(), Digests.sha256(sc.signedBytes()), sc.signature(), field + ".signature");
        } catch (VerificationException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field + ".signature",
                    field + ": signature does not verify under the TCB Signing key", e);
        }
    }

    // ---------------------------------------------------------------- chains

    /** A two-certificate chain {@code signer, root} (any order) with the signer's CN containing {@code cnPart}. */
    private VerifiedSigner signerChain(byte[] pem, Root root, String field, String cnPart) throws VerificationException {
        List<X509Certificate> certs = Certificates.parsePemChain(pem, ReasonCode.CERT_CHAIN_INVALID, field);
        if (certs.size() != 2) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, field + ".length", "2 certificates",
                    certs.size() + " certificates");
        }
        X509Certificate chainRoot = null;
        X509Certificate signer = null;
        for (X509Certificate c : certs) {
            if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                chainRoot = c;
            } else {
                signer = c;
            }
        }
        if (chainRoot == null || signer == null) {
            throw chainInvalid(field, "chain must hold one signer and one self-signed root");
        }
        if (!root.matches(chainRoot)) {
            throw chainInvalid(field + ".root", "chain root is not the pinned Intel SGX Root CA");
        }
        if (!signer.getIssuerX500Principal().equals(root.cert().getSubjectX500Principal())) {
            throw chainInvalid(field + ".signer", "signer is not issued by the root");
        }
        if (!commonName(signer.getSubjectX500Principal()).contains(cnPart)) {
            throw chainInvalid(field + ".signer", "signer CN does not contain '" + cnPart.strip() + "'");
        }
        checkCertificateProfile(signer, field + ".signer");
        verifySignature(signer, root.key(), field + ".signer");
        ECPublicKeyParameters key = Ecdsa.certificateKey(signer, Ecdsa.P256, ReasonCode.CERT_CHAIN_INVALID, field + ".signer");
        return new VerifiedSigner(field, signer, key, Certificates.fingerprint(signer));
    }

    /** Parses and sorts a PCK chain and reads the leaf's SGX extensions; cached by digest, no crypto. */
    PckChain pckChainStructure(byte[] pem, String digest) throws VerificationException {
        return cache.get("pckchain|" + digest, () -> {
            String field = "pck_chain";
            List<X509Certificate> certs = Certificates.parsePemChain(pem, ReasonCode.CERT_CHAIN_INVALID, field);
            if (certs.size() != 3) {
                throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, field + ".length",
                        "3 certificates", certs.size() + " certificates");
            }
            X509Certificate root = null;
            for (X509Certificate c : certs) {
                if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                    if (root != null) {
                        throw chainInvalid(field, "more than one self-signed certificate");
                    }
                    root = c;
                }
            }
            if (root == null) {
                throw chainInvalid(field + ".root", "no root certificate in the chain");
            }
            X509Certificate ca = issuedBy(certs, root);
            X509Certificate leaf = ca == null ? null : issuedBy(certs, ca);
            if (ca == null || leaf == null) {
                throw chainInvalid(field, "certificates do not form a chain leaf -> PCK CA -> root");
            }
            if (!commonName(root.getSubjectX500Principal()).contains("SGX Root CA")) {
                throw chainInvalid(field + ".root", "root CN does not contain 'SGX Root CA'");
            }
            PckCa kind = PckCa.fromCommonName(commonName(ca.getSubjectX500Principal()));
            if (kind == null) {
                throw chainInvalid(field + ".pck_ca", "intermediate is neither the PCK Platform CA nor the PCK Processor CA");
            }
            if (!commonName(leaf.getSubjectX500Principal()).contains("SGX PCK Certificate")) {
                throw chainInvalid(field + ".pck_certificate", "leaf CN does not contain 'SGX PCK Certificate'");
            }
            return new PckChain(digest, leaf, ca, root, kind, PckCertificateExtensions.parse(leaf));
        });
    }

    private static X509Certificate issuedBy(List<X509Certificate> certs, X509Certificate issuer) {
        for (X509Certificate c : certs) {
            if (c != issuer && c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                    && !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                return c;
            }
        }
        return null;
    }

    /** Verifies the signatures of a sorted PCK chain up to the pinned root; cached by digest and root. */
    VerifiedPckChain pckChain(PckChain chain, Root root) throws VerificationException {
        return cache.get("pckchainok|" + root.fingerprint() + "|" + chain.digest(), () -> {
            if (!root.matches(chain.root())) {
                throw chainInvalid("pck_chain.root", "chain root is not the pinned Intel SGX Root CA");
            }
            checkCertificateProfile(chain.ca(), "pck_chain.pck_ca");
            checkCertificateProfile(chain.leaf(), "pck_chain.pck_certificate");
            verifySignature(chain.ca(), root.key(), "pck_chain.pck_ca");
            verifySignature(chain.leaf(), chain.ca().getPublicKey(), "pck_chain.pck_certificate");
            ECPublicKeyParameters leafKey = Ecdsa.certificateKey(chain.leaf(), Ecdsa.P256,
                    ReasonCode.CERT_CHAIN_INVALID, "pck_chain.pck_certificate");
            return new VerifiedPckChain(chain.leaf(), chain.ca(), chain.pckCa(), chain.extensions(), leafKey);
        });
    }

    /** X.509 v3, ecdsa-with-SHA256 (go-tdx-guest {@code validateX509Cert}). */
    private static void checkCertificateProfile(X509Certificate c, String field) throws VerificationException {
        if (c.getVersion() != 3) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, field + ".version", "3",
                    String.valueOf(c.getVersion()));
        }
        if (!ECDSA_SHA256_OID.equals(c.getSigAlgOID())) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, field + ".signature_algorithm",
                    "ecdsa-with-SHA256", c.getSigAlgName());
        }
    }

    private static void verifySignature(X509Certificate c, PublicKey issuerKey, String field) throws VerificationException {
        try {
            c.verify(issuerKey, CryptoProviders.bouncyCastle());
        } catch (Exception e) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field + ".signature",
                    field + ": certificate signature does not verify under its issuer", e);
        }
    }

    static String commonName(X500Principal p) {
        X500Name n = X500Name.getInstance(p.getEncoded());
        RDN[] rdns = n.getRDNs(BCStyle.CN);
        List<String> out = new ArrayList<>();
        for (RDN r : rdns) {
            out.add(IETFUtils.valueToString(r.getFirst().getValue()));
        }
        return String.join(",", out);
    }

    private static VerificationException chainInvalid(String field, String message) {
        return new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": " + message);
    }

    /** Lower-case hex SHA-256 of {@code bytes}: the cache key of content not held by {@link TdxCollateral}. */
    static String digest(byte[] bytes) {
        return Hex.encode(Digests.sha256(bytes));
    }
}

package org.openanolis.attestation.verifier.snp;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.parsers.snp.SnpProducts;
import org.openanolis.attestation.parsers.snp.SnpSigningKey;
import org.openanolis.attestation.parsers.snp.VekExtensions;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;

/**
 * The clock-independent part of AMD chain validation ({@code snp-verification.md} section 6):
 * ARK self-signature, ASK/ASVK signed by the ARK, VEK signed by the ASK/ASVK, all RSASSA-PSS
 * with SHA-384, MGF1-SHA-384, salt 48 and trailer 1; subject CNs by role; issuer names; CA
 * constraints; an EC P-384 VEK key; and, when a CRL is given, its issuer, signature (by the ARK)
 * and that the intermediate's serial is not revoked. Validity windows depend on the clock and are
 * checked by the caller on every use.
 */
final class AmdCertificateChain {
    static final String RSASSA_PSS = PKCSObjectIdentifiers.id_RSASSA_PSS.getId();

    /**
     * P-384 on Bouncy Castle's specialised field arithmetic ({@code CustomNamedCurves}): about 3x
     * faster verification than the generic curve of {@code ECNamedCurveTable} that
     * {@link Ecdsa#P384} uses (1,300 vs 4,000 per CPU-second on the benchmark box). VEK key objects
     * are decoded onto this curve and cached.
     */
    static final ECDomainParameters P384 = customP384();

    private static ECDomainParameters customP384() {
        X9ECParameters p = CustomNamedCurves.getByName("secp384r1");
        return new ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH(), p.getSeed());
    }

    private AmdCertificateChain() {}

    /**
     * Validates the chain and returns the VEK public key as a BC object.
     *
     * @param icaField {@code ask} or {@code asvk}, for errors
     */
    static ECPublicKeyParameters validate(AmdProduct product, SnpSigningKey kind, X509Certificate ark,
                                          X509Certificate ica, X509Certificate vek, Optional<X509CRL> crl,
                                          String icaField) throws VerificationException {
        String name = SnpProducts.displayName(product);
        expectCn(ark, "ARK-" + name, "ark");
        if (!ark.getIssuerX500Principal().equals(ark.getSubjectX500Principal())) {
            throw chain("ark", "the ARK is not self-issued");
        }
        requireCa(ark, "ark");
        verifySignature(ark, ark.getPublicKey(), "ark");

        expectCn(ica, (kind == SnpSigningKey.VLEK ? "SEV-VLEK-" : "SEV-") + name, icaField);
        if (!ica.getIssuerX500Principal().equals(ark.getSubjectX500Principal())) {
            throw chain(icaField, "issuer is not the ARK");
        }
        requireCa(ica, icaField);
        verifySignature(ica, ark.getPublicKey(), icaField);

        expectCn(vek, kind.commonName(), "vek");
        if (!vek.getIssuerX500Principal().equals(ica.getSubjectX500Principal())) {
            throw chain("vek", "issuer is not the " + icaField.toUpperCase(java.util.Locale.ROOT));
        }
        verifySignature(vek, ica.getPublicKey(), "vek");
        ECPublicKeyParameters key = Ecdsa.certificateKey(vek, P384, ReasonCode.CERT_CHAIN_INVALID, "vek.public_key");

        if (crl.isPresent()) {
            checkCrl(crl.get(), ark, ica, icaField);
        }
        return key;
    }

    private static void checkCrl(X509CRL crl, X509Certificate ark, X509Certificate ica, String icaField)
            throws VerificationException {
        if (!crl.getIssuerX500Principal().equals(ark.getSubjectX500Principal())) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "crl.issuer", "crl: issuer is not the ARK");
        }
        try {
            checkPssParameters(crl.getSigAlgOID(), crl.getSigAlgParams(), ReasonCode.COLLATERAL_INVALID, "crl");
            crl.verify(ark.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, "crl.signature",
                    "crl: not signed by the ARK: " + e.getMessage(), e);
        }
        if (crl.getRevokedCertificate(ica.getSerialNumber()) != null) {
            throw VerificationException.mismatch(ReasonCode.CERT_REVOKED, icaField + ".serial",
                    "not listed in the ARK's CRL", ica.getSerialNumber().toString(16));
        }
    }

    private static VerificationException chain(String field, String message) {
        return new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field, field + ": " + message);
    }

    static void expectCn(X509Certificate cert, String expected, String field) throws VerificationException {
        String cn = VekExtensions.commonName(cert.getSubjectX500Principal(), field + ".subject");
        if (!expected.equals(cn)) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, field + ".subject", "CN=" + expected,
                    "CN=" + cn);
        }
    }

    private static void requireCa(X509Certificate cert, String field) throws VerificationException {
        if (cert.getBasicConstraints() < 0) {
            throw chain(field, "not a CA certificate");
        }
    }

    private static void verifySignature(X509Certificate cert, PublicKey issuerKey, String field)
            throws VerificationException {
        checkPssParameters(cert.getSigAlgOID(), cert.getSigAlgParams(), ReasonCode.CERT_CHAIN_INVALID, field);
        try {
            cert.verify(issuerKey);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field + ".signature",
                    field + ": signature does not verify: " + e.getMessage(), e);
        }
    }

    /** RSASSA-PSS with SHA-384, MGF1-SHA-384, salt 48, trailer 1 (AMD's only signature scheme). */
    static void checkPssParameters(String oid, byte[] params, ReasonCode code, String field)
            throws VerificationException {
        if (!RSASSA_PSS.equals(oid) || params == null) {
            throw new VerificationException(code, field + ".signature_algorithm",
                    field + ": signature algorithm " + oid + " is not RSASSA-PSS");
        }
        RSASSAPSSparams p;
        try {
            p = RSASSAPSSparams.getInstance(params);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(code, field + ".signature_algorithm", field + ": bad PSS parameters", e);
        }
        AlgorithmIdentifier mgf = p.getMaskGenAlgorithm();
        boolean ok = NISTObjectIdentifiers.id_sha384.equals(p.getHashAlgorithm().getAlgorithm())
                && PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm())
                && NISTObjectIdentifiers.id_sha384.equals(AlgorithmIdentifier.getInstance(mgf.getParameters()).getAlgorithm())
                && p.getSaltLength().intValue() == 48
                && p.getTrailerField().intValue() == 1;
        if (!ok) {
            throw new VerificationException(code, field + ".signature_algorithm",
                    field + ": PSS parameters are not SHA-384 / MGF1-SHA-384 / salt 48 / trailer 1");
        }
    }
}

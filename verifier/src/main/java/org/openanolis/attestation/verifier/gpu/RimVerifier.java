package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.IdentityDigests;
import org.openanolis.attestation.parsers.rim.SwidRim;
import org.openanolis.attestation.parsers.rim.SwidRimParser;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Verifies one RIM document ({@code gpu-verification.md} §7): structure (parser), signer chain to
 * the pinned NVIDIA CoRIM root, then the XML signature with the JDK's XML digital signature API in
 * secure-validation mode, the key taken from the validated signer certificate (never from
 * {@code KeyInfo} unchecked). Results, failures included, are cached by the document's SHA-256 and
 * the root's fingerprint; certificate windows and OCSP are judged on every use.
 */
final class RimVerifier {
    private static final int MAX_CACHE = 1024;
    /** Bounded: past its capacity single entries are evicted ({@link DeviceCacheLimits#newCache}). */
    private final Cache<String, Outcome> cache = DeviceCacheLimits.newCache(MAX_CACHE);

    /** A RIM whose structure and chain were checked and whose signature result is known. */
    record Outcome(SwidRim rim, CertificatePathValidator.ValidatedPath path, VerificationException signatureFailure) {}

    /** Parses and checks the chain and signature of {@code xml} (cached); {@code field} is "driver_rim" etc. */
    Outcome check(byte[] xml, X509Certificate rimRoot, String field) throws VerificationException {
        // The RIM sources hand out their cached document arrays, which nobody writes: each is
        // hashed once, not by every GPU of every request (16 SHA-256 of the RIM XML per 8 GPUs).
        String key = Hex.encode(IdentityDigests.sha256(xml)) + "/" + IdentityDigests.fingerprint(rimRoot) + "/" + field;
        Outcome cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        SwidRim rim = SwidRimParser.parse(xml, field);
        List<X509Certificate> chain = new ArrayList<>();
        for (SwidRim.DerBytes der : rim.signerChain()) {
            chain.add(Certificates.decodeCertificate(der.der(), ReasonCode.CERT_CHAIN_INVALID, field + ".cert_chain"));
        }
        CertificatePathValidator.ValidatedPath path =
                CertificatePathValidator.validate(chain, rimRoot, field + ".cert_chain");
        VerificationException sigFailure = null;
        try {
            verifySignature(xml, path.leaf(), field);
        } catch (VerificationException e) {
            sigFailure = e;
        }
        Outcome o = new Outcome(rim, path, sigFailure);
        cache.put(key, o);
        return o;
    }

    private static void verifySignature(byte[] xml, X509Certificate signer, String field) throws VerificationException {
        String f = field + ".signature";
        Document doc = SwidRimParser.parseDocument(xml, field);
        Element sigElement = (Element) doc.getElementsByTagNameNS(SwidRimParser.DSIG_NS, "Signature").item(0);
        DOMValidateContext ctx = new DOMValidateContext(KeySelector.singletonKeySelector(signer.getPublicKey()), sigElement);
        ctx.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        try {
            XMLSignature sig = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(ctx);
            if (sig.getSignedInfo().getReferences().size() != 1) {
                throw new VerificationException(ReasonCode.COLLATERAL_INVALID, f, f + ": expected one reference");
            }
            if (!sig.validate(ctx)) {
                throw new VerificationException(ReasonCode.COLLATERAL_INVALID, f,
                        f + ": XML signature does not verify (signature value "
                                + sig.getSignatureValue().validate(ctx) + ")");
            }
        } catch (MarshalException | XMLSignatureException | RuntimeException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, f, f + ": XML signature cannot be validated: "
                    + e.getMessage(), e);
        }
    }
}

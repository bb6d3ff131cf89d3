package org.openanolis.attestation.parsers.rim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Parses NVIDIA RIMs (signed SWID XML) and enforces the signature structure that the
 * signature-wrapping defence of {@code gpu-verification.md} §7 depends on:
 * <ul>
 *   <li>no DOCTYPE, no external entities (the parser refuses them);</li>
 *   <li>exactly one {@code ds:Signature} in the whole document, a child of the root (enveloped);</li>
 *   <li>its children are {@code SignedInfo}, {@code SignatureValue} and optionally {@code KeyInfo}
 *       only (no {@code ds:Object}, which could carry a second payload);</li>
 *   <li>{@code SignedInfo}: C14N 1.1, ECDSA-SHA384, exactly one {@code Reference URI=""} with
 *       exactly the transforms [enveloped-signature, C14N 1.1] and SHA-384 digest;</li>
 *   <li>golden values read only from {@code /SoftwareIdentity/Payload/Resource}, exactly one
 *       {@code Payload} and one {@code Meta}; a duplicate index is an error.</li>
 * </ul>
 * No cryptography happens here; every failure is {@code COLLATERAL_INVALID} naming the field.
 */
public final class SwidRimParser {
    public static final String SWID_NS = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
    public static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
    /** Namespace of the {@code HashN} attributes (SHA-384 digests). */
    public static final String SHA384_NS = "http://www.w3.org/2001/04/xmlenc#sha384";
    public static final String TCG_RIM_NS =
            "https://trustedcomputinggroup.org/resource/tcg-reference-integrity-manifest-rim-information-model/";
    public static final String C14N11 = "http://www.w3.org/2006/12/xml-c14n11";
    public static final String ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
    public static final String ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    public static final String SHA384_DIGEST = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    /** Largest RIM accepted (real ones are ~20 KiB). */
    public static final int MAX_LENGTH = 2 * 1024 * 1024;
    /** Largest measurement index and alternatives count accepted. */
    private static final int MAX_INDEX = 4096;
    private static final int MAX_ALTERNATIVES = 64;

    private SwidRimParser() {}

    /**
     * A DOM of {@code xml} built with DOCTYPEs and external entities refused and secure processing
     * on; the same hardened parser the signature verifier uses.
     */
    public static Document parseDocument(byte[] xml, String field) throws VerificationException {
        if (xml.length > MAX_LENGTH) {
            throw invalid(field, "document larger than " + MAX_LENGTH + " bytes");
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser lacks a security feature", e);
        } catch (SAXException | IOException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field,
                    field + ": not well-formed XML or forbidden construct: " + e.getMessage(), e);
        }
    }

    /** Parses and structurally checks one RIM; {@code field} names it in errors ("driver_rim"). */
    public static SwidRim parse(byte[] xml, String field) throws VerificationException {
        Document doc = parseDocument(xml, field);
        Element root = doc.getDocumentElement();
        if (!SWID_NS.equals(root.getNamespaceURI()) || !"SoftwareIdentity".equals(root.getLocalName())) {
            throw invalid(field + ".SoftwareIdentity", "root element is not a SWID SoftwareIdentity");
        }
        checkSignatureStructure(doc, root, field);

        Element meta = onlyChild(root, SWID_NS, "Meta", field + ".Meta");
        String version = requiredAttr(meta, "colloquialVersion", field + ".Meta.colloquialVersion");
        String edition = meta.getAttribute("edition");
        String fwManufacturer = meta.hasAttributeNS(TCG_RIM_NS, "FirmwareManufacturerId")
                ? meta.getAttributeNS(TCG_RIM_NS, "FirmwareManufacturerId") : null;

        Element payload = onlyChild(root, SWID_NS, "Payload", field + ".Payload");
        List<GoldenMeasurement> golden = new ArrayList<>();
        Set<Integer> indices = new HashSet<>();
        for (Element res : children(payload, SWID_NS, "Resource")) {
            if (!"Measurement".equals(res.getAttribute("type"))) {
                continue;
            }
            GoldenMeasurement g = measurement(res, field);
            if (!indices.add(g.index())) {
                throw invalid(field + ".Payload.Resource[" + g.index() + "]", "duplicate measurement index");
            }
            golden.add(g);
        }
        if (golden.isEmpty()) {
            throw invalid(field + ".Payload", "no measurements");
        }

        Element signature = children(root, DSIG_NS, "Signature").get(0);
        List<SwidRim.DerBytes> certs = new ArrayList<>();
        for (Element keyInfo : children(signature, DSIG_NS, "KeyInfo")) {
            for (Element data : children(keyInfo, DSIG_NS, "X509Data")) {
                for (Element c : children(data, DSIG_NS, "X509Certificate")) {
                    try {
                        certs.add(new SwidRim.DerBytes(Base64.getMimeDecoder().decode(c.getTextContent().strip())));
                    } catch (IllegalArgumentException e) {
                        throw invalid(field + ".Signature.KeyInfo.X509Certificate", "not base64");
                    }
                }
            }
        }
        if (certs.isEmpty()) {
            throw invalid(field + ".Signature.KeyInfo", "no X509Certificate");
        }
        return new SwidRim(root.getAttribute("tagId"), root.getAttribute("name"), version, edition,
                fwManufacturer, golden, certs, Hex.encode(Digests.sha256(xml)));
    }

    private static GoldenMeasurement measurement(Element res, String field) throws VerificationException {
        String base = field + ".Payload.Resource";
        int index = intAttr(res, "index", base + ".index", MAX_INDEX);
        String f = base + "[" + index + "]";
        String activeText = requiredAttr(res, "active", f + ".active");
        boolean active;
        if ("True".equals(activeText)) {
            active = true;
        } else if ("False".equals(activeText)) {
            active = false;
        } else {
            throw invalid(f + ".active", "must be True or False, got " + activeText);
        }
        int alternatives = intAttr(res, "alternatives", f + ".alternatives", MAX_ALTERNATIVES);
        if (alternatives < 1) {
            throw invalid(f + ".alternatives", "must be at least 1");
        }
        int size = intAttr(res, "size", f + ".size", 1024);
        List<String> values = new ArrayList<>();
        for (int j = 0; j < alternatives; j++) {
            String attr = "Hash" + j;
            if (!res.hasAttributeNS(SHA384_NS, attr)) {
                throw invalid(f + "." + attr, "missing alternative " + j);
            }
            String v = res.getAttributeNS(SHA384_NS, attr).strip().toLowerCase(Locale.ROOT);
            if (v.length() != 2 * size || !v.matches("[0-9a-f]*")) {
                throw invalid(f + "." + attr, "not " + size + " bytes of hex");
            }
            values.add(v);
        }
        return new GoldenMeasurement(index, active, values, size, res.getAttribute("name"));
    }

    private static void checkSignatureStructure(Document doc, Element root, String field) throws VerificationException {
        String f = field + ".Signature";
        NodeList all = doc.getElementsByTagNameNS(DSIG_NS, "Signature");
        if (all.getLength() != 1) {
            throw invalid(f, "expected exactly one ds:Signature, found " + all.getLength());
        }
        Element sig = (Element) all.item(0);
        if (sig.getParentNode() != root) {
            throw invalid(f, "ds:Signature is not a child of the root (not enveloped)");
        }
        if (doc.getElementsByTagNameNS(DSIG_NS, "Object").getLength() != 0) {
            throw invalid(f + ".Object", "ds:Object is not allowed");
        }
        List<Element> parts = elementChildren(sig);
        if (parts.size() < 2 || parts.size() > 3
                || !isDs(parts.get(0), "SignedInfo") || !isDs(parts.get(1), "SignatureValue")
                || (parts.size() == 3 && !isDs(parts.get(2), "KeyInfo"))) {
            throw invalid(f, "children must be SignedInfo, SignatureValue[, KeyInfo]");
        }
        List<Element> si = elementChildren(parts.get(0));
        if (si.size() != 3 || !isDs(si.get(0), "CanonicalizationMethod") || !isDs(si.get(1), "SignatureMethod")
                || !isDs(si.get(2), "Reference")) {
            throw invalid(f + ".SignedInfo", "expected CanonicalizationMethod, SignatureMethod and one Reference");
        }
        expectAlgorithm(si.get(0), C14N11, f + ".SignedInfo.CanonicalizationMethod");
        expectAlgorithm(si.get(1), ECDSA_SHA384, f + ".SignedInfo.SignatureMethod");
        Element ref = si.get(2);
        if (!ref.hasAttribute("URI") || !ref.getAttribute("URI").isEmpty()) {
            throw invalid(f + ".Reference.URI", "the one Reference must have URI=\"\" (whole document)");
        }
        List<Element> refParts = elementChildren(ref);
        if (refParts.size() != 3 || !isDs(refParts.get(0), "Transforms") || !isDs(refParts.get(1), "DigestMethod")
                || !isDs(refParts.get(2), "DigestValue")) {
            throw invalid(f + ".Reference", "expected Transforms, DigestMethod, DigestValue");
        }
        List<Element> transforms = elementChildren(refParts.get(0));
        if (transforms.size() != 2 || !isDs(transforms.get(0), "Transform") || !isDs(transforms.get(1), "Transform")
                || !elementChildren(transforms.get(0)).isEmpty() || !elementChildren(transforms.get(1)).isEmpty()) {
            throw invalid(f + ".Reference.Transforms", "expected exactly [enveloped-signature, c14n11]");
        }
        expectAlgorithm(transforms.get(0), ENVELOPED, f + ".Reference.Transforms[0]");
        expectAlgorithm(transforms.get(1), C14N11, f + ".Reference.Transforms[1]");
        expectAlgorithm(refParts.get(1), SHA384_DIGEST, f + ".Reference.DigestMethod");
    }

    private static boolean isDs(Element e, String local) {
        return DSIG_NS.equals(e.getNamespaceURI()) && local.equals(e.getLocalName());
    }

    private static void expectAlgorithm(Element e, String uri, String field) throws VerificationException {
        if (!uri.equals(e.getAttribute("Algorithm"))) {
            throw invalid(field, "algorithm must be " + uri + ", got " + e.getAttribute("Algorithm"));
        }
    }

    private static List<Element> elementChildren(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static List<Element> children(Element parent, String ns, String local) {
        List<Element> out = new ArrayList<>();
        for (Element e : elementChildren(parent)) {
            if (ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element onlyChild(Element parent, String ns, String local, String field) throws VerificationException {
        List<Element> found = children(parent, ns, local);
        if (found.size() != 1) {
            throw invalid(field, "expected exactly one " + local + ", found " + found.size());
        }
        return found.get(0);
    }

    private static String requiredAttr(Element e, String name, String field) throws VerificationException {
        if (!e.hasAttribute(name)) {
            throw invalid(field, "missing attribute " + name);
        }
        return e.getAttribute(name).strip();
    }

    private static int intAttr(Element e, String name, String field, int max) throws VerificationException {
        String v = requiredAttr(e, name, field);
        try {
            int i = Integer.parseInt(v);
            if (i < 0 || i > max) {
                throw invalid(field, "out of range: " + v);
            }
            return i;
        } catch (NumberFormatException ex) {
            throw invalid(field, "not an integer: " + v);
        }
    }

    private static VerificationException invalid(String field, String message) {
        return new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": " + message);
    }
}

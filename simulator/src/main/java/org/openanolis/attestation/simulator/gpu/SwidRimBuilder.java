package org.openanolis.attestation.simulator.gpu;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds NVIDIA-shaped signed SWID RIMs ({@code gpu-verification.md} §7): {@code SoftwareIdentity}
 * with {@code Entity}, {@code Meta colloquialVersion=…}, a {@code Payload} of
 * {@code Resource type="Measurement"} entries (SHA-384 {@code HashN} attributes), and an enveloped
 * XML signature exactly as NVIDIA makes it: C14N 1.1, ECDSA-SHA384, one {@code Reference URI=""}
 * with [enveloped-signature, C14N 1.1] and SHA-384, the signer chain in {@code X509Data}.
 */
public final class SwidRimBuilder {
    static final String SWID_NS = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
    static final String SHA384_NS = "http://www.w3.org/2001/04/xmlenc#sha384";
    static final String TCG_RIM_NS =
            "https://trustedcomputinggroup.org/resource/tcg-reference-integrity-manifest-rim-information-model/";

    private record Entry(boolean active, List<String> alternatives) {}

    private final String product;
    private final String edition;
    private String colloquialVersion;
    private final Map<Integer, Entry> entries = new TreeMap<>();

    public SwidRimBuilder(String product, String edition, String colloquialVersion) {
        this.product = product;
        this.edition = edition;
        this.colloquialVersion = colloquialVersion;
    }

    /** The driver RIM of a GPU: active at RIM indices 7 and 21..40 (the observed Hopper layout). */
    public static SwidRimBuilder driverRim(SimulatedNvidiaDevice device) {
        SwidRimBuilder b = new SwidRimBuilder(product(device), "GPU", device.driverVersion());
        fill(b, device, i -> i == 7 || (i >= 21 && i <= 40));
        return b;
    }

    /** The VBIOS RIM of a GPU: active at RIM indices 0..6 and 8..12. */
    public static SwidRimBuilder vbiosRim(SimulatedNvidiaDevice device) {
        SwidRimBuilder b = new SwidRimBuilder(product(device), "GPU", device.vbiosVersion());
        fill(b, device, i -> (i >= 0 && i <= 6) || (i >= 8 && i <= 12));
        return b;
    }

    /** The BIOS RIM of an NVSwitch: every block active. */
    public static SwidRimBuilder switchBiosRim(SimulatedNvidiaDevice device) {
        SwidRimBuilder b = new SwidRimBuilder("LS10", "SWITCH", device.vbiosVersion());
        fill(b, device, i -> true);
        return b;
    }

    private static String product(SimulatedNvidiaDevice d) {
        return d.arch() == SimulatedArch.BLACKWELL ? "GB100" : "GH100";
    }

    private static void fill(SwidRimBuilder b, SimulatedNvidiaDevice d, java.util.function.IntPredicate active) {
        HexFormat hex = HexFormat.of();
        for (Map.Entry<Integer, byte[]> m : d.measurements().entrySet()) {
            boolean a = active.test(m.getKey());
            b.entries.put(m.getKey(), new Entry(a, List.of(a ? hex.formatHex(m.getValue()) : "00".repeat(48))));
        }
    }

    /** Sets (or replaces) the entry for {@code index} with the given alternatives (hex). */
    public SwidRimBuilder measurement(int index, boolean active, String... alternatives) {
        entries.put(index, new Entry(active, List.of(alternatives)));
        return this;
    }

    public SwidRimBuilder colloquialVersion(String v) {
        this.colloquialVersion = v;
        return this;
    }

    /** The unsigned document. */
    public Document document() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().newDocument();
            Element root = doc.createElementNS(SWID_NS, "SoftwareIdentity");
            root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", SWID_NS);
            root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:ns2", SHA384_NS);
            root.setAttribute("corpus", "false");
            root.setAttribute("name", product);
            root.setAttribute("patch", "false");
            root.setAttribute("supplemental", "false");
            root.setAttribute("tagId", HexFormat.of().formatHex(new byte[24]) + Integer.toHexString(entries.hashCode()));
            root.setAttribute("version", "1.0");
            root.setAttribute("tagVersion", "0");
            doc.appendChild(root);
            Element entity = doc.createElementNS(SWID_NS, "Entity");
            entity.setAttribute("name", "NVIDIA Corporation");
            entity.setAttribute("role", "softwareCreator tagCreator");
            root.appendChild(entity);
            Element meta = doc.createElementNS(SWID_NS, "Meta");
            meta.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:ns1", TCG_RIM_NS);
            meta.setAttribute("colloquialVersion", colloquialVersion);
            meta.setAttribute("edition", edition);
            meta.setAttribute("product", product);
            meta.setAttribute("revision", "r1");
            meta.setAttributeNS(TCG_RIM_NS, "ns1:FirmwareManufacturerId", "5703");
            root.appendChild(meta);
            Element payload = doc.createElementNS(SWID_NS, "Payload");
            root.appendChild(payload);
            for (Map.Entry<Integer, Entry> e : entries.entrySet()) {
                Element r = doc.createElementNS(SWID_NS, "Resource");
                r.setAttribute("type", "Measurement");
                r.setAttribute("index", String.valueOf(e.getKey()));
                r.setAttribute("active", e.getValue().active() ? "True" : "False");
                r.setAttribute("alternatives", String.valueOf(e.getValue().alternatives().size()));
                for (int j = 0; j < e.getValue().alternatives().size(); j++) {
                    r.setAttributeNS(SHA384_NS, "ns2:Hash" + j, e.getValue().alternatives().get(j));
                }
                r.setAttribute("name", "Measurement_" + e.getKey());
                r.setAttribute("size", "48");
                payload.appendChild(r);
            }
            return doc;
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signed RIM as UTF-8 XML bytes. */
    public byte[] sign(NvidiaTestPki.RimSigner signer) {
        Document doc = document();
        try {
            XMLSignatureFactory fac = XMLSignatureFactory.getInstance("DOM");
            List<Transform> transforms = new ArrayList<>();
            transforms.add(fac.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null));
            transforms.add(fac.newTransform(CanonicalizationMethod.INCLUSIVE_11, (TransformParameterSpec) null));
            Reference ref = fac.newReference("", fac.newDigestMethod(DigestMethod.SHA384, null), transforms, null, null);
            SignedInfo si = fac.newSignedInfo(
                    fac.newCanonicalizationMethod(CanonicalizationMethod.INCLUSIVE_11, (C14NMethodParameterSpec) null),
                    fac.newSignatureMethod(SignatureMethod.ECDSA_SHA384, null), List.of(ref));
            KeyInfoFactory kif = fac.getKeyInfoFactory();
            List<X509Certificate> chain = new ArrayList<>(signer.chain());
            KeyInfo ki = kif.newKeyInfo(List.of(kif.newX509Data(chain)));
            DOMSignContext ctx = new DOMSignContext(signer.key().getPrivate(), doc.getDocumentElement());
            ctx.setDefaultNamespacePrefix("ds");
            fac.newXMLSignature(si, ki).sign(ctx);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            javax.xml.transform.Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (GeneralSecurityException | javax.xml.crypto.MarshalException | javax.xml.crypto.dsig.XMLSignatureException
                 | javax.xml.transform.TransformerException e) {
            throw new IllegalStateException("cannot sign RIM", e);
        }
    }
}

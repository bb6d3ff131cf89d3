package org.openanolis.attestation.policies.corim;

import co.nstant.in.cbor.CborBuilder;
import co.nstant.in.cbor.CborDecoder;
import co.nstant.in.cbor.CborEncoder;
import co.nstant.in.cbor.CborException;
import co.nstant.in.cbor.model.Array;
import co.nstant.in.cbor.model.ByteString;
import co.nstant.in.cbor.model.DataItem;
import co.nstant.in.cbor.model.MajorType;
import co.nstant.in.cbor.model.Map;
import co.nstant.in.cbor.model.UnicodeString;
import co.nstant.in.cbor.model.UnsignedInteger;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Ecdsa;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.ReferenceValueSet;

/**
 * Imports reference values from a signed IETF CoRIM (draft-ietf-rats-corim): a COSE_Sign1
 * (RFC 9052, tag 18) whose payload is a tagged unsigned CoRIM (tag 501) carrying CoMIDs (tag 506).
 * The signature (ES256 or ES384, raw r||s) is verified against a configured signer before the
 * payload is parsed. Each reference triple's measurements become values of the set:
 * the measurement's {@code mkey} (a text key, or else the {@code name} of its values) names the
 * key; digests and raw values become lower-case hex strings, {@code version} a string, {@code svn}
 * an integer. The CoRIM validity window becomes the set's validity; its id, the signer and the
 * file's digest go into the provenance. Other tag types (CoSWID, CoTL) are skipped and counted.
 */
public final class CorimImporter {
    private static final long TAG_COSE_SIGN1 = 18;
    private static final long TAG_CORIM = 501;
    private static final long TAG_COMID = 506;
    private static final long TAG_RAW_VALUE = 560;
    private static final long ALG_ES256 = -7;
    private static final long ALG_ES384 = -35;

    private final java.util.Map<String, ECPublicKey> signers;

    /** @param signers the configured CoRIM signers' public keys, by key id (COSE {@code kid}) */
    public CorimImporter(java.util.Map<String, ECPublicKey> signers) {
        this.signers = java.util.Map.copyOf(signers);
        if (this.signers.isEmpty()) {
            throw new IllegalArgumentException("at least one CoRIM signer must be configured");
        }
    }

    /** The result: the reference set and the id of the key that signed it. */
    public record Imported(ReferenceValueSet set, String signerKeyId) {}

    /**
     * Verifies and parses {@code signedCorim} into a reference set named {@code setName}.
     *
     * @throws PolicyException {@code SIGNATURE_INVALID} when the signature does not verify with a
     *                         configured signer; {@code MALFORMED_DOCUMENT} when the CBOR is not a
     *                         signed CoRIM of the supported shape; {@code INVALID_VALUE} for a
     *                         measurement without a usable key
     */
    public Imported importSigned(byte[] signedCorim, String setName) throws PolicyException {
        Objects.requireNonNull(setName, "setName");
        DataItem top = single(decode(signedCorim, "corim"), "corim");
        if (!hasTag(top, TAG_COSE_SIGN1) || !(top instanceof Array coseArray) || coseArray.getDataItems().size() != 4) {
            throw malformed("corim", "not a tagged COSE_Sign1 (tag 18, four elements)");
        }
        List<DataItem> cose = coseArray.getDataItems();
        byte[] protectedBytes = bytes(cose.get(0), "cose.protected");
        byte[] payload = bytes(cose.get(2), "cose.payload");
        byte[] signature = bytes(cose.get(3), "cose.signature");
        Map protectedHeader = protectedBytes.length == 0 ? new Map()
                : asMap(single(decode(protectedBytes, "cose.protected"), "cose.protected"), "cose.protected");
        DataItem algItem = protectedHeader.get(new UnsignedInteger(1));
        long alg = algItem == null ? 0 : integer(algItem, "cose.protected.alg");
        String kid = kid(protectedHeader, cose.get(1));
        ECPublicKey signer = signers.get(kid);
        if (signer == null) {
            throw new PolicyException(PolicyException.Code.SIGNATURE_INVALID, "cose.kid", "no configured CoRIM signer " + kid);
        }
        verify(alg, signer, protectedBytes, payload, signature);

        DataItem corimItem = single(decode(payload, "corim.payload"), "corim.payload");
        if (!hasTag(corimItem, TAG_CORIM)) {
            throw malformed("corim.payload", "not a tagged CoRIM (tag 501)");
        }
        Map corim = asMap(corimItem, "corim");
        String corimId = textOrHex(corim.get(new UnsignedInteger(0)), "corim.id");
        java.util.Map<String, Object> values = new LinkedHashMap<>();
        Set<String> environments = new LinkedHashSet<>();
        int skipped = 0;
        DataItem tags = corim.get(new UnsignedInteger(1));
        if (!(tags instanceof Array tagArray)) {
            throw malformed("corim.tags", "missing or not an array");
        }
        for (int t = 0; t < tagArray.getDataItems().size(); t++) {
            DataItem tag = tagArray.getDataItems().get(t);
            if (!hasTag(tag, TAG_COMID)) {
                skipped++;
                continue;
            }
            String field = "corim.tags[" + t + "]";
            Map comid = asMap(single(decode(bytes(tag, field), field), field), field);
            DataItem triples = comid.get(new UnsignedInteger(4));
            if (triples == null) {
                continue;
            }
            DataItem refTriples = asMap(triples, field + ".triples").get(new UnsignedInteger(0));
            if (refTriples == null) {
                continue;
            }
            List<DataItem> records = array(refTriples, field + ".reference_triples");
            for (int r = 0; r < records.size(); r++) {
                String rf = field + ".reference_triples[" + r + "]";
                List<DataItem> record = array(records.get(r), rf);
                if (record.size() != 2) {
                    throw malformed(rf, "a reference triple has two elements");
                }
                environments.add(environment(asMap(record.get(0), rf + ".environment")));
                List<DataItem> measurements = array(record.get(1), rf + ".measurements");
                for (int m = 0; m < measurements.size(); m++) {
                    addMeasurement(asMap(measurements.get(m), rf + ".measurements[" + m + "]"),
                            rf + ".measurements[" + m + "]", values);
                }
            }
        }
        Instant validFrom = null;
        Instant validUntil = null;
        DataItem validity = corim.get(new UnsignedInteger(4));
        if (validity != null) {
            Map v = asMap(validity, "corim.validity");
            validFrom = time(v.get(new UnsignedInteger(0)), "corim.validity.not_before");
            validUntil = time(v.get(new UnsignedInteger(1)), "corim.validity.not_after");
        }
        java.util.Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("source", "corim");
        provenance.put("corim_id", corimId);
        provenance.put("signer_kid", kid);
        provenance.put("corim_sha256", Hex.encode(Digests.sha256(signedCorim)));
        provenance.put("environments", String.join("; ", environments));
        if (skipped > 0) {
            provenance.put("skipped_tags", Integer.toString(skipped));
        }
        try {
            return new Imported(new ReferenceValueSet(setName, "imported from CoRIM " + corimId, provenance,
                    validFrom, validUntil, values, List.of()), kid);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, "corim", e.getMessage(), e);
        }
    }

    private String kid(Map protectedHeader, DataItem unprotected) throws PolicyException {
        DataItem k = protectedHeader.get(new UnsignedInteger(4));
        if (k == null && unprotected instanceof Map u) {
            k = u.get(new UnsignedInteger(4));
        }
        if (k == null) {
            if (signers.size() == 1) {
                return signers.keySet().iterator().next();
            }
            throw new PolicyException(PolicyException.Code.SIGNATURE_INVALID, "cose.kid",
                    "no kid, and more than one CoRIM signer is configured");
        }
        if (k instanceof ByteString b) {
            return new String(b.getBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (k instanceof UnicodeString s) {
            return s.getString();
        }
        throw malformed("cose.kid", "kid must be a byte string");
    }

    private static void verify(long alg, ECPublicKey signer, byte[] protectedBytes, byte[] payload, byte[] signature)
            throws PolicyException {
        ECDomainParameters curve;
        String digestAlg;
        if (alg == ALG_ES256) {
            curve = Ecdsa.P256;
            digestAlg = "SHA-256";
        } else if (alg == ALG_ES384) {
            curve = Ecdsa.P384;
            digestAlg = "SHA-384";
        } else {
            throw new PolicyException(PolicyException.Code.SIGNATURE_INVALID, "cose.protected.alg",
                    "unsupported COSE algorithm " + alg + " (ES256 or ES384)");
        }
        // Sig_structure (RFC 9052 section 4.4): ["Signature1", protected, external_aad = h'', payload]
        byte[] toBeSigned;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new CborEncoder(out).encode(new CborBuilder().addArray()
                    .add("Signature1").add(protectedBytes).add(new byte[0]).add(payload).end().build());
            toBeSigned = out.toByteArray();
        } catch (CborException e) {
            throw new IllegalStateException("cannot encode Sig_structure", e);
        }
        try {
            ECPublicKeyParameters key = Ecdsa.rawKey(curve, rawXy(signer, curve), ReasonCode.SIGNATURE_INVALID, "cose.signer");
            Ecdsa.verifyDigest(key, Digests.digest(digestAlg, toBeSigned), signature, "cose.signature");
        } catch (VerificationException e) {
            throw new PolicyException(PolicyException.Code.SIGNATURE_INVALID, e.field(), e.getMessage(), e);
        }
    }

    private static byte[] rawXy(ECPublicKey key, ECDomainParameters curve) {
        int len = (curve.getCurve().getFieldSize() + 7) / 8;
        byte[] xy = new byte[2 * len];
        fixed(key.getW().getAffineX(), xy, 0, len);
        fixed(key.getW().getAffineY(), xy, len, len);
        return xy;
    }

    private static void fixed(BigInteger v, byte[] out, int off, int len) {
        byte[] b = v.toByteArray();
        int start = Math.max(0, b.length - len);
        int n = b.length - start;
        System.arraycopy(b, start, out, off + len - n, n);
    }

    private static void addMeasurement(Map measurement, String field, java.util.Map<String, Object> values)
            throws PolicyException {
        DataItem mvalItem = measurement.get(new UnsignedInteger(1));
        if (mvalItem == null) {
            throw malformed(field, "measurement without mval");
        }
        Map mval = asMap(mvalItem, field + ".mval");
        String key = null;
        DataItem mkey = measurement.get(new UnsignedInteger(0));
        if (mkey instanceof UnicodeString s) {
            key = s.getString();
        } else if (mval.get(new UnsignedInteger(11)) instanceof UnicodeString name) {
            key = name.getString();
        }
        if (key == null || !ReferenceValueSet.NAME.matcher(key).matches()) {
            throw new PolicyException(PolicyException.Code.INVALID_VALUE, field + ".mkey",
                    "measurement key must be text matching " + ReferenceValueSet.NAME.pattern() + ": " + key);
        }
        DataItem version = mval.get(new UnsignedInteger(0));
        if (version != null) {
            DataItem v = asMap(version, field + ".mval.version").get(new UnsignedInteger(0));
            if (!(v instanceof UnicodeString vs)) {
                throw malformed(field + ".mval.version", "version must be text");
            }
            add(values, key, vs.getString());
        }
        DataItem svn = mval.get(new UnsignedInteger(1));
        if (svn != null) {
            add(values, key, integer(svn, field + ".mval.svn"));
        }
        DataItem digests = mval.get(new UnsignedInteger(2));
        if (digests != null) {
            for (DataItem d : array(digests, field + ".mval.digests")) {
                List<DataItem> pair = array(d, field + ".mval.digests");
                if (pair.size() != 2) {
                    throw malformed(field + ".mval.digests", "a digest is [alg, value]");
                }
                add(values, key, Hex.encode(bytes(pair.get(1), field + ".mval.digests")));
            }
        }
        DataItem raw = mval.get(new UnsignedInteger(4));
        if (raw != null) {
            if (!hasTag(raw, TAG_RAW_VALUE)) {
                throw malformed(field + ".mval.raw_value", "raw value must be tagged bytes (560)");
            }
            add(values, key, Hex.encode(bytes(raw, field + ".mval.raw_value")));
        }
    }

    @SuppressWarnings("unchecked")
    private static void add(java.util.Map<String, Object> values, String key, Object value) {
        Object current = values.get(key);
        List<Object> list = current == null ? new ArrayList<>() : (List<Object>) current;
        if (!list.contains(value)) {
            list.add(value);
        }
        values.put(key, list);
    }

    private static String environment(Map env) throws PolicyException {
        DataItem cls = env.get(new UnsignedInteger(0));
        if (cls == null) {
            return "";
        }
        Map c = asMap(cls, "environment.class");
        List<String> parts = new ArrayList<>();
        if (c.get(new UnsignedInteger(1)) instanceof UnicodeString vendor) {
            parts.add(vendor.getString());
        }
        if (c.get(new UnsignedInteger(2)) instanceof UnicodeString model) {
            parts.add(model.getString());
        }
        return String.join(" ", parts);
    }

    private static Instant time(DataItem item, String field) throws PolicyException {
        if (item == null) {
            return null;
        }
        return Instant.ofEpochSecond(integer(item, field));
    }

    private static List<DataItem> decode(byte[] bytes, String field) throws PolicyException {
        try {
            CborDecoder decoder = new CborDecoder(new java.io.ByteArrayInputStream(bytes));
            decoder.setRejectDuplicateKeys(true);
            decoder.setMaxPreallocationSize(1 << 16);
            return decoder.decode();
        } catch (CborException | RuntimeException e) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, field, "not valid CBOR: " + e.getMessage(), e);
        }
    }

    private static DataItem single(List<DataItem> items, String field) throws PolicyException {
        if (items.size() != 1) {
            throw malformed(field, "expected exactly one CBOR item, found " + items.size());
        }
        return items.get(0);
    }

    private static boolean hasTag(DataItem item, long tag) {
        return item.hasTag() && item.getTag().getValue() == tag;
    }

    private static Map asMap(DataItem item, String field) throws PolicyException {
        if (item instanceof Map m) {
            return m;
        }
        throw malformed(field, "expected a map");
    }

    private static List<DataItem> array(DataItem item, String field) throws PolicyException {
        if (item instanceof Array a) {
            return a.getDataItems();
        }
        throw malformed(field, "expected an array");
    }

    private static byte[] bytes(DataItem item, String field) throws PolicyException {
        if (item instanceof ByteString b) {
            return b.getBytes();
        }
        throw malformed(field, "expected a byte string");
    }

    private static long integer(DataItem item, String field) throws PolicyException {
        if (item.getMajorType() == MajorType.UNSIGNED_INTEGER || item.getMajorType() == MajorType.NEGATIVE_INTEGER) {
            BigInteger v = ((co.nstant.in.cbor.model.Number) item).getValue();
            if (v.bitLength() < 63) {
                return v.longValue();
            }
        }
        throw malformed(field, "expected an integer");
    }

    private static String textOrHex(DataItem item, String field) throws PolicyException {
        if (item instanceof UnicodeString s) {
            return s.getString();
        }
        if (item instanceof ByteString b) {
            return Hex.encode(b.getBytes());
        }
        throw malformed(field, "expected text or bytes");
    }

    private static PolicyException malformed(String field, String message) {
        return new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, field, field + ": " + message);
    }
}

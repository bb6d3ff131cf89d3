package org.openanolis.attestation.policies.store;

import co.nstant.in.cbor.CborBuilder;
import co.nstant.in.cbor.CborEncoder;
import co.nstant.in.cbor.model.Array;
import co.nstant.in.cbor.model.ByteString;
import co.nstant.in.cbor.model.DataItem;
import co.nstant.in.cbor.model.Map;
import co.nstant.in.cbor.model.NegativeInteger;
import co.nstant.in.cbor.model.UnicodeString;
import co.nstant.in.cbor.model.UnsignedInteger;
import com.nimbusds.jose.crypto.impl.ECDSA;
import java.io.ByteArrayOutputStream;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.List;

/** Builds signed CoRIMs (COSE_Sign1 over a tagged CoRIM with one CoMID) for import tests. */
final class CorimFixtures {
    private CorimFixtures() {}

    /** One measurement: a text mkey with digests. */
    record Measurement(String key, List<byte[]> digests) {}

    static byte[] signedCorim(PrivateKey signer, String kid, String corimId, List<Measurement> measurements,
                              long notBefore, long notAfter) throws Exception {
        return sign(signer, kid, corimPayload(corimId, measurements, notBefore, notAfter, 501));
    }

    /** An unsigned CoRIM (tagged {@code corimTag}, normally 501) with one CoMID. */
    static byte[] corimPayload(String corimId, List<Measurement> measurements, long notBefore, long notAfter,
                               long corimTag) throws Exception {
        Array refMeasurements = new Array();
        for (Measurement m : measurements) {
            Array digests = new Array();
            for (byte[] d : m.digests()) {
                Array pair = new Array();
                pair.add(new UnsignedInteger(7)); // sha-384 (named-information registry)
                pair.add(new ByteString(d));
                digests.add(pair);
            }
            Map mval = new Map();
            mval.put(new UnsignedInteger(2), digests);
            Map mm = new Map();
            if (m.key() != null) {
                mm.put(new UnsignedInteger(0), new UnicodeString(m.key()));
            }
            mm.put(new UnsignedInteger(1), mval);
            refMeasurements.add(mm);
        }
        Map classMap = new Map();
        classMap.put(new UnsignedInteger(1), new UnicodeString("ACME"));
        classMap.put(new UnsignedInteger(2), new UnicodeString("inference-image"));
        Map env = new Map();
        env.put(new UnsignedInteger(0), classMap);
        Array triple = new Array();
        triple.add(env);
        triple.add(refMeasurements);
        Array refTriples = new Array();
        refTriples.add(triple);
        Map triples = new Map();
        triples.put(new UnsignedInteger(0), refTriples);
        Map tagIdentity = new Map();
        tagIdentity.put(new UnsignedInteger(0), new UnicodeString(corimId + "-comid"));
        Map comid = new Map();
        comid.put(new UnsignedInteger(1), tagIdentity);
        comid.put(new UnsignedInteger(4), triples);
        ByteString comidBytes = new ByteString(encode(comid));
        comidBytes.setTag(506);
        Array tags = new Array();
        tags.add(comidBytes);
        Map validity = new Map();
        UnsignedInteger nb = new UnsignedInteger(notBefore);
        nb.setTag(1);
        UnsignedInteger na = new UnsignedInteger(notAfter);
        na.setTag(1);
        validity.put(new UnsignedInteger(0), nb);
        validity.put(new UnsignedInteger(1), na);
        Map corim = new Map();
        corim.put(new UnsignedInteger(0), new UnicodeString(corimId));
        corim.put(new UnsignedInteger(1), tags);
        corim.put(new UnsignedInteger(4), validity);
        corim.setTag(corimTag);
        return encode(corim);
    }

    /** A COSE_Sign1 (ES256) over {@code payload}; {@code kid} null leaves the key id out. */
    static byte[] sign(PrivateKey signer, String kid, byte[] payload) throws Exception {
        Map protectedHeader = new Map();
        protectedHeader.put(new UnsignedInteger(1), new NegativeInteger(-7));
        protectedHeader.put(new UnsignedInteger(3), new UnicodeString("application/rim+cbor"));
        if (kid != null) {
            protectedHeader.put(new UnsignedInteger(4), new ByteString(kid.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        byte[] protectedBytes = encode(protectedHeader);
        ByteArrayOutputStream sigStructure = new ByteArrayOutputStream();
        new CborEncoder(sigStructure).encode(new CborBuilder().addArray()
                .add("Signature1").add(protectedBytes).add(new byte[0]).add(payload).end().build());
        Signature sig = Signature.getInstance("SHA256withECDSA");
        sig.initSign(signer);
        sig.update(sigStructure.toByteArray());
        byte[] raw = ECDSA.transcodeSignatureToConcat(sig.sign(), 64);

        Array cose = new Array();
        cose.add(new ByteString(protectedBytes));
        cose.add(new Map());
        cose.add(new ByteString(payload));
        cose.add(new ByteString(raw));
        cose.setTag(18);
        return encode(cose);
    }

    private static byte[] encode(DataItem item) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CborEncoder(out).encode(item);
        return out.toByteArray();
    }
}

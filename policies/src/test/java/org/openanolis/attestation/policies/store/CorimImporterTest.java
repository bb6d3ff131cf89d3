package org.openanolis.attestation.policies.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.ReferenceValueSet;
import org.openanolis.attestation.policies.corim.CorimImporter;

/** CoRIM parsing and signature cases that need no database. */
class CorimImporterTest {
    private static final List<CorimFixtures.Measurement> ONE =
            List.of(new CorimFixtures.Measurement("mr_td", List.of(new byte[] {1, 2, 3})));

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @Test
    void singleSignerNeedsNoKid() throws Exception {
        KeyPair k = p256();
        CorimImporter importer = new CorimImporter(Map.of("only", (ECPublicKey) k.getPublic()));
        byte[] corim = CorimFixtures.sign(k.getPrivate(), null, CorimFixtures.corimPayload("c1", ONE, 0, 10, 501));
        ReferenceValueSet set = importer.importSigned(corim, "imgs").set();
        assertEquals(List.of("010203"), set.values().get("mr_td"));
        assertEquals("only", set.provenance().get("signer_kid"));
    }

    @Test
    void cases() throws Exception {
        KeyPair a = p256();
        KeyPair b = p256();
        CorimImporter two = new CorimImporter(Map.of("a", (ECPublicKey) a.getPublic(), "b", (ECPublicKey) b.getPublic()));
        record Case(String name, byte[] corim, PolicyException.Code code) {}
        List<Case> cases = List.of(
                new Case("no kid, two signers", CorimFixtures.sign(a.getPrivate(), null,
                        CorimFixtures.corimPayload("c", ONE, 0, 10, 501)), PolicyException.Code.SIGNATURE_INVALID),
                new Case("unknown kid", CorimFixtures.sign(a.getPrivate(), "zz",
                        CorimFixtures.corimPayload("c", ONE, 0, 10, 501)), PolicyException.Code.SIGNATURE_INVALID),
                new Case("signed by b, named a", CorimFixtures.sign(b.getPrivate(), "a",
                        CorimFixtures.corimPayload("c", ONE, 0, 10, 501)), PolicyException.Code.SIGNATURE_INVALID),
                new Case("payload not tagged 501", CorimFixtures.sign(a.getPrivate(), "a",
                        CorimFixtures.corimPayload("c", ONE, 0, 10, 500)), PolicyException.Code.MALFORMED_DOCUMENT),
                new Case("measurement without key", CorimFixtures.sign(a.getPrivate(), "a",
                        CorimFixtures.corimPayload("c", List.of(new CorimFixtures.Measurement(null, List.of(new byte[] {1}))), 0, 10, 501)),
                        PolicyException.Code.INVALID_VALUE),
                new Case("validity inverted", CorimFixtures.sign(a.getPrivate(), "a",
                        CorimFixtures.corimPayload("c", ONE, 10, 0, 501)), PolicyException.Code.INVALID_VALUE),
                new Case("not CBOR", new byte[] {(byte) 0xff, 0x00}, PolicyException.Code.MALFORMED_DOCUMENT),
                new Case("untagged array", new byte[] {(byte) 0x84, 0x40, (byte) 0xa0, 0x40, 0x40}, PolicyException.Code.MALFORMED_DOCUMENT));
        for (Case c : cases) {
            PolicyException e = assertThrows(PolicyException.class, () -> two.importSigned(c.corim(), "imgs"), c.name());
            assertEquals(c.code(), e.code(), c.name());
        }
        assertEquals("a", two.importSigned(CorimFixtures.sign(a.getPrivate(), "a",
                CorimFixtures.corimPayload("c", ONE, 0, 10, 501)), "imgs").signerKeyId());
    }
}

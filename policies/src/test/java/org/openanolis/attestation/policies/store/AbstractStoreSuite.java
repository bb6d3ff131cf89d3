package org.openanolis.attestation.policies.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.policies.Appraisal;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.EarStatus;
import org.openanolis.attestation.policies.MutableClock;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.ReferenceSetUse;
import org.openanolis.attestation.policies.ReferenceValueSet;
import org.openanolis.attestation.policies.RuleOutcome;
import org.openanolis.attestation.policies.TestClaims;
import org.openanolis.attestation.policies.TrustComponent;
import org.openanolis.attestation.policies.admin.AdminPrincipal;
import org.openanolis.attestation.policies.admin.DocumentSigning;
import org.openanolis.attestation.policies.admin.DocumentUpload;
import org.openanolis.attestation.policies.admin.PolicyAdministration;
import org.openanolis.attestation.policies.admin.Role;
import org.openanolis.attestation.policies.corim.CorimImporter;

/**
 * The store test suite: store, engine and admin operations on a real database. Run once per
 * database by {@link SqliteStoreSuiteTest} and {@link PostgresStoreSuiteTest}.
 */
abstract class AbstractStoreSuite {
    static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    static final AdminPrincipal ALICE = new AdminPrincipal("alice", Set.of(Role.POLICY_ADMIN));
    static final AdminPrincipal AUDITOR = new AdminPrincipal("audrey", Set.of(Role.AUDITOR));
    static final AdminPrincipal ATTESTER = new AdminPrincipal("box-17", Set.of(Role.ATTESTER));

    static final String TDX_PROD = """
            id: tdx-prod
            description: production TDs
            tees: [tdx]
            references: [tdx_images]
            rules:
              - name: not-debug
                component: configuration
                expr: claims.debug == false
                on_fail: contraindicated
              - name: mrtd-known
                component: executables
                expr: claims.mr_td in reference.tdx_images.mr_td
                on_fail: contraindicated
            """;

    static final String TDX_IMAGES = """
            name: tdx_images
            description: signed CI builds
            provenance: {source: ci, pipeline: "4711"}
            values:
              mr_td: ["%s", "%s"]
            """.formatted(TestClaims.MR_TD, "aa".repeat(48));

    MutableClock clock;
    Database database;
    VersionedDocumentStore store;
    PolicyCompiler compiler;
    PolicyEngine engine;
    PolicyAdministration admin;

    /** A fresh, migrated, empty database for one test. */
    abstract Database openDatabase() throws Exception;

    abstract Database.Vendor expectedVendor();

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(T0);
        database = openDatabase();
        store = new VersionedDocumentStore(database);
        compiler = new PolicyCompiler();
        BuiltInPolicies builtIns = new BuiltInPolicies(compiler);
        engine = new PolicyEngine(store, compiler, builtIns, clock, Duration.ZERO);
        admin = new PolicyAdministration(store, engine, compiler, builtIns, DocumentSigning.off(), null, clock);
    }

    @AfterEach
    void tearDown() {
        if (database != null) {
            database.close();
        }
    }

    static DocumentUpload upload(String text) {
        return DocumentUpload.of(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- store ----------------------------------------------------------------------------

    @Test
    void migrationsRanForThisVendor() throws Exception {
        assertEquals(expectedVendor(), database.vendor());
        int applied = database.read(c -> {
            try (Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success = "
                         + (database.vendor() == Database.Vendor.SQLITE ? "1" : "true"))) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertEquals(3, applied);
    }

    @Test
    void versionsAreImmutableWithWhoWhenAndHash() throws Exception {
        StoredDocument v1 = admin.createPolicy(ALICE, upload(TDX_PROD));
        clock.advance(Duration.ofMinutes(5));
        String changed = TDX_PROD.replace("production TDs", "production TDs, v2");
        StoredDocument v2 = admin.createPolicy(new AdminPrincipal("bob", Set.of(Role.POLICY_ADMIN)), upload(changed));
        assertEquals(1, v1.version());
        assertEquals(2, v2.version());
        assertEquals("alice", v1.createdBy());
        assertEquals("bob", v2.createdBy());
        assertEquals(T0, v1.createdAt());
        assertEquals(T0.plus(Duration.ofMinutes(5)), v2.createdAt());
        assertEquals(Hex.encode(Digests.sha256(TDX_PROD.getBytes(StandardCharsets.UTF_8))), v1.contentHash());
        StoredDocument again = admin.getPolicy(AUDITOR, "tdx-prod", 1);
        assertEquals(TDX_PROD, again.content());
        assertEquals(v1.contentHash(), again.contentHash());
        assertEquals(2, admin.getPolicy(AUDITOR, "tdx-prod", null).version());
        assertEquals(2, admin.policyVersions(AUDITOR, "tdx-prod").size());
        assertThrows(SQLException.class, () -> execute("UPDATE document_versions SET content = 'x'"));
        assertThrows(SQLException.class, () -> execute("DELETE FROM document_versions"));
        assertEquals(TDX_PROD, admin.getPolicy(AUDITOR, "tdx-prod", 1).content());
    }

    @Test
    void concurrentUploadsGetDistinctVersionsOrAConflict() throws Exception {
        int writers = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String text = TDX_PROD.replace("production TDs", "production TDs " + i);
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return admin.createPolicy(ALICE, upload(text)).version();
                    } catch (PolicyException e) {
                        assertEquals(PolicyException.Code.VERSION_CONFLICT, e.code());
                        return -1;
                    }
                }));
            }
            start.countDown();
            java.util.Set<Integer> versions = new java.util.TreeSet<>();
            for (var f : results) {
                int v = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (v > 0) {
                    assertTrue(versions.add(v), "version " + v + " given twice");
                }
            }
            assertFalse(versions.isEmpty());
            List<StoredDocument> stored = admin.policyVersions(AUDITOR, "tdx-prod");
            assertEquals(versions.size(), stored.size());
            for (int i = 0; i < stored.size(); i++) {
                assertEquals(i + 1, stored.get(i).version());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void explanationSerializesAsJson() throws Exception {
        Map<String, Object> claims = TestClaims.tdx();
        claims.remove("qe_status");
        Map<String, Object> explanation = engine.appraise(null, claims).toExplanation();
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(explanation);
        assertTrue(json.contains("\"qe_status\":null"), json);
        assertTrue(json.contains("\"result\":\"error\""), json);
        assertEquals("warning", explanation.get("status"));
    }

    @Test
    void activationsAreAppendOnlyHistory() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        clock.advance(Duration.ofMinutes(1));
        admin.deactivatePolicy(ALICE, "tdx-prod");
        var history = admin.policyActivations(AUDITOR, "tdx-prod");
        assertEquals(2, history.size());
        assertEquals(1, history.get(0).version());
        assertNull(history.get(1).version());
        assertEquals("alice", history.get(1).changedBy());
        assertThrows(SQLException.class, () -> execute("DELETE FROM document_activations"));
        var summary = admin.listPolicies(AUDITOR);
        assertEquals(1, summary.size());
        assertEquals(1, summary.get(0).latestVersion());
        assertNull(summary.get(0).activeVersion());
    }

    @Test
    void documentVersionMustBeTheNextOne() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        PolicyException stale = assertThrows(PolicyException.class,
                () -> admin.createPolicy(ALICE, upload("version: 1\n" + TDX_PROD)));
        assertEquals(PolicyException.Code.VERSION_CONFLICT, stale.code());
        assertEquals(2, admin.createPolicy(ALICE, upload("version: 2\n" + TDX_PROD)).version());
    }

    @Test
    void uploadTypeErrorPointsAtRuleAndColumnAndStoresNothing() throws Exception {
        String bad = TDX_PROD.replace("claims.debug == false", "claims.debug == 'no' + 1");
        PolicyException e = assertThrows(PolicyException.class, () -> admin.createPolicy(ALICE, upload(bad)));
        assertEquals(PolicyException.Code.EXPRESSION_INVALID, e.code());
        assertEquals("not-debug", e.issues().get(0).rule());
        assertEquals("rules[0].expr", e.issues().get(0).field());
        assertEquals(22, e.issues().get(0).column());
        assertTrue(admin.listPolicies(ALICE).isEmpty());
        PolicyException unknown = assertThrows(PolicyException.class,
                () -> admin.createPolicy(ALICE, upload(TDX_PROD + "extra: 1\n")));
        assertEquals(PolicyException.Code.UNKNOWN_KEY, unknown.code());
        assertEquals("extra", unknown.field());
        String huge = TDX_PROD + "#" + "x".repeat(PolicyAdministration.MAX_DOCUMENT_BYTES) + "\n";
        assertEquals(PolicyException.Code.INVALID_VALUE,
                assertThrows(PolicyException.class, () -> admin.createPolicy(ALICE, upload(huge))).code());
    }

    @Test
    void rolesAreEnforced() throws Exception {
        assertEquals(PolicyException.Code.FORBIDDEN,
                assertThrows(PolicyException.class, () -> admin.createPolicy(AUDITOR, upload(TDX_PROD))).code());
        assertEquals(PolicyException.Code.FORBIDDEN,
                assertThrows(PolicyException.class, () -> admin.listPolicies(ATTESTER)).code());
        admin.createPolicy(ALICE, upload(TDX_PROD));
        assertEquals(PolicyException.Code.FORBIDDEN,
                assertThrows(PolicyException.class, () -> admin.activatePolicy(AUDITOR, "tdx-prod", 1)).code());
        assertEquals(PolicyException.Code.FORBIDDEN,
                assertThrows(PolicyException.class, () -> admin.createReferenceSet(AUDITOR, upload(TDX_IMAGES))).code());
        assertEquals(1, admin.listPolicies(AUDITOR).size());
        assertEquals(PolicyException.Code.NOT_FOUND,
                assertThrows(PolicyException.class, () -> admin.getPolicy(AUDITOR, "tdx-prod", 7)).code());
    }

    // ---- engine ---------------------------------------------------------------------------

    @Test
    void activePolicyWithReferenceValuesDecides() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        assertEquals(PolicyException.Code.NOT_FOUND,
                assertThrows(PolicyException.class, () -> engine.appraise("tdx-prod", TestClaims.tdx())).code());
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        Appraisal noRefs = engine.appraise("tdx-prod", TestClaims.tdx());
        assertEquals(EarStatus.CONTRAINDICATED, noRefs.status());
        assertEquals(ReferenceSetUse.MISSING, noRefs.references().get(0).state());

        StoredDocument set = admin.createReferenceSet(ALICE, upload(TDX_IMAGES));
        admin.activateReferenceSet(ALICE, "tdx_images", set.version());
        Appraisal ok = engine.appraise("tdx-prod", TestClaims.tdx());
        assertEquals(EarStatus.AFFIRMING, ok.status());
        assertEquals(1, ok.policy().version());
        assertEquals(admin.getPolicy(ALICE, "tdx-prod", 1).contentHash(), ok.policy().contentHash());
        assertEquals(ReferenceSetUse.USED, ok.references().get(0).state());
        assertEquals(set.contentHash(), ok.references().get(0).contentHash());
        RuleOutcome mrtd = ok.rules().get(1);
        assertEquals(Map.of("mr_td", TestClaims.MR_TD), mrtd.claimsRead());
        assertEquals(List.of(TestClaims.MR_TD, "aa".repeat(48)), mrtd.referencesRead().get("tdx_images.mr_td"));

        Map<String, Object> other = TestClaims.tdx();
        other.put("mr_td", "bb".repeat(48));
        Appraisal denied = engine.appraise("tdx-prod", other);
        assertEquals(EarStatus.CONTRAINDICATED, denied.status());
        assertEquals(96, denied.trustVector().get(TrustComponent.EXECUTABLES));
        assertEquals("mrtd-known", denied.failedRules().get(0).rule());
    }

    @Test
    void revokedValuesAreKeptButNoLongerAccepted() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        admin.createReferenceSet(ALICE, upload(TDX_IMAGES));
        admin.activateReferenceSet(ALICE, "tdx_images", 1);
        assertEquals(EarStatus.AFFIRMING, engine.appraise("tdx-prod", TestClaims.tdx()).status());

        clock.advance(Duration.ofHours(1));
        StoredDocument v2 = admin.revokeReferenceValue(ALICE, "tdx_images", "mr_td", TestClaims.MR_TD, "CVE-2026-0001");
        assertEquals(2, v2.version());
        assertTrue(v2.note().startsWith("revoked mr_td"));
        Appraisal after = engine.appraise("tdx-prod", TestClaims.tdx());
        assertEquals(EarStatus.CONTRAINDICATED, after.status());
        assertEquals(2, after.references().get(0).version());

        ReferenceValueSet revoked = engine.referenceSet(admin.getReferenceSet(AUDITOR, "tdx_images", 2));
        assertEquals(1, revoked.revoked().size());
        assertEquals(TestClaims.MR_TD, revoked.revoked().get(0).value());
        assertEquals("alice", revoked.revoked().get(0).revokedBy());
        assertEquals(T0.plus(Duration.ofHours(1)), revoked.revoked().get(0).revokedAt());
        assertEquals(List.of("aa".repeat(48)), revoked.values().get("mr_td"));
        assertEquals(TDX_IMAGES, admin.getReferenceSet(AUDITOR, "tdx_images", 1).content());
        assertEquals(PolicyException.Code.NOT_FOUND, assertThrows(PolicyException.class, () ->
                admin.revokeReferenceValue(ALICE, "tdx_images", "mr_td", TestClaims.MR_TD, "again")).code());
    }

    @Test
    void referenceSetOutsideValidityIsNotOffered() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        admin.createReferenceSet(ALICE, upload(TDX_IMAGES + "valid_until: 2026-02-01T00:00:00Z\n"));
        admin.activateReferenceSet(ALICE, "tdx_images", 1);
        assertEquals(EarStatus.AFFIRMING, engine.appraise("tdx-prod", TestClaims.tdx()).status());
        clock.set(Instant.parse("2026-02-01T00:00:00Z"));
        Appraisal late = engine.appraise("tdx-prod", TestClaims.tdx());
        assertEquals(EarStatus.CONTRAINDICATED, late.status());
        assertEquals(ReferenceSetUse.NOT_VALID, late.references().get(0).state());
    }

    @Test
    void defaultPolicyCanBeReplacedAndRestored() throws Exception {
        Appraisal builtIn = engine.appraise(null, TestClaims.tdx());
        assertEquals("default-tdx", builtIn.policy().id());
        assertEquals(0, builtIn.policy().version());
        byte[] copy = admin.builtInPolicy(AUDITOR, "tdx");
        String stricter = new String(copy, StandardCharsets.UTF_8).replace("on_fail: warning", "on_fail: contraindicated");
        admin.createPolicy(ALICE, upload(stricter));
        admin.activatePolicy(ALICE, "default-tdx", 1);
        Map<String, Object> outOfDate = TestClaims.tdx();
        outOfDate.put("tcb_status", "OutOfDate");
        Appraisal replaced = engine.appraise(null, outOfDate);
        assertEquals(1, replaced.policy().version());
        assertEquals(EarStatus.CONTRAINDICATED, replaced.status());
        admin.deactivatePolicy(ALICE, "default-tdx");
        PolicyException wrongTee = assertThrows(PolicyException.class,
                () -> admin.createPolicy(ALICE, upload(stricter.replace("tees: [tdx]", "tees: [snp]"))));
        assertEquals(PolicyException.Code.INVALID_VALUE, wrongTee.code());
        assertEquals("tees", wrongTee.field());
        Appraisal restored = engine.appraise(null, outOfDate);
        assertEquals(0, restored.policy().version());
        assertEquals(EarStatus.WARNING, restored.status());
    }

    @Test
    void compositeRequestPicksThePolicyCoveringEachDevice() throws Exception {
        admin.createPolicy(ALICE, upload(TDX_PROD));
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        admin.createReferenceSet(ALICE, upload(TDX_IMAGES));
        admin.activateReferenceSet(ALICE, "tdx_images", 1);
        Appraisal cpu = engine.appraiseWithAny(List.of("tdx-prod"), TestClaims.tdx());
        assertEquals("tdx-prod", cpu.policy().id());
        Appraisal gpu = engine.appraiseWithAny(List.of("tdx-prod"), TestClaims.gpu("not_appraised"));
        assertEquals("default-nvgpu", gpu.policy().id());
        assertEquals(EarStatus.WARNING, gpu.status());
        assertEquals(PolicyException.Code.NOT_FOUND, assertThrows(PolicyException.class,
                () -> engine.appraiseWithAny(List.of("nope"), TestClaims.tdx())).code());
    }

    @Test
    void activeVersionIsCachedForTheConfiguredTime() throws Exception {
        PolicyEngine cached = new PolicyEngine(store, compiler, new BuiltInPolicies(compiler), clock, Duration.ofSeconds(5));
        admin.createPolicy(ALICE, upload(TDX_PROD.replace("references: [tdx_images]\n", "")
                .replace("claims.mr_td in reference.tdx_images.mr_td", "\"true\"")));
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        assertEquals(1, cached.appraise("tdx-prod", TestClaims.tdx()).policy().version());
        admin.createPolicy(ALICE, upload(TDX_PROD.replace("references: [tdx_images]\n", "")
                .replace("claims.mr_td in reference.tdx_images.mr_td", "\"false\"")));
        admin.activatePolicy(ALICE, "tdx-prod", 2);
        assertEquals(1, cached.appraise("tdx-prod", TestClaims.tdx()).policy().version());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(2, cached.appraise("tdx-prod", TestClaims.tdx()).policy().version());
    }

    @Test
    void dryRunExplainsWithoutStoring() throws Exception {
        admin.createReferenceSet(ALICE, upload(TDX_IMAGES));
        admin.activateReferenceSet(ALICE, "tdx_images", 1);
        Map<String, Object> debug = TestClaims.tdx();
        debug.put("debug", true);
        Appraisal a = admin.dryRunDraft(AUDITOR, upload(TDX_PROD), debug);
        assertEquals(EarStatus.CONTRAINDICATED, a.status());
        assertEquals(List.of("not-debug"), a.failedRules().stream().map(RuleOutcome::rule).toList());
        assertEquals(0, a.policy().version());
        assertTrue(admin.listPolicies(ALICE).isEmpty());
        admin.createPolicy(ALICE, upload(TDX_PROD));
        Appraisal stored = admin.dryRunStored(AUDITOR, "tdx-prod", 1, TestClaims.tdx());
        assertEquals(EarStatus.AFFIRMING, stored.status());
        assertEquals(PolicyException.Code.FORBIDDEN, assertThrows(PolicyException.class,
                () -> admin.dryRunDraft(ATTESTER, upload(TDX_PROD), debug)).code());
    }

    // ---- signed documents -----------------------------------------------------------------

    @Test
    void signedModeRequiresAValidSignatureByARegisteredKey() throws Exception {
        ECKey signingKey = new ECKeyGenerator(Curve.P_256).keyID("policy-signer-1").generate();
        ECKey strangerKey = new ECKeyGenerator(Curve.P_256).keyID("policy-signer-1").generate();
        PolicyAdministration signed = new PolicyAdministration(store, engine, compiler, new BuiltInPolicies(compiler),
                DocumentSigning.required(new JWKSet(signingKey.toPublicJWK())), null, clock);
        byte[] doc = TDX_PROD.getBytes(StandardCharsets.UTF_8);

        assertEquals(PolicyException.Code.SIGNATURE_REQUIRED,
                assertThrows(PolicyException.class, () -> signed.createPolicy(ALICE, DocumentUpload.of(doc))).code());
        String forged = jws(strangerKey, doc);
        assertEquals(PolicyException.Code.SIGNATURE_INVALID, assertThrows(PolicyException.class,
                () -> signed.createPolicy(ALICE, new DocumentUpload(doc, null, forged))).code());
        String good = jws(signingKey, doc);
        byte[] tamperedDoc = TDX_PROD.replace("contraindicated", "warning").getBytes(StandardCharsets.UTF_8);
        assertEquals(PolicyException.Code.SIGNATURE_INVALID, assertThrows(PolicyException.class,
                () -> signed.createPolicy(ALICE, new DocumentUpload(tamperedDoc, null, good))).code());
        assertTrue(admin.listPolicies(ALICE).isEmpty());

        StoredDocument stored = signed.createPolicy(ALICE, new DocumentUpload(doc, null, good));
        assertEquals("policy-signer-1", stored.signerKeyId());
        assertEquals(good, admin.getPolicy(AUDITOR, "tdx-prod", 1).signature());
        String detached = good.substring(0, good.indexOf('.') + 1) + good.substring(good.lastIndexOf('.'));
        assertEquals(2, signed.createPolicy(ALICE, new DocumentUpload(doc, null, detached)).version());
    }

    @Test
    void unsignedModeRejectsSignaturesItCannotCheck() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        byte[] doc = TDX_PROD.getBytes(StandardCharsets.UTF_8);
        assertEquals(PolicyException.Code.SIGNATURE_INVALID, assertThrows(PolicyException.class,
                () -> admin.createPolicy(ALICE, new DocumentUpload(doc, null, jws(key, doc)))).code());
    }

    private static String jws(ECKey key, byte[] payload) throws Exception {
        JWSObject o = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), new Payload(payload));
        o.sign(new ECDSASigner(key));
        return o.serialize();
    }

    // ---- CoRIM ----------------------------------------------------------------------------

    @Test
    void corimImportVerifiesTheSignatureAndKeepsTheSource() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair signer = g.generateKeyPair();
        KeyPair stranger = g.generateKeyPair();
        PolicyAdministration withCorim = new PolicyAdministration(store, engine, compiler, new BuiltInPolicies(compiler),
                DocumentSigning.off(), new CorimImporter(Map.of("vendor-rim-1", (ECPublicKey) signer.getPublic())), clock);
        byte[] mrtd = HexFormat.of().parseHex(TestClaims.MR_TD);
        byte[] corim = CorimFixtures.signedCorim(signer.getPrivate(), "vendor-rim-1", "corim-2026-01",
                List.of(new CorimFixtures.Measurement("mr_td", List.of(mrtd)),
                        new CorimFixtures.Measurement("rtmr0", List.of(new byte[48]))),
                T0.minusSeconds(3600).getEpochSecond(), T0.plus(Duration.ofDays(30)).getEpochSecond());

        StoredDocument v1 = withCorim.importCorim(ALICE, "tdx_images", corim);
        ReferenceValueSet set = engine.referenceSet(v1);
        assertEquals(List.of(TestClaims.MR_TD), set.values().get("mr_td"));
        assertEquals(List.of("00".repeat(48)), set.values().get("rtmr0"));
        assertEquals("corim-2026-01", set.provenance().get("corim_id"));
        assertEquals("vendor-rim-1", set.provenance().get("signer_kid"));
        assertEquals(T0.plus(Duration.ofDays(30)), set.validUntil());
        assertEquals("vendor-rim-1", v1.signerKeyId());
        assertArrayEquals(corim, store.importedSource("tdx_images", 1).orElseThrow());

        withCorim.activateReferenceSet(ALICE, "tdx_images", 1);
        admin.createPolicy(ALICE, upload(TDX_PROD));
        admin.activatePolicy(ALICE, "tdx-prod", 1);
        assertEquals(EarStatus.AFFIRMING, engine.appraise("tdx-prod", TestClaims.tdx()).status());

        byte[] tampered = corim.clone();
        tampered[tampered.length - 5] ^= 0x01; // inside the signature
        PolicyException badSig = assertThrows(PolicyException.class, () -> withCorim.importCorim(ALICE, "tdx_images", tampered));
        assertEquals(PolicyException.Code.SIGNATURE_INVALID, badSig.code());
        byte[] payloadTampered = corim.clone();
        int at = indexOf(payloadTampered, mrtd);
        payloadTampered[at] ^= 0x01; // a reference value inside the signed payload
        assertEquals(PolicyException.Code.SIGNATURE_INVALID, assertThrows(PolicyException.class,
                () -> withCorim.importCorim(ALICE, "tdx_images", payloadTampered)).code());
        byte[] wrongSigner = CorimFixtures.signedCorim(stranger.getPrivate(), "vendor-rim-1", "corim-x",
                List.of(new CorimFixtures.Measurement("mr_td", List.of(mrtd))), 0, T0.plus(Duration.ofDays(1)).getEpochSecond());
        assertEquals(PolicyException.Code.SIGNATURE_INVALID, assertThrows(PolicyException.class,
                () -> withCorim.importCorim(ALICE, "tdx_images", wrongSigner)).code());
        assertEquals(PolicyException.Code.MALFORMED_DOCUMENT, assertThrows(PolicyException.class,
                () -> withCorim.importCorim(ALICE, "tdx_images", new byte[] {(byte) 0xd2, 0x01})).code());
        assertEquals(1, admin.referenceSetVersions(AUDITOR, "tdx_images").size());
        assertFalse(store.importedSource("tdx_images", 2).isPresent());
        assertNotEquals(0, corim.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}

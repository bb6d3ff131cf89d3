package org.openanolis.attestation.verifier.service.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.openanolis.attestation.certs.Digests;
import org.openanolis.attestation.certs.TrustAnchors.AmdProduct;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.simulator.TestPki;
import org.openanolis.attestation.simulator.snp.AmdTestPki;
import org.openanolis.attestation.simulator.snp.SimulatedSnpPlatform;
import org.openanolis.attestation.simulator.snp.SimulatedTcb;
import org.openanolis.attestation.verifier.attest.AttestationService;
import org.openanolis.attestation.verifier.attest.EngineEvidenceVerifiers;
import org.openanolis.attestation.verifier.cli.Main;
import org.openanolis.attestation.verifier.log.AppliedPolicy;
import org.openanolis.attestation.verifier.log.LogEntry;
import org.openanolis.attestation.verifier.log.ReferenceSetReference;
import org.openanolis.attestation.verifier.service.ServiceConfig;
import org.openanolis.attestation.verifier.service.ServiceLauncher;

/**
 * Decisions made with stored policy versions replay with exactly the documents they used, on the
 * service's own database (SQLite or PostgreSQL). Through the admin API: a CPU policy
 * {@code fleet-cpu} (TDX and SNP) whose rules differ from the built-in and read the reference set
 * {@code fleet} (used) and {@code old_fleet} (expired at the decision: not valid), and a stored
 * {@code default-nvgpu} version (the built-in plus a rule reading {@code fleet}, and a declared set
 * that does not exist: missing) that replaces the GPU default once activated. A few dozen
 * simulator attestations (TDX with and without a Hopper GPU, SNP) run under them; then:
 * <ul>
 *   <li>{@code replay --url} and {@code replay --export} (after {@code export}) give zero findings,
 *       with only the built-in policies available to the replay;</li>
 *   <li>new versions of the policy and of {@code fleet} activated after the decisions change the
 *       service's next decision but not the replay of the earlier ones;</li>
 *   <li>one byte changed in a stored policy document is reported for every entry that used it.</li>
 * </ul>
 */
abstract class StoredPolicyReplayContract {
    static final Instant AT = Instant.parse("2026-01-15T00:00:00Z");
    static final String ADMIN = "stored-policy-admin-token-0123456789";
    static final int ROUNDS = 8;

    private static final String FLEET_SET = """
            name: fleet
            description: what the fleet requires
            provenance: {source: test}
            valid_from: 2025-01-01T00:00:00Z
            values:
              tier: silver
              gpu_archs: [hopper, blackwell]
            """;
    private static final String OLD_FLEET_SET = """
            name: old_fleet
            valid_until: 2025-06-01T00:00:00Z
            values:
              tier: bronze
            """;
    /** Differs from the built-ins: any tier but gold is a warning, and it reads two sets. */
    private static final String CPU_POLICY = """
            id: fleet-cpu
            description: fleet policy for CPUs
            tees: [tdx, snp]
            references: [fleet, old_fleet]
            rules:
              - name: not-debug
                component: configuration
                expr: claims.debug == false
                on_fail: contraindicated
              - name: gold-tier
                component: sourced_data
                expr: reference.fleet.tier == "gold"
                on_fail: %s
              - name: old-fleet-gone
                component: sourced_data
                expr: '!("old_fleet" in reference)'
                on_fail: warning
            """;

    record Service(ServiceLauncher.Running running, LogTestClient client, Path dataDir) {}

    private SimulatedTdxGpuPlatform tdxHost;
    private SimulatedSnpPlatform snpHost;
    Path anchors;
    private EngineEvidenceVerifiers engines;

    /** Starts the service on this contract's database with {@code config} completed by the caller's settings. */
    abstract Service startService(ServiceConfig config, Clock clock,
            java.util.function.Function<org.openanolis.attestation.certs.TrustAnchors,
                    org.openanolis.attestation.verifier.attest.EvidenceVerifiers> engines) throws Exception;

    /** Builds the simulated platforms, their PKIs pinned in {@code anchors}, and the engines the service uses. */
    void preparePlatforms(Path work) throws Exception {
        anchors = work.resolve("anchors");
        tdxHost = SimulatedTdxGpuPlatform.create(anchors);
        AmdTestPki amd = AmdTestPki.create(AmdProduct.MILAN, Instant.parse("2025-01-01T00:00:00Z"));
        amd.writeTrustAnchors(anchors);
        byte[] hwId = new byte[64];
        hwId[0] = 0x42;
        snpHost = new SimulatedSnpPlatform(amd, new SimulatedTcb(0, 4, 0, 24, 219), hwId);
        engines = tdxHost.engines(request -> {
            throw new org.openanolis.attestation.errors.VerificationException(
                    org.openanolis.attestation.errors.ReasonCode.COLLATERAL_MISSING, "vek", "send the VEK with the request");
        });
    }

    /** The service configuration every database shares. */
    ServiceConfig config(Path dataDir) throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = dataDir.toString();
        c.rateLimitPerSecond = 0;
        c.auditorToken = LogTestClient.TOKEN;
        c.denyContraindicated = false; // contraindicated decisions get tokens: they are replayed too
        c.trustAnchorsDir = anchors.toString();
        c.ocspMode = "off";
        c.policyCacheTtlSeconds = 0;
        c.adminTokens = new ArrayList<>(List.of("alice:policy-admin:" + ADMIN));
        return c;
    }

    /** The whole scenario on one database (one method: the steps build on each other). */
    void storedPoliciesReplayWithTheDocumentsTheyUsed(Path work) throws Exception {
        preparePlatforms(work);
        Service s = startService(config(work.resolve("service")), Clock.fixed(AT, ZoneOffset.UTC), a -> engines);
        try {
            run(s, work);
        } finally {
            s.running().close().await();
        }
    }

    private void run(Service s, Path work) throws Exception {
        LogTestClient client = s.client();
        // Policies and reference sets through the admin API.
        activate(client, "reference-values", "fleet", upload(client, "reference-values", FLEET_SET));
        activate(client, "reference-values", "old_fleet", upload(client, "reference-values", OLD_FLEET_SET));
        activate(client, "policies", "fleet-cpu", upload(client, "policies", CPU_POLICY.formatted("warning")));
        String gpuPolicy = new String(new BuiltInPolicies(new PolicyCompiler()).document("nvgpu").orElseThrow(),
                StandardCharsets.UTF_8).replace("\nrules:\n", "\nreferences: [fleet, gpu_pins]\nrules:\n")
                + "  - name: fleet-arch\n    component: hardware\n    expr: '\"hopper\" in reference.fleet.gpu_archs'\n"
                + "    on_fail: contraindicated\n";
        activate(client, "policies", "default-nvgpu", upload(client, "policies", gpuPolicy));

        // A few dozen decisions: TDX (some debug, some with a GPU) and SNP, all under fleet-cpu.
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            statuses.add(status(attestTdx(client, i % 4 == 3, i % 2 == 1, "fleet-cpu")));
            statuses.add(status(attestTdx(client, false, true, "fleet-cpu")));
            statuses.add(status(attestSnp(client, "fleet-cpu")));
        }
        // Under the built-in a non-debug TDX or SNP decision is affirming; fleet-cpu makes it a warning.
        assertEquals(3 * ROUNDS - ROUNDS / 4, statuses.stream().filter("warning"::equals).count(), statuses.toString());
        assertEquals(ROUNDS / 4, statuses.stream().filter("contraindicated"::equals).count(), statuses.toString());
        long decisions = s.running().log().store().endIndex();
        assertEquals(3 * ROUNDS, decisions);

        // What an entry records: per device the policy with its document and the sets it read.
        LogEntry withGpu = LogEntry.decode(s.running().log().store().entries(1, 2).get(1L));
        assertEquals(LogEntry.FORMAT_VERSION, withGpu.formatVersion());
        AppliedPolicy cpu = withGpu.policyOf("cpu").orElseThrow();
        assertEquals("fleet-cpu", cpu.policy().id());
        assertEquals(1, cpu.policy().version());
        assertEquals("yaml", cpu.format());
        assertEquals(List.of("fleet", "old_fleet"), cpu.referenceSets().stream().map(ReferenceSetReference::name).toList());
        assertEquals(List.of("used", "not_valid"), cpu.referenceSets().stream().map(ReferenceSetReference::state).toList());
        assertTrue(cpu.referenceSets().stream().allMatch(ReferenceSetReference::documentRecorded));
        AppliedPolicy gpu0 = withGpu.policyOf("gpu0").orElseThrow();
        assertEquals("default-nvgpu", gpu0.policy().id());
        assertEquals(1, gpu0.policy().version());
        ReferenceSetReference missing = gpu0.referenceSets().get(1);
        assertEquals("missing", missing.state());
        assertNull(missing.sha256());
        byte[] cpuDocument = s.running().log().store().collateral(cpu.policy().sha256()).orElseThrow();
        assertEquals(CPU_POLICY.formatted("warning"), new String(cpuDocument, StandardCharsets.UTF_8));
        // Stored once per digest, not once per entry.
        assertEquals(1, countRows(s, cpu.policy().sha256().bytes()));

        // Policy and reference set change after the decisions: the service's next decision differs...
        activate(client, "policies", "fleet-cpu", upload(client, "policies", CPU_POLICY.formatted("contraindicated")));
        activate(client, "reference-values", "fleet", upload(client, "reference-values",
                FLEET_SET.replace("gpu_archs: [hopper, blackwell]", "gpu_archs: [blackwell]")));
        assertEquals("contraindicated", status(attestTdx(client, false, true, "fleet-cpu")));
        assertEquals(decisions + 1, s.running().log().store().endIndex());

        // ...but every recorded decision replays as it was made, online and offline.
        assertEquals(200, client.post("/v1/log/checkpoint", "", LogTestClient.TOKEN).statusCode());
        Path vkey = s.dataDir().resolve("log-key.vkey");
        LogTestClient.Run online = replay(client, "--url", client.base, "--token", LogTestClient.TOKEN,
                "--log-key", vkey.toString());
        assertEquals(0, online.exit(), online.out() + online.err());
        assertEquals(decisions + 1, online.json().get("entries_replayed").asLong());
        Path export = work.resolve("export");
        LogTestClient.Run exported = LogTestClient.run(o -> Main.run(new String[] {"export", "--url", client.base,
                "--token", LogTestClient.TOKEN, "--from", "0", "--to", Long.toString(decisions + 1), "--out",
                export.toString(), "--no-bundles"}, o[0], o[1], Clock.systemUTC()));
        assertEquals(0, exported.exit(), exported.out() + exported.err());
        assertTrue(Files.exists(export.resolve("collateral").resolve(cpu.policy().sha256().hex())),
                "the export carries the policy documents");
        LogTestClient.Run offline = replay(client, "--export", export.toString(), "--log-key", vkey.toString());
        assertEquals(0, offline.exit(), offline.out() + offline.err());
        assertEquals(decisions + 1, offline.json().get("entries_replayed").asLong());

        // One byte of the stored policy document changed: every entry that used it is reported.
        byte[] doctored = cpuDocument.clone();
        int at = new String(cpuDocument, StandardCharsets.UTF_8).indexOf("\"gold\"") + 1;
        doctored[at] = 's'; // "gold" -> "sold": a policy that would still parse and compile
        updateDocument(s, cpu.policy().sha256().bytes(), doctored);
        LogTestClient.Run tampered = replay(client, "--url", client.base, "--token", LogTestClient.TOKEN,
                "--log-key", vkey.toString());
        assertEquals(1, tampered.exit(), tampered.out());
        List<String> kinds = LogTestClient.kinds(tampered.json());
        assertEquals(decisions, kinds.size(), kinds.toString());
        assertTrue(kinds.stream().allMatch(k -> k.startsWith("COLLATERAL_DIGEST_MISMATCH@")), kinds.toString());
        tampered.json().get("findings").forEach(f -> assertTrue(f.get("detail").asText().contains("policy"),
                f.toString()));
        // The offline copy is the auditor's own: editing a document in it is found the same way.
        Files.write(export.resolve("collateral").resolve(cpu.policy().sha256().hex()), doctored);
        LogTestClient.Run tamperedOffline = replay(client, "--export", export.toString(), "--log-key", vkey.toString());
        assertEquals(1, tamperedOffline.exit(), tamperedOffline.out());
        assertEquals(decisions, LogTestClient.kinds(tamperedOffline.json()).size(), tamperedOffline.out());
        updateDocument(s, cpu.policy().sha256().bytes(), cpuDocument);
    }

    private LogTestClient.Run replay(LogTestClient client, String... args) {
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(args));
        all.addAll(List.of("--trust-anchors", anchors.toString(), "--json"));
        return LogTestClient.run(o -> Main.run(all.toArray(String[]::new), o[0], o[1], Clock.systemUTC()));
    }

    private static int countRows(Service s, byte[] digest) throws Exception {
        try (Connection c = s.running().log().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM log_collateral WHERE sha256 = ?")) {
            ps.setBytes(1, digest);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void updateDocument(Service s, byte[] digest, byte[] content) throws Exception {
        try (Connection c = s.running().log().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE log_collateral SET content = ? WHERE sha256 = ?")) {
            ps.setBytes(1, content);
            ps.setBytes(2, digest);
            assertEquals(1, ps.executeUpdate());
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private static String status(JsonNode r) {
        assertEquals(200, r.get("http_status").asInt(), r.toString());
        JsonNode statuses = r.get("status");
        String worst = "affirming";
        for (String device : List.of("cpu", "gpu0")) {
            String st = statuses.path(device).asText("affirming");
            if (st.equals("contraindicated") || (st.equals("warning") && worst.equals("affirming"))) {
                worst = st;
            }
        }
        return worst;
    }

    private static int upload(LogTestClient client, String kind, String yaml) throws Exception {
        HttpResponse<String> r = LogTestClient.HTTP.send(HttpRequest.newBuilder(URI.create(client.base + "/v1/admin/" + kind))
                .header("Content-Type", "application/yaml").header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return LogTestClient.JSON.readTree(r.body()).get("version").asInt();
    }

    private static void activate(LogTestClient client, String kind, String name, int version) throws Exception {
        HttpResponse<String> r = client.post("/v1/admin/" + kind + "/" + name + "/activate",
                "{\"version\": " + version + "}", ADMIN);
        assertEquals(200, r.statusCode(), r.body());
    }

    private JsonNode attestTdx(LogTestClient client, boolean debug, boolean withGpu, String policy) throws Exception {
        ObjectNode body = tdxHost.request(client.nonce(), debug, withGpu);
        body.putObject("policy_ids").put("cpu", policy);
        return client.attest(body);
    }

    private JsonNode attestSnp(LogTestClient client, String policy) throws Exception {
        String nonce = client.nonce();
        byte[] runtime = AttestationService.runtimeData(null, List.of());
        byte[] report = snpHost.attest(Digests.sha512(Base64.getUrlDecoder().decode(nonce), runtime));
        return client.attest(request(nonce, runtime, policy, cpu -> cpu.put("tee", "snp")
                .put("evidence", Base64.getEncoder().encodeToString(report))
                .put("vek", new String(TestPki.pemBytes(snpHost.vcek()), StandardCharsets.US_ASCII))
                .put("ask", new String(TestPki.pemBytes(snpHost.pki().ask()), StandardCharsets.US_ASCII))));
    }

    private static ObjectNode request(String nonce, byte[] runtime, String policy, Consumer<ObjectNode> cpu) {
        ObjectNode body = LogTestClient.JSON.createObjectNode();
        body.put("nonce", nonce);
        body.put("runtime_data", Base64.getEncoder().encodeToString(runtime));
        cpu.accept(body.putObject("cpu"));
        body.putObject("policy_ids").put("cpu", policy);
        return body;
    }

    static void assertNoFindings(JsonNode report) {
        assertFalse(report.get("findings").elements().hasNext(), report.toString());
    }
}

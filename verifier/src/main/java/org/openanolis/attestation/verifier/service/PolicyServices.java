package org.openanolis.attestation.verifier.service;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openanolis.attestation.policies.BuiltInPolicies;
import org.openanolis.attestation.policies.PolicyCompiler;
import org.openanolis.attestation.policies.PolicyEngine;
import org.openanolis.attestation.policies.PolicyException;
import org.openanolis.attestation.policies.admin.AdminPrincipal;
import org.openanolis.attestation.policies.admin.BearerTokenAuthenticator;
import org.openanolis.attestation.policies.admin.DocumentSigning;
import org.openanolis.attestation.policies.admin.JwtBearerAuthenticator;
import org.openanolis.attestation.policies.admin.PolicyAdministration;
import org.openanolis.attestation.policies.admin.StaticTokenAuthenticator;
import org.openanolis.attestation.policies.corim.CorimImporter;
import org.openanolis.attestation.policies.store.Database;
import org.openanolis.attestation.policies.store.VersionedDocumentStore;
import org.openanolis.attestation.verifier.attest.PolicyAppraiser;
import org.openanolis.attestation.http.BoundedHttp;

/**
 * The policy side of the service, built from the configuration over one open {@link Database}:
 * the engine (and the {@link PolicyAppraiser} of the attest path), the admin operations, the
 * bearer authentication of the admin API and the signed-policy mode.
 */
public record PolicyServices(PolicyEngine engine, PolicyAppraiser appraiser, PolicyAdministration admin,
                             BearerTokenAuthenticator authenticator) {
    /** Each fetch of the OIDC issuer's JWKS ({@code oidc_jwks_url}) as a whole: connect, headers and body. */
    static final Duration OIDC_JWKS_DEADLINE = Duration.ofSeconds(5);

    /** Opens the configured database: PostgreSQL when {@code database_url} is set, else SQLite in {@code data_dir}. */
    public static Database openDatabase(ServiceConfig config) {
        return config.databaseUrl != null
                ? Database.openPostgres(config.databaseUrl, config.databaseUser, config.databasePassword)
                : Database.openSqlite(config.dataPath());
    }

    /** Builds the engine, appraiser, administration and authenticator on {@code database}. */
    public static PolicyServices create(ServiceConfig config, Database database, Clock clock) throws IOException {
        VersionedDocumentStore store = new VersionedDocumentStore(database);
        PolicyCompiler compiler = new PolicyCompiler();
        BuiltInPolicies builtIns = new BuiltInPolicies(compiler);
        PolicyEngine engine = new PolicyEngine(store, compiler, builtIns, clock,
                Duration.ofSeconds(config.policyCacheTtlSeconds));
        PolicyAdministration admin = new PolicyAdministration(store, engine, compiler, builtIns, signing(config),
                corim(config), clock);
        return new PolicyServices(engine, new PolicyAppraiser(engine, config.denyContraindicated), admin,
                authenticator(config, clock));
    }

    private static DocumentSigning signing(ServiceConfig config) throws IOException {
        return switch (config.policySigning) {
            case "required" -> DocumentSigning.required(jwks(config.policySigningKeysPath, "policy_signing_keys_path"));
            case "optional" -> DocumentSigning.optional(jwks(config.policySigningKeysPath, "policy_signing_keys_path"));
            default -> DocumentSigning.off();
        };
    }

    private static CorimImporter corim(ServiceConfig config) throws IOException {
        if (config.corimSignersPath == null) {
            return null;
        }
        Map<String, ECPublicKey> signers = new LinkedHashMap<>();
        for (JWK k : jwks(config.corimSignersPath, "corim_signers_path").getKeys()) {
            if (!(k instanceof ECKey ec) || k.getKeyID() == null) {
                throw new IOException("corim_signers_path: every key must be an EC key with a kid");
            }
            try {
                signers.put(k.getKeyID(), ec.toECPublicKey());
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IOException("corim_signers_path: key " + k.getKeyID() + " is not usable", e);
            }
        }
        return new CorimImporter(signers);
    }

    private static JWKSet jwks(String path, String key) throws IOException {
        try {
            return JWKSet.parse(Files.readString(Path.of(path)));
        } catch (java.text.ParseException e) {
            throw new IOException(key + ": not a JWK set: " + e.getMessage(), e);
        }
    }

    /** Static tokens first (cheap), then OIDC JWTs; refuses everything when neither is configured. */
    static BearerTokenAuthenticator authenticator(ServiceConfig config, Clock clock) throws IOException {
        List<BearerTokenAuthenticator> chain = new ArrayList<>();
        if (!config.adminTokens.isEmpty()) {
            List<StaticTokenAuthenticator.StaticToken> tokens = new ArrayList<>();
            for (String entry : config.adminTokens) {
                tokens.add(AdminTokens.parse(entry));
            }
            chain.add(new StaticTokenAuthenticator(tokens));
        }
        if (config.oidcIssuer != null) {
            JWKSource<SecurityContext> keys;
            if (config.oidcJwksUrl.startsWith("file:")) {
                keys = new ImmutableJWKSet<>(jwks(Path.of(URI.create(config.oidcJwksUrl)).toString(), "oidc_jwks_url"));
            } else {
                // Bounded like every outbound fetch: Nimbus's default size limit, one deadline per fetch.
                keys = JWKSourceBuilder.<SecurityContext>create(URI.create(config.oidcJwksUrl).toURL(),
                        BoundedHttp.resourceRetriever(HttpClient.newBuilder().connectTimeout(OIDC_JWKS_DEADLINE)
                                        .followRedirects(HttpClient.Redirect.NORMAL).build(),
                                JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT, OIDC_JWKS_DEADLINE))
                        .retrying(true).build();
            }
            chain.add(new JwtBearerAuthenticator(keys, config.oidcIssuer, config.oidcAudience, config.oidcRolesClaim,
                    clock, Duration.ofSeconds(60)));
        }
        return header -> {
            String token = BearerTokenAuthenticator.bearerToken(header);
            PolicyException last = new PolicyException(PolicyException.Code.UNAUTHENTICATED, "authorization",
                    "no admin authentication is configured");
            for (BearerTokenAuthenticator a : chain) {
                try {
                    AdminPrincipal p = a.authenticate("Bearer " + token);
                    return p;
                } catch (PolicyException e) {
                    last = e;
                }
            }
            throw last;
        };
    }
}

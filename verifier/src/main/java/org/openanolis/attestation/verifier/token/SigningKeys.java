package org.openanolis.attestation.verifier.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openanolis.attestation.certs.CryptoProviders;

/**
 * The token-signing keys: ES256 (P-256) keys in a PKCS#12 keystore, one alias per key, the alias
 * being the key's {@code kid} (its RFC 7638 JWK thumbprint). Each key carries a self-signed
 * certificate whose {@code notBefore} is the key's creation instant.
 *
 * <p>Rotation with overlap: the newest key signs; an older key is retired the moment a newer one
 * is created and stays in the JWKS until {@code retiredAt + maxTokenLifetime}, so every token it
 * signed can still be verified until it expires. Keys past that window are removed from the
 * keystore on the next rotation.
 */
public final class SigningKeys {
    /** One signing key with its lifetime bounds. */
    public record SigningKey(String kid, ECPrivateKey privateKey, ECPublicKey publicKey, Instant createdAt) {
        ECKey publicJwk() {
            return new ECKey.Builder(Curve.P_256, publicKey).keyID(kid).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).build();
        }
    }

    private final Path file;
    private final char[] password;
    private final Clock clock;
    private final Duration maxTokenLifetime;
    private volatile List<SigningKey> keys; // newest first

    private SigningKeys(Path file, char[] password, Clock clock, Duration maxTokenLifetime, List<SigningKey> keys) {
        this.file = file;
        this.password = password.clone();
        this.clock = clock;
        this.maxTokenLifetime = maxTokenLifetime;
        this.keys = keys;
    }

    /**
     * Opens the keystore at {@code file}, creating it with one fresh key when it does not exist.
     *
     * @param maxTokenLifetime the longest lifetime of a token signed with these keys
     */
    public static SigningKeys openOrCreate(Path file, char[] password, Clock clock, Duration maxTokenLifetime)
            throws IOException, GeneralSecurityException {
        if (Files.exists(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, password);
            }
            List<SigningKey> keys = new ArrayList<>();
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) {
                    continue;
                }
                X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
                ECPublicKey pub = (ECPublicKey) cert.getPublicKey();
                // PKCS#12 lower-cases aliases, so the kid is recomputed from the key itself.
                keys.add(new SigningKey(thumbprint(pub), (ECPrivateKey) ks.getKey(alias, password),
                        pub, cert.getNotBefore().toInstant()));
            }
            if (keys.isEmpty()) {
                throw new GeneralSecurityException("keystore " + file + " holds no signing key");
            }
            keys.sort(Comparator.comparing(SigningKey::createdAt).reversed());
            return new SigningKeys(file, password, clock, maxTokenLifetime, List.copyOf(keys));
        }
        SigningKeys k = new SigningKeys(file, password, clock, maxTokenLifetime, List.of());
        k.rotate();
        return k;
    }

    /** The key that signs new tokens. */
    public SigningKey current() {
        return keys.get(0);
    }

    /** Every key that may still have valid tokens outstanding, newest first. */
    public List<SigningKey> published() {
        List<SigningKey> all = keys;
        List<SigningKey> out = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < all.size(); i++) {
            if (i == 0) {
                out.add(all.get(0));
                continue;
            }
            Instant retiredAt = all.get(i - 1).createdAt();
            if (!now.isAfter(retiredAt.plus(maxTokenLifetime))) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /** The public JWKS of {@link #published()}. */
    public JWKSet jwks() {
        List<com.nimbusds.jose.jwk.JWK> list = new ArrayList<>();
        for (SigningKey k : published()) {
            list.add(k.publicJwk());
        }
        return new JWKSet(list);
    }

    /**
     * Creates a new signing key, makes it current, drops keys whose overlap window has passed and
     * writes the keystore atomically.
     */
    public synchronized SigningKey rotate() throws IOException, GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        Instant now = clock.instant();
        String kid = thumbprint((ECPublicKey) kp.getPublic());
        SigningKey fresh = new SigningKey(kid, (ECPrivateKey) kp.getPrivate(), (ECPublicKey) kp.getPublic(),
                Instant.ofEpochSecond(now.getEpochSecond()));
        List<SigningKey> next = new ArrayList<>();
        next.add(fresh);
        next.addAll(keys);
        keys = List.copyOf(next);
        keys = List.copyOf(published());
        save();
        return fresh;
    }

    private static String thumbprint(ECPublicKey key) throws GeneralSecurityException {
        try {
            return new ECKey.Builder(Curve.P_256, key).build().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private void save() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, password);
        for (SigningKey k : keys) {
            X509Certificate cert = selfSigned(k);
            ks.setKeyEntry(k.kid(), k.privateKey(), password, new Certificate[] {cert});
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509Certificate selfSigned(SigningKey k) throws GeneralSecurityException {
        try {
            X500Name name = new X500Name("CN=" + k.kid() + ",O=attestation token signing");
            Instant from = k.createdAt();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(from.getEpochSecond()),
                    Date.from(from), Date.from(from.plus(Duration.ofDays(3650))), name, k.publicKey());
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .setProvider(CryptoProviders.bouncyCastle()).build(k.privateKey())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}

package org.openanolis.attestation.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openanolis.attestation.certs.CryptoProviders;
import org.openanolis.attestation.verifier.attest.AttestationRecorder;

/**
 * The TLS option ({@code tls_cert_path}, {@code tls_key_path}): a self-signed certificate made in
 * the test with Bouncy Castle; the service serves HTTPS with it; a client that trusts that
 * certificate gets answers, one that does not is refused in the handshake, and plain HTTP gets
 * nothing.
 */
class TlsServiceTest {
    @Test
    void theServiceServesHttpsWithTheConfiguredCertificate(@TempDir Path dir) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X500Name name = new X500Name("CN=localhost,O=attestation tls test");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.getEpochSecond()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").setProvider(CryptoProviders.bouncyCastle())
                        .build(kp.getPrivate())));
        Path certPem = dir.resolve("tls.crt");
        Path keyPem = dir.resolve("tls.key");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));

        ServiceConfig c = ServiceConfig.load(null, Map.of());
        c.port = 0;
        c.host = "127.0.0.1";
        c.dataDir = dir.resolve("data").toString();
        c.rateLimitPerSecond = 0;
        c.tlsCertPath = certPem.toString();
        c.tlsKeyPath = keyPem.toString();
        ServiceLauncher.Running running = ServiceLauncher.start(c, Clock.systemUTC(),
                a -> new AttestationServerTest.EchoVerifiers(), AttestationRecorder.NONE);
        try {
            URI https = URI.create("https://127.0.0.1:" + running.port());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("service", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient trusting = HttpClient.newBuilder().sslContext(ssl).build();

            HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(https.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("ok"), health.body());
            HttpResponse<String> nonce = trusting.send(HttpRequest.newBuilder(https.resolve("/v1/nonce")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, nonce.statusCode());
            assertEquals(cert, nonce.sslSession().orElseThrow().getPeerCertificates()[0]);

            // A client with the default trust store does not trust the self-signed certificate.
            HttpClient defaultTrust = HttpClient.newHttpClient();
            assertThrows(SSLHandshakeException.class, () -> defaultTrust.send(
                    HttpRequest.newBuilder(https.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()));
            // Plain HTTP on the TLS port gets no HTTP answer.
            assertThrows(IOException.class, () -> defaultTrust.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + running.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } finally {
            running.close().await();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

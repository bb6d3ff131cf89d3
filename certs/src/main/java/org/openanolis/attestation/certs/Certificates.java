package org.openanolis.attestation.certs;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * Decoding of certificates and CRLs (PEM or DER) and validity checks against an injected clock.
 * The JDK's {@code X509Certificate.verify} does not look at time; every chain in this project
 * calls {@link #checkValidity} with the verification clock instead of the wall clock.
 */
public final class Certificates {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";

    private Certificates() {}

    private static CertificateFactory factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("X.509 factory missing", e);
        }
    }

    /** One certificate from DER bytes or a PEM text (the first CERTIFICATE block). */
    public static X509Certificate parseCertificate(byte[] derOrPem, ReasonCode onError, String field)
            throws VerificationException {
        List<byte[]> blocks = isPem(derOrPem) ? pemBlocks(derOrPem, "CERTIFICATE") : List.of(derOrPem);
        if (blocks.isEmpty()) {
            throw new VerificationException(onError, field, field + ": no CERTIFICATE block");
        }
        return decodeCertificate(blocks.get(0), onError, field);
    }

    /** Every CERTIFICATE block of a PEM text, in file order. */
    public static List<X509Certificate> parsePemChain(byte[] pem, ReasonCode onError, String field)
            throws VerificationException {
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : pemBlocks(pem, "CERTIFICATE")) {
            out.add(decodeCertificate(der, onError, field));
        }
        if (out.isEmpty()) {
            throw new VerificationException(onError, field, field + ": no CERTIFICATE block");
        }
        return List.copyOf(out);
    }

    public static X509Certificate decodeCertificate(byte[] der, ReasonCode onError, String field)
            throws VerificationException {
        try {
            return (X509Certificate) factory().generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new VerificationException(onError, field, field + ": not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** A CRL from DER bytes or PEM text ({@code X509 CRL} block). */
    public static X509CRL parseCrl(byte[] derOrPem, ReasonCode onError, String field) throws VerificationException {
        byte[] der = derOrPem;
        if (isPem(derOrPem)) {
            List<byte[]> blocks = pemBlocks(derOrPem, "X509 CRL");
            if (blocks.isEmpty()) {
                throw new VerificationException(onError, field, field + ": no X509 CRL block");
            }
            der = blocks.get(0);
        }
        try {
            return (X509CRL) factory().generateCRL(new ByteArrayInputStream(der));
        } catch (CRLException | RuntimeException e) {
            throw new VerificationException(onError, field, field + ": not an X.509 CRL: " + e.getMessage(), e);
        }
    }

    /** True when the bytes look like PEM text rather than DER. */
    public static boolean isPem(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1);
        return head.contains(BEGIN);
    }

    /**
     * The base64-decoded bodies of every PEM block of {@code type}, in order. Text outside blocks
     * and NUL bytes (Intel's certification data is NUL-terminated) are ignored.
     */
    public static List<byte[]> pemBlocks(byte[] pem, String type) {
        String text = new String(pem, StandardCharsets.ISO_8859_1);
        String begin = BEGIN + type + "-----";
        String end = END + type + "-----";
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int b = text.indexOf(begin, from);
            if (b < 0) {
                break;
            }
            int e = text.indexOf(end, b + begin.length());
            if (e < 0) {
                break;
            }
            String body = withoutWhitespace(text, b + begin.length(), e);
            try {
                out.add(Base64.getDecoder().decode(body));
            } catch (IllegalArgumentException ignored) {
                out.add(new byte[0]); // decoding fails later with the field name
            }
            from = e + end.length();
        }
        return out;
    }

    /**
     * {@code text[from, to)} without the characters of the regular expression {@code \s}
     * (space, tab, line feed, vertical tab, form feed, carriage return), without a regex: PEM
     * chains arrive with every GPU attestation.
     */
    private static String withoutWhitespace(String text, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != 0x0B && c != '\f' && c != '\r') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Throws {@link ReasonCode#EXPIRED} unless {@code notBefore <= now <= notAfter}.
     */
    public static void checkValidity(X509Certificate cert, Clock clock, String field) throws VerificationException {
        checkWindow(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), clock, field);
    }

    /** Throws {@link ReasonCode#EXPIRED} unless {@code thisUpdate <= now <= nextUpdate}. */
    public static void checkValidity(X509CRL crl, Clock clock, String field) throws VerificationException {
        if (crl.getNextUpdate() == null) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": CRL has no nextUpdate");
        }
        checkWindow(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant(), clock, field);
    }

    /** Throws {@link ReasonCode#EXPIRED} unless {@code from <= now <= to}. */
    public static void checkWindow(Instant from, Instant to, Clock clock, String field) throws VerificationException {
        Instant now = clock.instant();
        if (now.isBefore(from) || now.isAfter(to)) {
            throw VerificationException.mismatch(ReasonCode.EXPIRED, field,
                    "within " + from + " .. " + to, now.toString());
        }
    }

    /** SHA-256 of the DER encoding, lower-case hex: the pin format of {@code FINGERPRINTS.txt}. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return Hex.encode(Digests.sha256(cert.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}

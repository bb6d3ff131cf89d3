package org.openanolis.attestation.verifier.gpu;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * Validates an ordered certificate path (leaf first) to one pinned root: name chaining, each
 * signature with the issuer's key (Bouncy Castle), issuers are CAs allowed to sign certificates
 * within their path length, the leaf may sign ({@link CertificateSignatures}: signatures between CA
 * certificates are remembered by their exact bytes). Time is not looked at here (the result is cached);
 * {@link ValidatedPath#checkWindows} judges validity against the verification clock on every use.
 */
final class CertificatePathValidator {
    private CertificatePathValidator() {}

    /**
     * The validated path for {@code supplied} ending in {@code pinnedRoot}. A trailing self-signed
     * certificate in {@code supplied} is the sender's copy of the root and is dropped, never trusted.
     */
    static ValidatedPath validate(List<X509Certificate> supplied, X509Certificate pinnedRoot, String field)
            throws VerificationException {
        List<X509Certificate> path = new ArrayList<>(supplied);
        if (!path.isEmpty() && isSelfSigned(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        if (path.isEmpty()) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field,
                    field + ": no leaf certificate (only a self-signed root was supplied)");
        }
        path.add(pinnedRoot);
        for (int i = 0; i + 1 < path.size(); i++) {
            rejectUnknownCriticalExtensions(path.get(i), field + "[" + i + "]");
        }
        for (int i = 0; i + 1 < path.size(); i++) {
            X509Certificate subject = path.get(i);
            X509Certificate issuer = path.get(i + 1);
            String f = field + "[" + i + "]";
            if (!subject.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, f + ".issuer",
                        issuer.getSubjectX500Principal().getName(), subject.getIssuerX500Principal().getName());
            }
            try {
                CertificateSignatures.verifyCertificate(subject, issuer);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, f + ".signature",
                        f + ": signature does not verify with the issuer's key", e);
            }
            // CA certificates strictly between the issuer and the leaf: path[1..i] (RFC 5280 §4.2.1.9).
            int pathLen = issuer.getBasicConstraints();
            if (pathLen < 0) {
                throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field + "[" + (i + 1) + "].basic_constraints",
                        field + ": issuer " + issuer.getSubjectX500Principal().getName() + " is not a CA");
            }
            if (i > pathLen) {
                throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field + "[" + (i + 1) + "].path_length",
                        field + ": path length constraint exceeded");
            }
            boolean[] ku = issuer.getKeyUsage();
            if (ku != null && (ku.length <= 5 || !ku[5])) {
                throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field + "[" + (i + 1) + "].key_usage",
                        field + ": issuer may not sign certificates");
            }
        }
        boolean[] leafKu = path.get(0).getKeyUsage();
        if (leafKu != null && !leafKu[0]) {
            throw new VerificationException(ReasonCode.CERT_CHAIN_INVALID, field + "[0].key_usage",
                    field + ": leaf key may not make signatures");
        }
        return new ValidatedPath(path, field);
    }

    /**
     * Critical extensions this validator understands (RFC 5280 §4.2: a certificate with any other
     * critical extension must be rejected). TCG DICE extensions (2.23.133.5.4.*) are allowed: the
     * DICE specifications recommend marking TcbInfo critical, and the FWID check reads it.
     */
    private static final java.util.Set<String> UNDERSTOOD_CRITICAL = java.util.Set.of(
            "2.5.29.15", // keyUsage
            "2.5.29.19", // basicConstraints
            "2.5.29.37", // extKeyUsage
            "2.5.29.17", // subjectAltName
            "2.5.29.32"); // certificatePolicies (no policy processing: any policy is accepted)

    private static void rejectUnknownCriticalExtensions(X509Certificate c, String field) throws VerificationException {
        java.util.Set<String> critical = c.getCriticalExtensionOIDs();
        if (critical == null) {
            return;
        }
        for (String oid : critical) {
            if (!UNDERSTOOD_CRITICAL.contains(oid) && !oid.startsWith("2.23.133.5.4.")) {
                throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, field + ".critical_extension",
                        "no unknown critical extension", oid);
            }
        }
    }

    static boolean isSelfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            CertificateSignatures.verifyCertificate(c, c);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** A path whose signatures and constraints have been verified; leaf first, pinned root last. */
    record ValidatedPath(List<X509Certificate> certificates, String field) {
        ValidatedPath {
            certificates = List.copyOf(certificates);
        }

        X509Certificate leaf() {
            return certificates.get(0);
        }

        /** Earliest notAfter over the path. */
        Instant expiration() {
            Instant min = Instant.MAX;
            for (X509Certificate c : certificates) {
                Instant t = c.getNotAfter().toInstant();
                if (t.isBefore(min)) {
                    min = t;
                }
            }
            return min;
        }

        /** {@code EXPIRED} naming the first certificate outside its window at the clock's instant. */
        void checkWindows(Clock clock) throws VerificationException {
            for (int i = 0; i < certificates.size(); i++) {
                Certificates.checkValidity(certificates.get(i), clock, field + "[" + i + "].validity");
            }
        }
    }
}

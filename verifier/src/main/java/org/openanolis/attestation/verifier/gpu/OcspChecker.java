package org.openanolis.attestation.verifier.gpu;

import com.github.benmanes.caffeine.cache.Cache;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ocsp.BasicOCSPResponse;
import org.bouncycastle.asn1.ocsp.CertID;
import org.bouncycastle.asn1.ocsp.ResponseBytes;
import org.bouncycastle.asn1.ocsp.SingleResponse;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.openanolis.attestation.certs.Certificates;
import org.openanolis.attestation.certs.CryptoProviders;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;
import org.openanolis.attestation.verifier.IdentityDigests;

/**
 * OCSP for a validated chain ({@code gpu-verification.md} §4). For each certificate from
 * {@code start} to the one below the root: build a request (SHA-1 CertID, 32-byte nonce), ask the
 * {@link OcspSource}, and check the answer: {@code successful} status; signed by the issuing CA or
 * by a responder certificate with the OCSP-signing purpose that a CA of the validated path issued
 * (nvtrust accepts responder certificates chaining to any CA above the subject; so do we), valid
 * now; a single response for exactly this certificate; {@code thisUpdate} not in the future (5
 * minutes skew) and {@code nextUpdate} not past (or, without one, {@code thisUpdate} within the
 * maximum age); the nonce echoed when the answer is live. {@code revoked} fails with
 * {@code CERT_REVOKED} unless the reason is {@code certificateHold} and holds are allowed;
 * {@code unknown} fails with {@code CERT_CHAIN_INVALID} (the CA does not vouch for the serial).
 */
final class OcspChecker {
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CERTIFICATE_HOLD = CRLReason.certificateHold;

    private final boolean allowCertificateHold;
    private final Duration maxAgeWithoutNextUpdate;
    private final DigestCalculatorProvider digests;
    /** Responses known to be signed by a CA of the path (see {@link #checkResponseSignature}). */
    private final Cache<String, Boolean> directlySigned;
    private static final int MAX_MEMO = DeviceCacheLimits.perDevice(1) + 1024;
    /** Judged facts of responses signed by a path CA, by response digest, serial and issuer. */
    private final Cache<String, Facts> facts;
    /**
     * The SHA-1 CertID parts of an issuer (RFC 6960 §4.1.1: hash of its name, hash of its key),
     * by issuer fingerprint, computed once by Bouncy Castle's own {@link CertificateID}: requests
     * about the certificates an issuer signed, and the responses' CertIDs, reuse them instead of
     * re-parsing and re-hashing the issuer every time (every new GPU is issued by the same CA).
     * Per issuer, not per device: device chains are checked from the device identity certificate
     * up, so its issuers are the CAs every device of a model shares (and RIM chains' issuers are
     * the RIM CAs): a handful, so this stays a plain map, emptied in the unlikely case it fills.
     */
    private final Map<String, CertID> issuerIds = new java.util.concurrent.ConcurrentHashMap<>();

    OcspChecker(boolean allowCertificateHold, Duration maxAgeWithoutNextUpdate) {
        this.directlySigned = DeviceCacheLimits.newCache(MAX_MEMO);
        this.facts = DeviceCacheLimits.newCache(MAX_MEMO);
        this.allowCertificateHold = allowCertificateHold;
        this.maxAgeWithoutNextUpdate = maxAgeWithoutNextUpdate;
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks {@code path[start .. size-2]} and returns the chain's claim
     * ({@code mode}, {@code status}, per-certificate details).
     */
    Map<String, Object> check(CertificatePathValidator.ValidatedPath path, int start, String chainName,
                              OcspSource source, OcspMode mode, Clock clock) throws VerificationException {
        return check(path, start, chainName, source, mode, clock, new java.util.HashMap<>());
    }

    /**
     * As above, sharing answers through {@code answered} (issuer name + serial → the certificate's
     * claim): the devices of one set ask about their common intermediates once.
     */
    Map<String, Object> check(CertificatePathValidator.ValidatedPath path, int start, String chainName,
                              OcspSource source, OcspMode mode, Clock clock, Map<String, Map<String, Object>> answered)
            throws VerificationException {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("mode", mode.claim());
        List<X509Certificate> certs = path.certificates();
        if (mode == OcspMode.OFF) {
            claim.put("status", "not_checked");
            return claim;
        }
        List<Object> details = new ArrayList<>();
        String worst = "good";
        for (int i = start; i + 1 < certs.size(); i++) {
            String field = "ocsp." + chainName + "[" + i + "]";
            X509Certificate subject = certs.get(i);
            String key = subject.getIssuerX500Principal().getName() + "/" + subject.getSerialNumber().toString(16);
            Map<String, Object> one = answered.get(key);
            if (one == null) {
                one = java.util.Collections.unmodifiableMap(checkOne(certs, i, field, source, mode, clock));
                answered.put(key, one);
            }
            details.add(one);
            worst = worse(worst, (String) one.get("status"));
        }
        claim.put("status", worst);
        claim.put("certificates", details);
        return claim;
    }

    private static String worse(String a, String b) {
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(String s) {
        switch (s) {
            case "good": return 0;
            case "unavailable": return 1;
            case "revoked": return 2;
            default: return 3;
        }
    }

    private Map<String, Object> checkOne(List<X509Certificate> certs, int i, String field, OcspSource source,
                                         OcspMode mode, Clock clock) throws VerificationException {
        X509Certificate subject = certs.get(i);
        X509Certificate issuer = certs.get(i + 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("serial", subject.getSerialNumber().toString(16));
        // An answer the source already holds (kept from an earlier live answer) is judged as
        // pre-recorded, exactly as when the source returns it for a request: no request, no nonce.
        Optional<OcspSource.Answer> held;
        try {
            held = source.held(subject, issuer);
        } catch (IOException e) {
            held = Optional.empty();
        }
        if (held.isPresent()) {
            OcspSource.Answer preRecorded = held.get().preRecorded();
            return judgeInMode(preRecorded, certs, i, null, field, mode, clock, out);
        }
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        CertificateID id;
        byte[] requestDer;
        Extension nonceExt;
        try {
            CertID issuerId = issuerId(issuer);
            id = new CertificateID(new CertID(issuerId.getHashAlgorithm(), issuerId.getIssuerNameHash(),
                    issuerId.getIssuerKeyHash(), new ASN1Integer(subject.getSerialNumber())));
            nonceExt = new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(new DEROctetString(nonce).getEncoded()));
            OCSPReq req = new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(nonceExt)).build();
            requestDer = req.getEncoded();
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException | IOException e) {
            throw new IllegalStateException("cannot build an OCSP request", e);
        }
        Optional<OcspSource.Answer> answer;
        try {
            answer = source.fetch(new OcspSource.Query(subject, issuer, requestDer));
        } catch (IOException e) {
            return unavailable(out, mode, field, "responder unreachable: " + e.getMessage(), ReasonCode.COLLATERAL_MISSING);
        }
        if (answer.isEmpty()) {
            return unavailable(out, mode, field, "no OCSP response", ReasonCode.COLLATERAL_MISSING);
        }
        return judgeInMode(answer.get(), certs, i, nonceExt, field, mode, clock, out);
    }

    /**
     * Whether {@code der}, taken as a pre-recorded answer for {@code certs[i]} (issued by
     * {@code certs[i+1]}), is judged {@code good} now: signed by a CA of the path or its delegated
     * responder, about this certificate, within its window. Used before a recorded answer is held
     * again (warm start from the verification log); the judged facts are remembered like those of
     * any answer. Never throws.
     */
    boolean judgesGood(List<X509Certificate> certs, int i, byte[] der, Clock clock) {
        try {
            Map<String, Object> out = judge(new OcspSource.Answer(der, false), certs, i, null,
                    "ocsp.warm_start[" + i + "]", clock, new LinkedHashMap<>());
            return "good".equals(out.get("status"));
        } catch (VerificationException | RuntimeException e) {
            return false;
        }
    }

    /** Judges an answer; in best-effort mode a bad (not revoked, not unknown) answer counts as unavailable. */
    private Map<String, Object> judgeInMode(OcspSource.Answer answer, List<X509Certificate> certs, int i,
                                            Extension nonceExt, String field, OcspMode mode, Clock clock,
                                            Map<String, Object> out) throws VerificationException {
        try {
            return judge(answer, certs, i, nonceExt, field, clock, out);
        } catch (VerificationException e) {
            if (mode == OcspMode.BEST_EFFORT && e.code() != ReasonCode.CERT_REVOKED
                    && e.code() != ReasonCode.CERT_CHAIN_INVALID) {
                return unavailable(out, mode, field, e.getMessage(), e.code());
            }
            throw e;
        }
    }

    private static Map<String, Object> unavailable(Map<String, Object> out, OcspMode mode, String field, String why,
                                                   ReasonCode code) throws VerificationException {
        if (mode == OcspMode.REQUIRED) {
            throw new VerificationException(code, field, field + ": " + why);
        }
        out.put("status", "unavailable");
        out.put("detail", why);
        return out;
    }

    private Map<String, Object> judge(OcspSource.Answer answer, List<X509Certificate> certs, int i,
                                      Extension nonceExt, String field, Clock clock, Map<String, Object> out)
            throws VerificationException {
        X509Certificate subject = certs.get(i);
        byte[] der = answer.sharedDer(); // only read; a kept answer's digest is computed once
        String derDigest = Hex.encode(IdentityDigests.sha256(der));
        String factsKey = derDigest + "/" + subject.getSerialNumber().toString(16) + "/"
                + IdentityDigests.fingerprint(certs.get(i + 1));
        Facts f = facts.getIfPresent(factsKey);
        if (f == null) {
            f = parse(der, derDigest, certs, i, field, clock, factsKey);
        }
        return judgeFacts(f, nonceExt, answer.answersThisRequest(), field, clock, out);
    }

    /** What a response says about one certificate, once its signature and CertID were checked. */
    private record Facts(Instant thisUpdate, Instant nextUpdate, CertificateStatus status, byte[] echoedNonce) {}

    private Facts parse(byte[] der, String derDigest, List<X509Certificate> certs, int i, String field, Clock clock,
                        String factsKey) throws VerificationException {
        X509Certificate subject = certs.get(i);
        BasicOCSPResp basic;
        BasicOCSPResponse structure;
        try {
            OCSPResp resp = new OCSPResp(der);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                throw invalid(field + ".response_status", "responseStatus " + resp.getStatus());
            }
            structure = basicResponse(resp);
            if (structure == null) {
                throw invalid(field + ".response_type", "not a basic OCSP response");
            }
            basic = new BasicOCSPResp(structure);
        } catch (IOException | RuntimeException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": not an OCSP response", e);
        }
        boolean direct = checkResponseSignature(basic, derDigest, certs, i, field, clock);

        SingleResp match = null;
        SingleResp[] responses = basic.getResponses();
        int matchIndex = -1;
        for (int k = 0; k < responses.length; k++) {
            SingleResp sr = responses[k];
            CertificateID rid = sr.getCertID();
            try {
                if (rid.getSerialNumber().equals(subject.getSerialNumber()) && matchesIssuer(rid, certs.get(i + 1))) {
                    match = sr;
                    matchIndex = k;
                    break;
                }
            } catch (OCSPException | OperatorCreationException | CertificateEncodingException e) {
                throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field + ".cert_id", field + ": bad CertID", e);
            }
        }
        if (match == null) {
            throw invalid(field + ".cert_id", "no response for serial " + subject.getSerialNumber().toString(16));
        }
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        // The same SingleResponse, as ASN.1: its times are read without a SimpleDateFormat each.
        SingleResponse raw = SingleResponse.getInstance(
                structure.getTbsResponseData().getResponses().getObjectAt(matchIndex));
        Instant thisUpdate;
        Instant nextUpdate;
        try {
            thisUpdate = GeneralizedTimes.instant(raw.getThisUpdate());
            nextUpdate = raw.getNextUpdate() == null ? null : GeneralizedTimes.instant(raw.getNextUpdate());
        } catch (java.text.ParseException | IOException | RuntimeException e) {
            throw new VerificationException(ReasonCode.COLLATERAL_INVALID, field + ".this_update",
                    field + ": thisUpdate or nextUpdate is not a time", e);
        }
        Facts f = new Facts(thisUpdate, nextUpdate, match.getCertStatus(),
                echoed == null ? null : echoed.getExtnValue().getOctets());
        if (direct) {
            // Signed by a CA of the path: the facts are the same on every use (windows are not).
            facts.put(factsKey, f);
        }
        return f;
    }

    /**
     * The basic response inside {@code resp}, or null when it carries none or another type:
     * {@link OCSPResp#getResponseObject()}, keeping the ASN.1 structure (its SingleResponses'
     * times are read directly, see {@link GeneralizedTimes}).
     *
     * @throws IOException or a RuntimeException when the inner bytes do not parse
     */
    static BasicOCSPResponse basicResponse(OCSPResp resp) throws IOException {
        ResponseBytes rb = resp.toASN1Structure().getResponseBytes();
        if (rb == null || !OCSPObjectIdentifiers.id_pkix_ocsp_basic.equals(rb.getResponseType())) {
            return null;
        }
        return BasicOCSPResponse.getInstance(ASN1Primitive.fromByteArray(rb.getResponse().getOctets()));
    }

    /** The issuer's SHA-1 CertID (serial 0): its hash algorithm, name hash and key hash. */
    private CertID issuerId(X509Certificate issuer) throws OCSPException, OperatorCreationException,
            CertificateEncodingException {
        String key = IdentityDigests.fingerprint(issuer);
        CertID id = issuerIds.get(key);
        if (id == null) {
            id = new CertificateID(digests.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer),
                    java.math.BigInteger.ZERO).toASN1Primitive();
            if (issuerIds.size() >= MAX_MEMO) {
                issuerIds.clear();
            }
            issuerIds.put(key, id);
        }
        return id;
    }

    /**
     * {@link CertificateID#matchesIssuer}: the response's CertID names {@code issuer} (name and key
     * hashes under the CertID's own hash algorithm). A SHA-1 CertID is compared with the issuer's
     * remembered SHA-1 hashes; any other algorithm is computed by Bouncy Castle as before.
     */
    private boolean matchesIssuer(CertificateID rid, X509Certificate issuer) throws OCSPException,
            OperatorCreationException, CertificateEncodingException {
        if (CertificateID.HASH_SHA1.getAlgorithm().equals(rid.getHashAlgOID())) {
            CertID mine = issuerId(issuer);
            return Arrays.equals(mine.getIssuerNameHash().getOctets(), rid.getIssuerNameHash())
                    && Arrays.equals(mine.getIssuerKeyHash().getOctets(), rid.getIssuerKeyHash());
        }
        return rid.matchesIssuer(new JcaX509CertificateHolder(issuer), digests);
    }

    private Map<String, Object> judgeFacts(Facts f, Extension nonceExt, boolean answersThisRequest, String field,
                                           Clock clock, Map<String, Object> out) throws VerificationException {
        Instant now = clock.instant();
        Instant thisUpdate = f.thisUpdate();
        if (thisUpdate.isAfter(now.plus(CLOCK_SKEW))) {
            throw VerificationException.mismatch(ReasonCode.EXPIRED, field + ".this_update",
                    "not after " + now.plus(CLOCK_SKEW), thisUpdate.toString());
        }
        if (f.nextUpdate() != null) {
            Instant next = f.nextUpdate();
            if (now.isAfter(next)) {
                throw VerificationException.mismatch(ReasonCode.EXPIRED, field + ".next_update",
                        "not before " + now, next.toString());
            }
            out.put("next_update", next.toString());
        } else if (thisUpdate.plus(maxAgeWithoutNextUpdate).isBefore(now)) {
            throw VerificationException.mismatch(ReasonCode.EXPIRED, field + ".this_update",
                    "within " + maxAgeWithoutNextUpdate + " of " + now, thisUpdate.toString());
        }
        out.put("this_update", thisUpdate.toString());
        if (answersThisRequest) {
            if (f.echoedNonce() == null || !Arrays.equals(f.echoedNonce(), nonceExt.getExtnValue().getOctets())) {
                throw invalid(field + ".nonce", "response nonce does not echo the request nonce");
            }
            out.put("nonce", "matched");
        } else {
            out.put("nonce", "pre_recorded");
        }
        CertificateStatus status = f.status();
        if (status == CertificateStatus.GOOD) {
            out.put("status", "good");
            return out;
        }
        if (status instanceof RevokedStatus revoked) {
            int reason = revoked.hasRevocationReason() ? revoked.getRevocationReason() : CRLReason.unspecified;
            out.put("status", "revoked");
            out.put("revocation_reason", reasonName(reason));
            if (reason == CERTIFICATE_HOLD && allowCertificateHold) {
                out.put("warning", "certificate on hold, tolerated by configuration");
                return out;
            }
            throw VerificationException.mismatch(ReasonCode.CERT_REVOKED, field + ".cert_status", "good",
                    "revoked (" + reasonName(reason) + ")");
        }
        if (status instanceof UnknownStatus) {
            throw VerificationException.mismatch(ReasonCode.CERT_CHAIN_INVALID, field + ".cert_status", "good", "unknown");
        }
        throw invalid(field + ".cert_status", "unrecognised certificate status");
    }

    /** Checks the response signature; true when a CA of the path signed it (not a delegated responder). */
    private boolean checkResponseSignature(BasicOCSPResp basic, String derDigest, List<X509Certificate> certs, int i,
                                           String field, Clock clock) throws VerificationException {
        // A response signed directly by a CA of the path verifies the same way every time: the
        // result is kept by the response's digest and the CAs' fingerprints (no clock involved).
        StringBuilder memoKey = new StringBuilder(derDigest);
        for (int j = i + 1; j < certs.size(); j++) {
            memoKey.append('/').append(IdentityDigests.fingerprint(certs.get(j)));
        }
        String memo = memoKey.toString();
        if (directlySigned.getIfPresent(memo) != null) {
            return true;
        }
        List<X509Certificate> candidates = new ArrayList<>();
        // The CAs of the validated path above the subject may sign directly.
        for (int j = i + 1; j < certs.size(); j++) {
            candidates.add(certs.get(j));
        }
        int direct = candidates.size();
        // Delegated responders: issued by one of those CAs, with id-kp-OCSPSigning.
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter().setProvider(CryptoProviders.bouncyCastle());
        for (X509CertificateHolder h : basic.getCerts()) {
            try {
                X509Certificate responder = conv.getCertificate(h);
                X509Certificate responderIssuer = null;
                for (int j = i + 1; j < certs.size(); j++) {
                    if (certs.get(j).getSubjectX500Principal().equals(responder.getIssuerX500Principal())) {
                        responderIssuer = certs.get(j);
                    }
                }
                if (responderIssuer == null) {
                    continue;
                }
                responder.verify(responderIssuer.getPublicKey(), CryptoProviders.bouncyCastle());
                List<String> eku = responder.getExtendedKeyUsage();
                if (eku == null || !eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
                    continue;
                }
                Certificates.checkValidity(responder, clock, field + ".responder.validity");
                candidates.add(responder);
            } catch (VerificationException e) {
                throw e;
            } catch (Exception e) {
                // not a usable responder certificate; ignore it
            }
        }
        for (int k = 0; k < candidates.size(); k++) {
            X509Certificate c = candidates.get(k);
            try {
                // The path's CAs: the cached key object (CertificateSignatures); a delegated
                // responder certificate, or a non-ECDSA signature: the JCA as before.
                Boolean fast = k < direct ? CertificateSignatures.verifyEcdsa(c, basic.getSignatureAlgOID().getId(),
                        basic.getTBSResponseData(), basic.getSignature()) : null;
                if (fast != null) {
                    if (fast) {
                        directlySigned.put(memo, Boolean.TRUE);
                        return true;
                    }
                    continue;
                }
                if (basic.isSignatureValid(new JcaContentVerifierProviderBuilder()
                        .setProvider(CryptoProviders.bouncyCastle()).build(c.getPublicKey()))) {
                    if (k < direct) {
                        directlySigned.put(memo, Boolean.TRUE);
                    }
                    return k < direct;
                }
            } catch (OCSPException | OperatorCreationException | java.security.GeneralSecurityException
                     | RuntimeException e) {
                // try the next candidate
            }
        }
        throw invalid(field + ".signature", "response not signed by the issuer or an authorised responder");
    }

    private static String reasonName(int reason) {
        switch (reason) {
            case 0: return "unspecified";
            case 1: return "key_compromise";
            case 2: return "ca_compromise";
            case 3: return "affiliation_changed";
            case 4: return "superseded";
            case 5: return "cessation_of_operation";
            case 6: return "certificate_hold";
            case 8: return "remove_from_crl";
            case 9: return "privilege_withdrawn";
            case 10: return "aa_compromise";
            default: return "reason_" + reason;
        }
    }

    private static VerificationException invalid(String field, String message) {
        return new VerificationException(ReasonCode.COLLATERAL_INVALID, field, field + ": " + message);
    }
}

package org.openanolis.attestation.verifier.gpu;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where OCSP answers come from: pre-recorded responses in a bundle, or a live responder
 * ({@link HttpOcspSource}). The verifier builds the request (with a fresh nonce) and checks the
 * answer; a source needs no trust.
 */
public interface OcspSource {
    /**
     * The answer for {@code query}, or empty when this source has none.
     *
     * @throws IOException the responder could not be reached
     */
    Optional<Answer> fetch(Query query) throws IOException;

    /**
     * An answer this source already holds for {@code subject} (issued by {@code issuer}) without
     * asking anyone, or empty (the default). The verifier judges it as pre-recorded (by
     * {@code thisUpdate}/{@code nextUpdate}, no nonce) and builds no request for it; when empty it
     * calls {@link #fetch} with a fresh request.
     */
    default Optional<Answer> held(X509Certificate subject, X509Certificate issuer) throws IOException {
        return Optional.empty();
    }

    /**
     * Offers a response this service received earlier (at {@code fetchedAt}) for {@code subject},
     * to be held like one of its own answers: the warm start from the verification log. Returns
     * whether it was kept. Sources that keep nothing ignore it (the default). The caller has judged
     * the response good; the verifier judges it again, as pre-recorded, on every use.
     */
    default boolean keep(X509Certificate subject, X509Certificate issuer, byte[] responseDer, Instant fetchedAt) {
        return false;
    }

    /** A source with no answers (used with {@link OcspMode#OFF}). */
    static OcspSource none() {
        return q -> Optional.empty();
    }

    /**
     * One request: the certificate, its issuer and the DER {@code OCSPRequest} the verifier built.
     */
    record Query(X509Certificate subject, X509Certificate issuer, byte[] requestDer) {
        public Query {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(issuer, "issuer");
            requestDer = requestDer.clone();
        }

        @Override
        public byte[] requestDer() {
            return requestDer.clone();
        }
    }

    /**
     * A DER {@code OCSPResponse}. {@code answersThisRequest} is true when the responder answered
     * the query's request (live), so its nonce must echo ours; false for a pre-recorded response,
     * whose freshness is then judged by its {@code thisUpdate} / {@code nextUpdate} alone.
     */
    record Answer(byte[] responseDer, boolean answersThisRequest) {
        public Answer {
            responseDer = responseDer.clone();
        }

        @Override
        public byte[] responseDer() {
            return responseDer.clone();
        }

        /**
         * The answer's own bytes, not a copy, for callers that only read them: the same array on
         * every use of a kept answer, so that its digest is computed once
         * ({@link org.openanolis.attestation.verifier.IdentityDigests}). Never write it.
         */
        public byte[] sharedDer() {
            return responseDer;
        }

        /** The same answer judged as pre-recorded (no nonce to echo); this one when it already is. */
        public Answer preRecorded() {
            return answersThisRequest ? new Answer(responseDer, false) : this;
        }
    }
}

package org.openanolis.attestation.verifier.nonce;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openanolis.attestation.errors.ReasonCode;
import org.openanolis.attestation.errors.VerificationException;

/**
 * Stateless, MAC-protected nonces that any replica sharing the MAC key accepts.
 *
 * <p>Layout of the 65 raw bytes (base64url without padding in {@link Nonce#value()}):
 * {@code version(1)=1 || issued_at(8, epoch seconds, big-endian) || expires_at(8) || random(16) ||
 * HMAC-SHA256(key, the 33 bytes before)(32)}. The raw bytes are what the attester hashes into its
 * report data: {@code SHA-512(nonce_bytes || runtime_data)}.
 */
public final class NonceService {
    public static final int LENGTH = 65;
    private static final byte VERSION = 1;

    /** A nonce as handed to an attester. */
    public record Nonce(String value, Instant issuedAt, Instant expiresAt) {
        /** The raw bytes the attester binds into its evidence. */
        public byte[] bytes() {
            return Base64.getUrlDecoder().decode(value);
        }
    }

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param macKey   at least 32 bytes, shared by every replica
     * @param lifetime how long a nonce stays acceptable
     */
    public NonceService(byte[] macKey, Clock clock, Duration lifetime) {
        if (macKey.length < 32) {
            throw new IllegalArgumentException("nonce MAC key must be at least 32 bytes");
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("nonce lifetime must be positive");
        }
        this.key = new SecretKeySpec(macKey.clone(), "HmacSHA256");
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public Nonce issue() {
        Instant now = clock.instant();
        Instant exp = now.plus(lifetime);
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(VERSION).putLong(now.getEpochSecond()).putLong(exp.getEpochSecond());
        byte[] rnd = new byte[16];
        random.nextBytes(rnd);
        b.put(rnd);
        b.put(mac(b.array(), 33));
        return new Nonce(Base64.getUrlEncoder().withoutPadding().encodeToString(b.array()),
                Instant.ofEpochSecond(now.getEpochSecond()), Instant.ofEpochSecond(exp.getEpochSecond()));
    }

    /**
     * Checks a nonce value returned by an attester: well-formed, MAC valid (constant-time
     * comparison), not expired. Every failure is {@link ReasonCode#BINDING_MISMATCH}.
     *
     * @return the raw nonce bytes
     */
    public byte[] verify(String value) throws VerificationException {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(value == null ? "" : value);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(ReasonCode.BINDING_MISMATCH, "nonce", "nonce is not base64url");
        }
        if (raw.length != LENGTH || raw[0] != VERSION) {
            throw new VerificationException(ReasonCode.BINDING_MISMATCH, "nonce", "nonce has the wrong format");
        }
        byte[] want = mac(raw, 33);
        if (!MessageDigest.isEqual(want, Arrays.copyOfRange(raw, 33, LENGTH))) {
            throw new VerificationException(ReasonCode.BINDING_MISMATCH, "nonce", "nonce was not issued by this service");
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        b.get();
        Instant iat = Instant.ofEpochSecond(b.getLong());
        Instant exp = Instant.ofEpochSecond(b.getLong());
        Instant now = clock.instant();
        if (now.isAfter(exp) || now.plusSeconds(60).isBefore(iat)) {
            throw VerificationException.mismatch(ReasonCode.BINDING_MISMATCH, "nonce.expires_at",
                    "within " + iat + " .. " + exp, now.toString());
        }
        return raw;
    }

    private byte[] mac(byte[] data, int len) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(data, 0, len);
            return m.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}

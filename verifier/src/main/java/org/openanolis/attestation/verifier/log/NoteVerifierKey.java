package org.openanolis.attestation.verifier.log;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openanolis.attestation.verifier.log.NoteVerificationException.Problem;

/**
 * An Ed25519 verifier key of the C2SP signed-note format, written
 * {@code <name>+<hex key id>+<base64(0x01 || 32-byte public key)>}. The key id is the first four
 * bytes of {@code SHA-256(name || 0x0A || 0x01 || public key)}; parsing checks it.
 */
public final class NoteVerifierKey {
    /** The signed-note signature type of Ed25519. */
    static final byte ED25519_TYPE = 0x01;

    private final String name;
    private final int keyId;
    private final byte[] publicKey;
    private final Ed25519PublicKeyParameters params;

    NoteVerifierKey(String name, byte[] publicKey) {
        requireKeyName(name);
        if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        this.name = name;
        this.publicKey = publicKey.clone();
        this.keyId = keyId(name, publicKey);
        this.params = new Ed25519PublicKeyParameters(publicKey, 0);
    }

    /** Parses the vkey text form, strictly. */
    public static NoteVerifierKey parse(String vkey) throws NoteVerificationException {
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3 || parts[0].isEmpty()) {
            throw malformed("verifier key must be <name>+<key id>+<key>");
        }
        String name = parts[0];
        if (!parts[1].matches("[0-9a-f]{8}")) {
            throw malformed("verifier key id must be 8 lower-case hex digits");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new NoteVerificationException(Problem.MALFORMED, "verifier key is not base64", e);
        }
        if (!Base64.getEncoder().encodeToString(key).equals(parts[2])) {
            throw malformed("verifier key is not canonical base64");
        }
        if (key.length != 33 || key[0] != ED25519_TYPE) {
            throw malformed("verifier key must be type 0x01 (Ed25519) with a 32-byte key");
        }
        byte[] pub = java.util.Arrays.copyOfRange(key, 1, 33);
        NoteVerifierKey parsed;
        try {
            parsed = new NoteVerifierKey(name, pub);
        } catch (IllegalArgumentException e) {
            throw new NoteVerificationException(Problem.MALFORMED, e.getMessage(), e);
        }
        if (parsed.keyId != Integer.parseUnsignedInt(parts[1], 16)) {
            throw malformed("verifier key id does not match the name and key");
        }
        return parsed;
    }

    /** The key id: SHA-256(name || "\n" || 0x01 || key)[0:4], big-endian. */
    static int keyId(String name, byte[] publicKey) {
        byte[] h = Sha256Digest.digest(name.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', ED25519_TYPE},
                publicKey).bytes();
        return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    }

    static void requireKeyName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("key name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '+' || Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                throw new IllegalArgumentException("key name must not contain '+', spaces or control characters");
            }
        }
    }

    private static NoteVerificationException malformed(String message) {
        return new NoteVerificationException(Problem.MALFORMED, message);
    }

    public String name() {
        return name;
    }

    public int keyId() {
        return keyId;
    }

    /** The raw 32-byte Ed25519 public key (copied). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Verifies an Ed25519 signature over {@code message}. */
    boolean verify(byte[] message, byte[] signature) {
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, params);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** The vkey text form. */
    @Override
    public String toString() {
        byte[] key = new byte[33];
        key[0] = ED25519_TYPE;
        System.arraycopy(publicKey, 0, key, 1, 32);
        return name + "+" + String.format("%08x", keyId) + "+" + Base64.getEncoder().encodeToString(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteVerifierKey k && name.equals(k.name) && java.util.Arrays.equals(publicKey, k.publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(publicKey);
    }
}

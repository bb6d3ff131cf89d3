package org.openanolis.attestation.verifier.log;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openanolis.attestation.verifier.log.NoteVerificationException.Problem;

/**
 * Signs notes with Ed25519 (Bouncy Castle {@code Ed25519Signer}) under a C2SP signed-note key
 * name. The private key's text form is {@code PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>}
 * as in Go's {@code golang.org/x/mod/sumdb/note}; keep it out of logs.
 */
public final class NoteSigner {
    private final String name;
    private final Ed25519PrivateKeyParameters privateKey;
    private final NoteVerifierKey verifierKey;

    private NoteSigner(String name, Ed25519PrivateKeyParameters privateKey) {
        NoteVerifierKey.requireKeyName(name);
        this.name = name;
        this.privateKey = privateKey;
        this.verifierKey = new NoteVerifierKey(name, privateKey.generatePublicKey().getEncoded());
    }

    /** A signer from a 32-byte Ed25519 seed. */
    public static NoteSigner fromSeed(String name, byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        }
        return new NoteSigner(name, new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** A fresh key from {@code random}. */
    public static NoteSigner generate(String name, SecureRandom random) {
        return new NoteSigner(name, new Ed25519PrivateKeyParameters(random));
    }

    /** Parses the private key text form, checking its key id. */
    public static NoteSigner parse(String skey) throws NoteVerificationException {
        String[] parts = skey.split("\\+", 5);
        if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
            throw new NoteVerificationException(Problem.MALFORMED, "signer key must be PRIVATE+KEY+<name>+<id>+<key>");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(parts[4]);
        } catch (IllegalArgumentException e) {
            throw new NoteVerificationException(Problem.MALFORMED, "signer key is not base64", e);
        }
        if (key.length != 33 || key[0] != NoteVerifierKey.ED25519_TYPE) {
            throw new NoteVerificationException(Problem.MALFORMED, "signer key must be type 0x01 with a 32-byte seed");
        }
        NoteSigner signer;
        try {
            signer = fromSeed(parts[2], Arrays.copyOfRange(key, 1, 33));
        } catch (IllegalArgumentException e) {
            throw new NoteVerificationException(Problem.MALFORMED, e.getMessage(), e);
        }
        if (!parts[3].equals(String.format("%08x", signer.verifierKey.keyId()))) {
            throw new NoteVerificationException(Problem.MALFORMED, "signer key id does not match the key");
        }
        return signer;
    }

    /** The private key text form {@code PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>}; keep it secret. */
    public String skey() {
        byte[] key = new byte[33];
        key[0] = NoteVerifierKey.ED25519_TYPE;
        System.arraycopy(privateKey.getEncoded(), 0, key, 1, 32);
        return "PRIVATE+KEY+" + name + "+" + String.format("%08x", verifierKey.keyId()) + "+"
                + Base64.getEncoder().encodeToString(key);
    }

    public String name() {
        return name;
    }

    /** The verifier key an auditor pins. */
    public NoteVerifierKey verifierKey() {
        return verifierKey;
    }

    /** Signs {@code text} (which must end in a newline) and returns the complete signed note. */
    public String sign(String text) {
        SignedNote.requireText(text);
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        byte[] sig = signer.generateSignature();
        byte[] blob = new byte[4 + sig.length];
        int id = verifierKey.keyId();
        blob[0] = (byte) (id >>> 24);
        blob[1] = (byte) (id >>> 16);
        blob[2] = (byte) (id >>> 8);
        blob[3] = (byte) id;
        System.arraycopy(sig, 0, blob, 4, sig.length);
        return text + "\n" + SignedNote.SIGNATURE_PREFIX + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }
}

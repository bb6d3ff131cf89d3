package org.openanolis.attestation.verifier.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.openanolis.attestation.verifier.log.NoteVerificationException.Problem;

/**
 * A C2SP signed note: UTF-8 text ending in a newline, a blank line, then one or more signature
 * lines {@code — <key name> <base64(key id (4 bytes) || signature)>}. Parsing is strict (no
 * carriage returns, no control characters, at most {@value #MAX_SIGNATURES} signatures, canonical
 * base64); signatures by keys the verifier does not know are kept but never trusted.
 */
public final class SignedNote {
    /** An em dash (U+2014) and a space start every signature line. */
    static final String SIGNATURE_PREFIX = "\u2014 ";
    static final int MAX_SIGNATURES = 100;
    static final int MAX_NOTE_BYTES = 1 << 16;

    /** One signature line. */
    public record Signature(String keyName, int keyId, byte[] signature) {
        public Signature {
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    private final String text;
    private final List<Signature> signatures;

    private SignedNote(String text, List<Signature> signatures) {
        this.text = text;
        this.signatures = Collections.unmodifiableList(signatures);
    }

    /** The signed text, including its final newline. */
    public String text() {
        return text;
    }

    public List<Signature> signatures() {
        return signatures;
    }

    /** Parses a signed note without verifying it. */
    public static SignedNote parse(String note) throws NoteVerificationException {
        if (note.getBytes(StandardCharsets.UTF_8).length > MAX_NOTE_BYTES) {
            throw malformed("note is larger than " + MAX_NOTE_BYTES + " bytes");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw malformed("note must be text, a blank line and signature lines");
        }
        String text = note.substring(0, split + 1);
        try {
            requireText(text);
        } catch (IllegalArgumentException e) {
            throw new NoteVerificationException(Problem.MALFORMED, e.getMessage(), e);
        }
        String block = note.substring(split + 2);
        List<Signature> sigs = new ArrayList<>();
        for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
            if (!line.startsWith(SIGNATURE_PREFIX)) {
                throw malformed("signature line must start with an em dash and a space");
            }
            String rest = line.substring(SIGNATURE_PREFIX.length());
            int space = rest.indexOf(' ');
            if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
                throw malformed("signature line must be '— <name> <base64>'");
            }
            String name = rest.substring(0, space);
            String b64 = rest.substring(space + 1);
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new NoteVerificationException(Problem.MALFORMED, "signature is not base64", e);
            }
            if (!Base64.getEncoder().encodeToString(blob).equals(b64) || blob.length < 5) {
                throw malformed("signature must be canonical base64 of a key id and a signature");
            }
            try {
                NoteVerifierKey.requireKeyName(name);
            } catch (IllegalArgumentException e) {
                throw new NoteVerificationException(Problem.MALFORMED, e.getMessage(), e);
            }
            int id = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
            sigs.add(new Signature(name, id, java.util.Arrays.copyOfRange(blob, 4, blob.length)));
            if (sigs.size() > MAX_SIGNATURES) {
                throw malformed("more than " + MAX_SIGNATURES + " signatures");
            }
        }
        return new SignedNote(text, sigs);
    }

    /**
     * Parses {@code note} and verifies it with {@code key}: at least one signature line must carry the
     * key's name and id, and every such line must verify.
     *
     * @return the verified text
     */
    public static String open(String note, NoteVerifierKey key) throws NoteVerificationException {
        SignedNote parsed = parse(note);
        byte[] message = parsed.text.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (Signature s : parsed.signatures) {
            if (s.keyName().equals(key.name()) && s.keyId() == key.keyId()) {
                found = true;
                if (!key.verify(message, s.signature)) {
                    throw new NoteVerificationException(Problem.SIGNATURE_INVALID,
                            "the signature by " + key.name() + " does not verify");
                }
            }
        }
        if (!found) {
            throw new NoteVerificationException(Problem.NOT_SIGNED_BY_KEY, "the note carries no signature by "
                    + key.name() + "+" + String.format("%08x", key.keyId()));
        }
        return parsed.text;
    }

    /**
     * Checks that {@code text} is note text: non-empty, ending in a newline, well-formed Unicode,
     * and no control characters but newline.
     */
    static void requireText(String text) {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end with a newline");
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp != '\n' && Character.isISOControl(cp)) {
                throw new IllegalArgumentException("note text must not contain control characters");
            }
            if (Character.getType(cp) == Character.SURROGATE) {
                throw new IllegalArgumentException("note text must be well-formed Unicode");
            }
            i += Character.charCount(cp);
        }
    }

    private static NoteVerificationException malformed(String message) {
        return new NoteVerificationException(Problem.MALFORMED, message);
    }
}

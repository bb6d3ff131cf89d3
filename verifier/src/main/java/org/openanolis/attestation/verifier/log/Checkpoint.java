package org.openanolis.attestation.verifier.log;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.openanolis.attestation.verifier.log.NoteVerificationException.Problem;

/**
 * A C2SP {@code tlog-checkpoint}: the origin line naming the log, the tree size in decimal, the
 * base64 RFC 9162 tree head, then optional extension lines. Carried as the text of a signed note;
 * {@link #sign(NoteSigner)} and {@link #open(String, NoteVerifierKey, String)} do both steps.
 */
public record Checkpoint(String origin, long size, Sha256Digest rootHash, List<String> extensions) {
    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        if (origin.isEmpty() || origin.contains("\n")) {
            throw new IllegalArgumentException("origin must be one non-empty line");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        Objects.requireNonNull(rootHash, "rootHash");
        extensions = List.copyOf(extensions);
        for (String e : extensions) {
            if (e.isEmpty() || e.contains("\n")) {
                throw new IllegalArgumentException("extension lines must be non-empty single lines");
            }
        }
    }

    /** A checkpoint without extension lines. */
    public Checkpoint(String origin, long size, Sha256Digest rootHash) {
        this(origin, size, rootHash, List.of());
    }

    /** The note text (the checkpoint body). */
    public String toNoteText() {
        StringBuilder sb = new StringBuilder();
        sb.append(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash.bytes())).append('\n');
        for (String e : extensions) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    /** The signed note of this checkpoint. */
    public String sign(NoteSigner signer) {
        return signer.sign(toNoteText());
    }

    /** Parses checkpoint text strictly (canonical decimal size, canonical base64 of 32 bytes). */
    public static Checkpoint parse(String text) throws NoteVerificationException {
        if (!text.endsWith("\n")) {
            throw malformed("checkpoint text must end with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw malformed("checkpoint needs origin, size and root hash lines");
        }
        if (lines[0].isEmpty()) {
            throw malformed("empty origin line");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw malformed("tree size must be a decimal number without leading zeros");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new NoteVerificationException(Problem.MALFORMED, "tree size out of range", e);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new NoteVerificationException(Problem.MALFORMED, "root hash is not base64", e);
        }
        if (root.length != Sha256Digest.LENGTH || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw malformed("root hash must be the canonical base64 of 32 bytes");
        }
        List<String> ext = new ArrayList<>();
        for (int i = 3; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                throw malformed("empty extension line");
            }
            ext.add(lines[i]);
        }
        return new Checkpoint(lines[0], size, Sha256Digest.of(root), ext);
    }

    /**
     * Verifies a signed checkpoint note with the pinned key and checks its origin.
     *
     * @throws NoteVerificationException naming the problem: malformed, not signed by the key, bad
     *     signature, or another log's origin
     */
    public static Checkpoint open(String note, NoteVerifierKey key, String expectedOrigin)
            throws NoteVerificationException {
        Checkpoint cp = parse(SignedNote.open(note, key));
        if (!cp.origin.equals(expectedOrigin)) {
            throw new NoteVerificationException(Problem.ORIGIN_MISMATCH,
                    "checkpoint is for log '" + cp.origin + "', expected '" + expectedOrigin + "'");
        }
        return cp;
    }

    private static NoteVerificationException malformed(String message) {
        return new NoteVerificationException(Problem.MALFORMED, message);
    }
}

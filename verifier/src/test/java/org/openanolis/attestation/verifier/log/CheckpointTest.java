package org.openanolis.attestation.verifier.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.verifier.log.NoteVerificationException.Problem;

/**
 * Signed notes and checkpoints. The PeterNeumann key pair and signed note are the example of Go's
 * golang.org/x/mod/sumdb/note (note.go package documentation and note_test.go); Ed25519 is
 * deterministic, so signing must reproduce the published note byte for byte.
 */
class CheckpointTest {
    private static final String PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private static final String PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private static final String PETER_TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    private static final String PETER_NOTE = PETER_TEXT + "\n"
            + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    @Test
    void reproducesGoSumdbNoteVector() throws Exception {
        NoteSigner signer = NoteSigner.parse(PETER_SKEY);
        assertEquals(PETER_VKEY, signer.verifierKey().toString());
        assertEquals(PETER_NOTE, signer.sign(PETER_TEXT));
        NoteVerifierKey key = NoteVerifierKey.parse(PETER_VKEY);
        assertEquals(PETER_TEXT, SignedNote.open(PETER_NOTE, key));
    }

    @Test
    void refusesAlteredTextAndSignatures() throws Exception {
        NoteVerifierKey key = NoteVerifierKey.parse(PETER_VKEY);
        assertProblem(Problem.SIGNATURE_INVALID, () -> SignedNote.open(PETER_NOTE.replace("cryptography", "cryptographY"), key));
        assertProblem(Problem.SIGNATURE_INVALID, () -> SignedNote.open(PETER_NOTE.replace("ZInNIuG", "ZInNIuH"), key));
        assertProblem(Problem.NOT_SIGNED_BY_KEY, () -> SignedNote.open(PETER_NOTE.replace("\u2014 PeterNeumann", "\u2014 Peter"), key));
        assertProblem(Problem.MALFORMED, () -> SignedNote.open(PETER_NOTE.replace("\u2014 ", "- "), key));
        assertProblem(Problem.MALFORMED, () -> SignedNote.open(PETER_NOTE.replace("\n\n", "\n"), key));
        assertProblem(Problem.MALFORMED, () -> SignedNote.open(PETER_NOTE.replace("problem,\n", "problem,\r\n"), key));
        assertProblem(Problem.MALFORMED, () -> SignedNote.open(PETER_NOTE.substring(0, PETER_NOTE.length() - 1), key));
        assertProblem(Problem.MALFORMED, () -> SignedNote.open(PETER_NOTE.replace("AM=\n", "AM\n"), key));
        assertProblem(Problem.MALFORMED, () -> SignedNote.open(PETER_NOTE.replace("problem,", "problem\ud800,"), key));
        assertProblem(Problem.MALFORMED, () -> SignedNote.open(PETER_NOTE.replace("problem,", "problem\u0007,"), key));
    }

    @Test
    void refusesMalformedVerifierKeys() {
        assertProblem(Problem.MALFORMED, () -> NoteVerifierKey.parse(PETER_VKEY.replace("c74f20a3", "c74f20a4")));
        assertProblem(Problem.MALFORMED, () -> NoteVerifierKey.parse(PETER_VKEY.replace("c74f20a3", "C74F20A3")));
        assertProblem(Problem.MALFORMED, () -> NoteVerifierKey.parse(PETER_VKEY.replace("+ARpc", "+AhRpc")));
        assertProblem(Problem.MALFORMED, () -> NoteVerifierKey.parse("PeterNeumann+c74f20a3"));
        assertProblem(Problem.MALFORMED, () -> NoteVerifierKey.parse(PETER_VKEY.replace("+ARpc", "+Apc")));
    }

    @Test
    void checkpointsRoundTripAndVerifyWithThePinnedKey() throws Exception {
        NoteSigner signer = NoteSigner.generate("log.example/verifier", new SecureRandom());
        Checkpoint cp = new Checkpoint("log.example/verifier", 12345, Sha256Digest.digest(new byte[] {7}));
        String note = cp.sign(signer);
        assertEquals(cp, Checkpoint.open(note, signer.verifierKey(), "log.example/verifier"));
        String[] lines = note.split("\n");
        assertEquals("log.example/verifier", lines[0]);
        assertEquals("12345", lines[1]);
        assertEquals(44, lines[2].length());
        assertEquals("", lines[3]);
        assertProblem(Problem.ORIGIN_MISMATCH, () -> Checkpoint.open(note, signer.verifierKey(), "other.example/log"));

        NoteSigner forger = NoteSigner.generate("log.example/verifier", new SecureRandom());
        String forged = new Checkpoint("log.example/verifier", 99999, cp.rootHash()).sign(forger);
        assertProblem(Problem.NOT_SIGNED_BY_KEY, () -> Checkpoint.open(forged, signer.verifierKey(), "log.example/verifier"));

        Checkpoint withExt = new Checkpoint("o", 1, cp.rootHash(), List.of("ext one"));
        assertEquals(withExt, Checkpoint.parse(withExt.toNoteText()));
    }

    @Test
    void refusesMalformedCheckpointBodies() {
        String root = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assertProblem(Problem.MALFORMED, () -> Checkpoint.parse("o\n01\n" + root + "\n"));
        assertProblem(Problem.MALFORMED, () -> Checkpoint.parse("o\n-1\n" + root + "\n"));
        assertProblem(Problem.MALFORMED, () -> Checkpoint.parse("o\n1\n" + root));
        assertProblem(Problem.MALFORMED, () -> Checkpoint.parse("o\n1\n" + root.substring(4) + "\n"));
        assertProblem(Problem.MALFORMED, () -> Checkpoint.parse("\n1\n" + root + "\n"));
        assertProblem(Problem.MALFORMED, () -> Checkpoint.parse("o\n1\n" + root + "\n\n"));
        assertProblem(Problem.MALFORMED, () -> Checkpoint.parse("o\n99999999999999999999\n" + root + "\n"));
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void assertProblem(Problem expected, Action action) {
        NoteVerificationException e = assertThrows(NoteVerificationException.class, action::run);
        assertEquals(expected, e.problem(), e.getMessage());
    }
}

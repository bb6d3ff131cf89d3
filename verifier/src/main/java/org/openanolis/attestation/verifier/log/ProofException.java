package org.openanolis.attestation.verifier.log;

/** A Merkle inclusion or consistency proof that does not verify. */
public final class ProofException extends Exception {
    public ProofException(String message) {
        super(message);
    }
}

package org.openanolis.attestation.verifier.bundle;

/**
 * The bundle itself is unusable (missing manifest, unknown key, unreadable file): a usage error,
 * exit status 2 in the CLI. Not a verification verdict.
 */
public class BundleException extends Exception {
    private static final long serialVersionUID = 1L;

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}

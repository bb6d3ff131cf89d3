package org.openanolis.attestation.policies.store;

/**
 * A fault of the store itself (the database is unreachable, a migration failed): a verifier fault,
 * not bad input. The service answers it with a 5xx and never with a policy decision.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

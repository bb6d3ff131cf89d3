package org.openanolis.attestation.certs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-2 on the JDK provider (it uses SHA-NI where the CPU has it). */
public final class Digests {
    private Digests() {}

    public static byte[] sha256(byte[]... parts) {
        return digest("SHA-256", parts);
    }

    public static byte[] sha384(byte[]... parts) {
        return digest("SHA-384", parts);
    }

    public static byte[] sha512(byte[]... parts) {
        return digest("SHA-512", parts);
    }

    public static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }
}

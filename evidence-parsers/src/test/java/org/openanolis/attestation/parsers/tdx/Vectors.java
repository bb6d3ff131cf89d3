package org.openanolis.attestation.parsers.tdx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openanolis.attestation.certs.SharedData;

/** Raw files of the real tdx/sgx vectors in {@code shared/testdata/tdx}. */
final class Vectors {
    static final String NEAR_V4 = "near-v4-20a06f-uptodate";
    static final String GOOGLE_V5 = "google-v5-td15-90c06f-uptodate";
    static final String SGX_V3 = "sgx-v3-phala-00a067110000";
    static final String GOOGLE_2023 = "neg-google-v4-50806f-2023-tcb-not-supported";
    static final String AZURE_V4 = "trustee-azure-v4-00806f-outofdate";

    private Vectors() {}

    static byte[] file(String set, String name) {
        Path p = SharedData.testdata().resolve("tdx").resolve(set).resolve(name);
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] quote(String set) {
        return file(set, "quote.bin");
    }
}

package org.openanolis.attestation.verifier.service;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openanolis.attestation.certs.Hex;
import org.openanolis.attestation.certs.SharedData;
import org.openanolis.attestation.certs.fuzz.FuzzCampaign;

/**
 * Bounded fuzzing of the {@code POST /v1/attest} body checks ({@code docs/api.md}), seeded with
 * request bodies built from the real TDX, SNP and GPU vectors. The body is decoded as the route
 * decodes it ({@code DecodeException} and {@code ClassCastException} are its 400 "not a JSON
 * object"), then {@link AttestationServer#parseAttest(JsonObject)} must return a request or throw
 * its {@code BadRequest} (a 400); anything else would be a 500. It lives beside the server, not
 * in the {@code fuzz} package, because that seam is package-private.
 */
class AttestRequestFuzzTest {
    @Test
    void attestRequestBody() throws Exception {
        Path data = SharedData.testdata();
        String quote = b64(Files.readAllBytes(data.resolve("tdx/near-v4-20a06f-uptodate/quote.bin")));
        String report = b64(Files.readAllBytes(data.resolve("snp/oak_genoa_v5/report.bin")));
        String vcek = b64(Files.readAllBytes(data.resolve("snp/oak_genoa_v5/vcek.der")));
        String ask = Files.readString(data.resolve("snp/oak_genoa_v5/ask.pem"));
        Path gpu = data.resolve("gpu/nvtrust-v1-2023-h100-545.00");
        String spdm = b64(Hex.decode(Files.readString(gpu.resolve("report.hex"))));
        String chain = Files.readString(gpu.resolve("cert_chain.pem"));
        String nonce = "Yk4y0aBq-Zq1c3i2nQW3wQ";
        JsonObject tdx = new JsonObject().put("nonce", nonce).put("runtime_data", b64("hello".getBytes(StandardCharsets.UTF_8)))
                .put("cpu", new JsonObject().put("tee", "tdx").put("evidence", quote));
        JsonObject snp = new JsonObject().put("nonce", nonce).put("runtime_data", "")
                .put("cpu", new JsonObject().put("tee", "snp").put("evidence", report).put("vek", vcek).put("ask", ask))
                .put("gpus", new JsonArray().add(new JsonObject().put("tee", "nvgpu").put("evidence", spdm).put("cert_chain", chain)))
                .put("policy_ids", new JsonObject().put("cpu", "default-cpu").put("gpu", "default-gpu"))
                .put("audience", "model-gateway");
        List<byte[]> seeds = List.of(tdx.encode().getBytes(StandardCharsets.UTF_8), snp.encode().getBytes(StandardCharsets.UTF_8),
                "{\"nonce\":\"AA\",\"runtime_data\":\"AA==\",\"cpu\":{\"tee\":\"sgx\",\"evidence\":\"AAAA\"},\"gpus\":[]}"
                        .getBytes(StandardCharsets.UTF_8));
        FuzzCampaign.named("attest-request").seeds(seeds)
                .dictionary("{", "}", "[", "]", "\"", ",", ":", "null", "true", "-0", "1e400", "\"\\ud800\"", "\"-_\"",
                        "\"gpus\":", "\"cpu\":", "\"tee\":", "\"evidence\":", "\"vek\":\"-----BEGIN\"", "\"policy_ids\":",
                        "{\"tee\":\"nvswitch\",\"evidence\":\"\",\"cert_chain\":\"\"}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                        "\"nonce\":{}", "\"runtime_data\":[]", "\"a==\"", "=")
                .documented(t -> t instanceof AttestationServer.BadRequest).regressionsFrom(AttestRequestFuzzTest.class)
                .run(bytes -> {
                    JsonObject body;
                    try {
                        body = Buffer.buffer(bytes).toJsonObject();
                    } catch (DecodeException | ClassCastException e) {
                        return; // the route's 400 "body is not a JSON object"
                    }
                    AttestationServer.parseAttest(body);
                });
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}

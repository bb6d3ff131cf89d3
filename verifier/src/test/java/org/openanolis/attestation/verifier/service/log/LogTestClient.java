package org.openanolis.attestation.verifier.service.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/** HTTP helpers shared by the log service tests. */
final class LogTestClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String TOKEN = "auditor-token-for-tests-0123456789";

    final String base;

    LogTestClient(String base) {
        this.base = base;
    }

    HttpResponse<byte[]> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String nonce() throws Exception {
        return JSON.readTree(get("/v1/nonce", null).body()).get("nonce").asText();
    }

    JsonNode attest(ObjectNode body) throws Exception {
        HttpResponse<String> r = post("/v1/attest", body.toString(), null);
        ObjectNode out = (ObjectNode) JSON.readTree(r.body());
        out.put("http_status", r.statusCode());
        return out;
    }

    /** Output of a CLI-style command run in-process. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static Run run(Function<PrintStream[], Integer> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int exit = command.apply(new PrintStream[] {o, e});
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    static List<String> kinds(JsonNode report) {
        List<String> k = new java.util.ArrayList<>();
        report.get("findings").forEach(f -> k.add(f.get("kind").asText() + "@" + f.get("index").asText()));
        return k;
    }
}

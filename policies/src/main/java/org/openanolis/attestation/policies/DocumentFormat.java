package org.openanolis.attestation.policies;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;

/**
 * The two encodings of policy and reference-value documents. Both are parsed into the same tree
 * with duplicate keys rejected; the stored bytes are the uploaded bytes, verbatim.
 */
public enum DocumentFormat {
    JSON, YAML;

    private static final ObjectMapper JSON_MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML_MAPPER = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    /** JSON when the first non-blank character is <code>{</code>, YAML otherwise. */
    public static DocumentFormat detect(byte[] content) {
        for (byte b : content) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{' ? JSON : YAML;
        }
        return YAML;
    }

    /** The document as a tree; the root must be a mapping. */
    public JsonNode parse(byte[] content) throws PolicyException {
        JsonNode root;
        try {
            root = (this == JSON ? JSON_MAPPER : YAML_MAPPER).readTree(content);
        } catch (JsonProcessingException e) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "document",
                    "not valid " + name() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "document",
                    "unreadable " + name() + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new PolicyException(PolicyException.Code.MALFORMED_DOCUMENT, "document",
                    "the document must be a mapping");
        }
        return root;
    }

    /** The media type the HTTP layer should use for this format. */
    public String mediaType() {
        return this == JSON ? "application/json" : "application/yaml";
    }
}

-- Policies and reference-value sets (issue 6). Versions V1..V99 belong to the policies module;
-- the verification log (verifier module) uses V100 and up in these same locations.
-- Every change is a new row: versions and activations are append-only (see V2, per vendor).

CREATE TABLE document_versions (
    kind          VARCHAR(32)   NOT NULL,  -- 'policy' or 'reference_set'
    name          VARCHAR(128)  NOT NULL,  -- policy id or reference-set name
    version       INTEGER       NOT NULL,  -- 1, 2, ... per (kind, name)
    format        VARCHAR(8)    NOT NULL,  -- 'yaml' or 'json'
    content       TEXT          NOT NULL,  -- the uploaded document, verbatim (UTF-8)
    content_hash  CHAR(64)      NOT NULL,  -- SHA-256 of the content bytes, lower-case hex
    signature     TEXT,                    -- JWS (compact) over the content, when signed
    signer_key_id VARCHAR(256),            -- kid of the registered key that signed it
    created_by    VARCHAR(256)  NOT NULL,  -- authenticated subject
    created_at    BIGINT        NOT NULL,  -- epoch milliseconds, UTC
    note          VARCHAR(1024),           -- why this version exists (e.g. a revocation)
    PRIMARY KEY (kind, name, version)
);

CREATE TABLE document_activations (
    kind       VARCHAR(32)  NOT NULL,
    name       VARCHAR(128) NOT NULL,
    seq        INTEGER      NOT NULL,      -- 1, 2, ... per (kind, name); the highest is in force
    version    INTEGER,                    -- the active version; NULL = deactivated
    changed_by VARCHAR(256) NOT NULL,
    changed_at BIGINT       NOT NULL,
    PRIMARY KEY (kind, name, seq),
    FOREIGN KEY (kind, name, version) REFERENCES document_versions (kind, name, version)
);

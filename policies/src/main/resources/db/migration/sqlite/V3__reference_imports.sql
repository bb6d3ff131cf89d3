-- The signed files reference sets were imported from (CoRIM), kept verbatim as provenance.
CREATE TABLE reference_imports (
    set_name      VARCHAR(128) NOT NULL,
    set_version   INTEGER      NOT NULL,
    source_format VARCHAR(32)  NOT NULL,   -- 'corim+cose'
    source_sha256 CHAR(64)     NOT NULL,
    source        BLOB         NOT NULL,
    signer_key_id VARCHAR(256) NOT NULL,
    PRIMARY KEY (set_name, set_version)
);

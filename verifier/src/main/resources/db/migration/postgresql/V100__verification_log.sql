-- Verification log (issue #7), PostgreSQL. Versions V100 and up belong to the log; V1..V99 to policies.
-- Entries are deterministic CBOR; idx is dense from 0 and assigned under the log_state row lock, so
-- several verifier replicas sharing this database append to one log order.
CREATE TABLE log_entry (
    idx   BIGINT PRIMARY KEY,
    jti   TEXT   NOT NULL,
    entry BYTEA  NOT NULL
);
CREATE INDEX log_entry_jti ON log_entry (jti);

-- Every complete subtree hash of the RFC 9162 tree: leaves [idx << level, (idx + 1) << level).
CREATE TABLE log_tree_node (
    level INTEGER NOT NULL,
    idx   BIGINT  NOT NULL,
    hash  BYTEA   NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Collateral bytes, stored once per SHA-256.
CREATE TABLE log_collateral (
    sha256  BYTEA PRIMARY KEY,
    content BYTEA NOT NULL
);

-- Signed tlog-checkpoint notes.
CREATE TABLE log_checkpoint (
    tree_size  BIGINT PRIMARY KEY,
    root_hash  BYTEA NOT NULL,
    note       TEXT  NOT NULL,
    created_at TEXT  NOT NULL
);

-- One row: the committed tree size. Appenders update it first, which takes the row lock.
CREATE TABLE log_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    tree_size BIGINT  NOT NULL
);
INSERT INTO log_state (id, tree_size) VALUES (1, 0);

-- Append-only: the database refuses edits; the Merkle tree and signed checkpoints detect them anyway.
CREATE FUNCTION log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'verification log table % is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER log_entry_append_only BEFORE UPDATE OR DELETE ON log_entry
    FOR EACH ROW EXECUTE FUNCTION log_refuse_change();
CREATE TRIGGER log_entry_no_truncate BEFORE TRUNCATE ON log_entry
    FOR EACH STATEMENT EXECUTE FUNCTION log_refuse_change();
CREATE TRIGGER log_tree_node_append_only BEFORE UPDATE OR DELETE ON log_tree_node
    FOR EACH ROW EXECUTE FUNCTION log_refuse_change();
CREATE TRIGGER log_checkpoint_append_only BEFORE UPDATE OR DELETE ON log_checkpoint
    FOR EACH ROW EXECUTE FUNCTION log_refuse_change();

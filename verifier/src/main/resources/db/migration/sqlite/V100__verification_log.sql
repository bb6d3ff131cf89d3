-- Verification log (issue #7), SQLite. Versions V100 and up belong to the log; V1..V99 to policies.
-- Entries are deterministic CBOR; idx is dense from 0 and assigned under the log_state write lock.
CREATE TABLE log_entry (
    idx   INTEGER PRIMARY KEY,
    jti   TEXT    NOT NULL,
    entry BLOB    NOT NULL
);
CREATE INDEX log_entry_jti ON log_entry (jti);

-- Every complete subtree hash of the RFC 9162 tree: leaves [idx << level, (idx + 1) << level).
CREATE TABLE log_tree_node (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Collateral bytes, stored once per SHA-256.
CREATE TABLE log_collateral (
    sha256  BLOB PRIMARY KEY,
    content BLOB NOT NULL
) WITHOUT ROWID;

-- Signed tlog-checkpoint notes.
CREATE TABLE log_checkpoint (
    tree_size  INTEGER PRIMARY KEY,
    root_hash  BLOB NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One row: the committed tree size. Appenders update it first, which takes the write lock.
CREATE TABLE log_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    tree_size INTEGER NOT NULL
);
INSERT INTO log_state (id, tree_size) VALUES (1, 0);

-- Append-only: the database refuses edits; the Merkle tree and signed checkpoints detect them anyway.
CREATE TRIGGER log_entry_no_update BEFORE UPDATE ON log_entry
BEGIN SELECT RAISE(ABORT, 'log_entry is append-only'); END;
CREATE TRIGGER log_entry_no_delete BEFORE DELETE ON log_entry
BEGIN SELECT RAISE(ABORT, 'log_entry is append-only'); END;
CREATE TRIGGER log_tree_node_no_update BEFORE UPDATE ON log_tree_node
BEGIN SELECT RAISE(ABORT, 'log_tree_node is append-only'); END;
CREATE TRIGGER log_tree_node_no_delete BEFORE DELETE ON log_tree_node
BEGIN SELECT RAISE(ABORT, 'log_tree_node is append-only'); END;
CREATE TRIGGER log_checkpoint_no_update BEFORE UPDATE ON log_checkpoint
BEGIN SELECT RAISE(ABORT, 'log_checkpoint is append-only'); END;
CREATE TRIGGER log_checkpoint_no_delete BEFORE DELETE ON log_checkpoint
BEGIN SELECT RAISE(ABORT, 'log_checkpoint is append-only'); END;

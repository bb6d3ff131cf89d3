-- Leases between replicas sharing one log (verification-log service integration): one holder at
-- a time runs the periodic checkpointer. expires_at is epoch milliseconds.
CREATE TABLE log_lease (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO log_lease (name, holder, expires_at) VALUES ('checkpointer', '', 0);

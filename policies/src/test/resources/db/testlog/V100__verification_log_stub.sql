-- Stands in for the verifier module's first verification-log migration (V100+ range), to test
-- that the policies module's Flyway run accepts a database the log has already migrated.
CREATE TABLE verification_log_stub (entry_index BIGINT PRIMARY KEY);

-- Schema version 4: the journal becomes a chain (see dashboard/store/journal.py).
-- Each entry holds the seal of the entry before it, the digest of the protected
-- tables after its write, and its own seal (HMAC with the key file beside the
-- database). Entries written before this version are sealed when the database is
-- opened after the migration, and marked `legacy`.

ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR;
ALTER TABLE audit_log ADD COLUMN state_hash VARCHAR;
ALTER TABLE audit_log ADD COLUMN entry_hash VARCHAR;
ALTER TABLE audit_log ADD COLUMN legacy BOOLEAN DEFAULT false;

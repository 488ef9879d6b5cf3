-- Schema version 2: accounts with roles, failed log-in tracking.
-- A juror's account points at their row in `jurors`; `direction` and
-- `admin` accounts need not be jurors.

CREATE TABLE users (
    login           VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    role            VARCHAR NOT NULL CHECK (role IN ('jure', 'president', 'direction', 'admin')),
    organisation    VARCHAR,
    juror_id        VARCHAR,
    password_hash   VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    last_failed_at  TIMESTAMP
);

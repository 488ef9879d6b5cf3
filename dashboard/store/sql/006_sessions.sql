-- Schema version 6: sessions that survive a reload, and each person's working state.
-- A session is known by the SHA-256 digest of its token (the browser holds the token
-- itself, in an HttpOnly cookie); it ends at sign-out, after 30 minutes without the
-- person's activity, or when the account's password changes. Neither table is covered
-- by the journal: they hold no decision, only who is signed in and what they had open.

CREATE TABLE user_sessions (
    token_digest   VARCHAR PRIMARY KEY,
    login          VARCHAR NOT NULL,
    opened_at      TIMESTAMP NOT NULL,
    last_active_at TIMESTAMP NOT NULL,
    ended_at       TIMESTAMP,
    end_reason     VARCHAR CHECK (end_reason IN ('déconnexion', 'inactivité', 'mot de passe changé'))
);

-- What a person was working on, by name (`dashboard/core/workspace.py` says which names
-- and how each value is written), kept until they reset it.
CREATE TABLE working_state (
    login      VARCHAR NOT NULL,
    state_key  VARCHAR NOT NULL,
    value_json VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (login, state_key)
);

-- Schema version 5: the selection meeting (séance) as one shared record.
-- A call has at most one open séance (the store checks it, writes being run one
-- at a time). Every change bumps the séance's `version` (compare-and-set of the
-- president's moves) and the one-row `seance_clock` that every follower reads.

CREATE TABLE seances (
    seance_id          INTEGER PRIMARY KEY,
    call_id            VARCHAR NOT NULL,
    title              VARCHAR NOT NULL,
    place              VARCHAR,
    shortlist_size     INTEGER NOT NULL,
    opened_at          TIMESTAMP NOT NULL,
    opened_by          VARCHAR NOT NULL,
    closed_at          TIMESTAMP,
    closed_by          VARCHAR,
    current_dossier_id VARCHAR,
    version            INTEGER NOT NULL
);

-- Attendance of the call's jurors, as the president marks it; a juror present
-- is counted until their departure (`left_at`).
CREATE TABLE seance_attendance (
    seance_id  INTEGER NOT NULL,
    juror_id   VARCHAR NOT NULL,
    status     VARCHAR NOT NULL CHECK (status IN ('présent', 'absent', 'excusé')),
    arrived_at TIMESTAMP,
    left_at    TIMESTAMP,
    marked_by  VARCHAR NOT NULL,
    marked_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (seance_id, juror_id)
);

-- The agenda: ordered dossiers, why each is there, the dossier's rank when the
-- séance opened (under the jury's profile, the panel's ratings; NULL: not ranked),
-- and when it was discussed.
CREATE TABLE seance_agenda (
    seance_id    INTEGER NOT NULL,
    dossier_id   VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    opening_rank INTEGER,
    reason       VARCHAR NOT NULL CHECK (reason IN ('conteste', 'limite', 'autre', 'ajoute')),
    detail       VARCHAR NOT NULL,
    discussed_at TIMESTAMP,
    PRIMARY KEY (seance_id, dossier_id)
);

-- One row: `version` moves at every change of any séance, `openings` when one
-- opens, closes or reopens (what a page outside /seance needs to know).
CREATE TABLE seance_clock (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL,
    openings BIGINT NOT NULL
);
INSERT INTO seance_clock VALUES (1, 0, 0);

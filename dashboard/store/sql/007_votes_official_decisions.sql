-- Schema version 7: the séance's secret votes, its official weights and constraints in
-- versions, and decisions that carry the séance and the tally, with their history.

-- A vote on the dossier under discussion. While it is open its ballots are in the
-- server's memory only, under `ballot_box` (a random key); what is written is who took
-- part (`seance_vote_participation`) and, at the close, the tally: four counts, never a
-- ballot, and no time but the vote's opening and end.
CREATE TABLE seance_votes (
    vote_id     INTEGER PRIMARY KEY,
    seance_id   INTEGER NOT NULL,
    dossier_id  VARCHAR NOT NULL,
    ballot_box  VARCHAR NOT NULL,
    status      VARCHAR NOT NULL CHECK (status IN ('ouvert', 'clos', 'annulé')),
    opened_at   TIMESTAMP NOT NULL,
    opened_by   VARCHAR NOT NULL,
    ended_at    TIMESTAMP,
    ended_by    VARCHAR,
    void_reason VARCHAR,
    retenu      INTEGER,
    ajourne     INTEGER,
    non_retenu  INTEGER,
    abstention  INTEGER
);

-- Who voted (not what, nor when).
CREATE TABLE seance_vote_participation (
    vote_id  INTEGER NOT NULL,
    juror_id VARCHAR NOT NULL,
    PRIMARY KEY (vote_id, juror_id)
);

-- The séance's official weight profile and shortlist constraints: version 1 is copied
-- when the séance opens, every later version is the president's change (or a forcing).
-- `forcings` is the call's forcings as they stood, `change` says what changed.
CREATE TABLE seance_settings (
    seance_id  INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    profile    JSON NOT NULL,
    choices    JSON NOT NULL,
    forcings   JSON NOT NULL,
    change     VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (seance_id, version)
);

-- A decision now says in which séance it was taken (NULL: outside any), on which vote
-- (NULL: none), and, when it departs from the vote's plurality, why.
ALTER TABLE decisions ADD COLUMN seance_id INTEGER;
ALTER TABLE decisions ADD COLUMN vote_id INTEGER;
ALTER TABLE decisions ADD COLUMN departure VARCHAR;

-- Every decision ever recorded, the superseded ones too; `decisions` holds the current one.
CREATE TABLE decision_history (
    decision_no INTEGER PRIMARY KEY,
    call_id     VARCHAR NOT NULL,
    dossier_id  VARCHAR NOT NULL,
    decision    VARCHAR NOT NULL,
    rationale   VARCHAR NOT NULL,
    departure   VARCHAR,
    seance_id   INTEGER,
    vote_id     INTEGER,
    decided_by  VARCHAR NOT NULL,
    decided_at  TIMESTAMP NOT NULL
);
INSERT INTO decision_history
SELECT row_number() OVER (ORDER BY decided_at, call_id, dossier_id), call_id, dossier_id, decision, rationale,
       NULL, NULL, NULL, decided_by, decided_at
FROM decisions;

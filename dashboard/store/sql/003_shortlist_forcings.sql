-- Schema version 3: dossiers the panel forces into or out of the shortlist,
-- each with its justification (who and when are in the audit log too).

CREATE TABLE shortlist_forcings (
    call_id       VARCHAR NOT NULL,
    dossier_id    VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('force_in', 'force_out')),
    justification VARCHAR NOT NULL,
    decided_by    VARCHAR NOT NULL,
    decided_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (call_id, dossier_id)
);

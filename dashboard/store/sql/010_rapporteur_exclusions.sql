-- Schema version 10: the jurors the administration took off a dossier by hand (the juror
-- a swap replaced), whom a new assignment does not put back on it unless it is a reset.
CREATE TABLE rapporteur_exclusions (
    dossier_id  VARCHAR NOT NULL,
    juror_id    VARCHAR NOT NULL,
    excluded_by VARCHAR NOT NULL,
    excluded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dossier_id, juror_id)
);

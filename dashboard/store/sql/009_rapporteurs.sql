-- Schema version 9: the rapporteurs of each dossier, and each call's reading plan.
-- A rapporteur reads and rates the dossier first; `manual` marks a rapporteur the
-- administration put in by hand (a swap), which a new assignment keeps unless reset.
CREATE TABLE rapporteurs (
    dossier_id  VARCHAR NOT NULL,
    juror_id    VARCHAR NOT NULL,
    manual      BOOLEAN NOT NULL,
    assigned_by VARCHAR NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dossier_id, juror_id)
);

-- How the call's dossiers were shared: k rapporteurs per dossier, the cap per juror,
-- whether the president reads too, and whether only rapporteurs may rate.
CREATE TABLE rapporteur_plans (
    call_id          VARCHAR PRIMARY KEY,
    per_dossier      INTEGER NOT NULL CHECK (per_dossier >= 1),
    max_load         INTEGER CHECK (max_load >= 1),
    with_president   BOOLEAN NOT NULL,
    rapporteurs_only BOOLEAN NOT NULL,
    set_by           VARCHAR NOT NULL,
    set_at           TIMESTAMP NOT NULL
);

-- Schema version 1: the entities of the jury's work.
-- Applied by dashboard.store.migrations inside one transaction.

CREATE TABLE communes (
    insee_code        VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,
    population        INTEGER,
    population_source VARCHAR,
    departement_code  VARCHAR NOT NULL,
    departement_name  VARCHAR,
    region_code       VARCHAR,
    region_name       VARCHAR,
    epci_siren        VARCHAR,
    epci_name         VARCHAR,
    epci_population   INTEGER,
    lat               DOUBLE,
    lon               DOUBLE,
    overseas          BOOLEAN NOT NULL,
    nearest_hub       VARCHAR,
    dist_hub_km       DOUBLE,
    position_source   VARCHAR
);

CREATE TABLE calls (
    call_id    VARCHAR PRIMARY KEY,
    label      VARCHAR NOT NULL,
    opens_on   DATE,
    deadline   DATE,
    results_on DATE
);

CREATE TABLE criteria (
    criterion_id     VARCHAR PRIMARY KEY,
    criterion_group  VARCHAR NOT NULL,
    label            VARCHAR NOT NULL,
    unit             VARCHAR,
    direction        VARCHAR,
    lower            DOUBLE,
    upper            DOUBLE,
    derogation_lower DOUBLE,
    source           VARCHAR,
    description      VARCHAR,
    position         INTEGER NOT NULL
);

CREATE TABLE candidates (
    candidate_id    VARCHAR PRIMARY KEY,
    kind            VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    insee_code      VARCHAR NOT NULL,
    siren           VARCHAR,
    member_communes VARCHAR,
    population      INTEGER NOT NULL
);

CREATE TABLE dossiers (
    dossier_id          VARCHAR PRIMARY KEY,
    call_id             VARCHAR NOT NULL,
    candidate_id        VARCHAR NOT NULL,
    submitted_on        DATE,
    antenna_concept     VARCHAR,
    sectors             VARCHAR,
    partners            VARCHAR,
    summary             VARCHAR,
    historical_decision VARCHAR
);

CREATE TABLE criterion_values (
    dossier_id   VARCHAR NOT NULL,
    criterion_id VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    provenance   VARCHAR,
    PRIMARY KEY (dossier_id, criterion_id)
);

CREATE TABLE jurors (
    juror_id     VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    organisation VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    region       VARCHAR
);

-- The conflict-of-interest register: per juror and call, a declaration
-- (with or without conflicts) and the dossiers the juror is recused from.
CREATE TABLE conflict_declarations (
    juror_id      VARCHAR NOT NULL,
    call_id       VARCHAR NOT NULL,
    has_conflicts BOOLEAN NOT NULL,
    declared_on   DATE NOT NULL,
    PRIMARY KEY (juror_id, call_id)
);

CREATE TABLE recusals (
    juror_id    VARCHAR NOT NULL,
    dossier_id  VARCHAR NOT NULL,
    reason      VARCHAR,
    declared_on DATE NOT NULL,
    PRIMARY KEY (juror_id, dossier_id)
);

CREATE TABLE ratings (
    juror_id     VARCHAR NOT NULL,
    dossier_id   VARCHAR NOT NULL,
    criterion_id VARCHAR NOT NULL,
    score        INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment      VARCHAR,
    rated_at     TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL,
    PRIMARY KEY (juror_id, dossier_id, criterion_id)
);

CREATE TABLE weight_profiles (
    name       VARCHAR NOT NULL,
    call_id    VARCHAR NOT NULL,
    owner      VARCHAR NOT NULL,
    spec       JSON NOT NULL,
    saved_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (name, call_id)
);

CREATE TABLE decisions (
    call_id    VARCHAR NOT NULL,
    dossier_id VARCHAR NOT NULL,
    decision   VARCHAR NOT NULL,
    rationale  VARCHAR NOT NULL,
    decided_by VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    PRIMARY KEY (call_id, dossier_id)
);

CREATE SEQUENCE audit_seq START 1;

-- Append-only: the store exposes no update or delete on this table.
CREATE TABLE audit_log (
    audit_id  BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    occurred_at TIMESTAMP NOT NULL,
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    entity    VARCHAR NOT NULL,
    entity_id VARCHAR,
    before    JSON,
    after     JSON
);

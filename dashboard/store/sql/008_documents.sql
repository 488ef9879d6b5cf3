-- Schema version 8: the documents of each dossier (the town's application, its budget…),
-- kept in the database itself so that a backup and a restore keep them whole.
-- `sha256` is the digest of `content`: the journal's state digest covers every column but
-- `content` (a 20 Mo file read at every check), and `jury audit --verify` recomputes the
-- digest of each content against it. The same file twice on a dossier is one document.
CREATE TABLE dossier_documents (
    document_id INTEGER PRIMARY KEY,
    dossier_id  VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('pdf', 'xlsx', 'ods', 'docx', 'odt')),
    size_bytes  BIGINT NOT NULL,
    sha256      VARCHAR NOT NULL,
    added_by    VARCHAR NOT NULL,
    added_at    TIMESTAMP NOT NULL,
    content     BLOB NOT NULL,
    UNIQUE (dossier_id, sha256),
    UNIQUE (dossier_id, file_name)
);

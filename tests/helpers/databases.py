"""Database files for a test: a copy with the journal's key that goes with it, and a file
left at an older schema version."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from dashboard.store.base import PROTECTED_TABLES
from dashboard.store.database import CHAIN_VERSION, load_communes, migrations
from dashboard.store.journal import key_path

# The journal's columns before it became a chain (schema 3 and earlier).
LEGACY_JOURNAL = "audit_id, occurred_at, actor, action, entity, entity_id, before, after"


def copy_database(source: Path, target: Path) -> Path:
    """Copy the DuckDB file and its journal key (as an operator copies a base); returns `target`."""
    shutil.copyfile(source, target)
    shutil.copyfile(key_path(source), key_path(target))
    key_path(target).chmod(0o600)  # as the application writes it
    return target


def older_schema_file(path: Path, source: Path, version: int) -> int:
    """A file as the application left it at schema `version`, built with only the first `version`
    migrations and filled with `source`'s protected tables that schema had and its journal (the
    sequence moved on as writes move it); returns the journal's length. Before the chain
    (`CHAIN_VERSION`) the journal keeps its legacy columns; from it on, the chained journal is
    copied whole with the key that sealed it."""
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMP NOT NULL)")
        for number, name, sql in migrations()[:version]:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [number, name])
        load_communes(con)
        present = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        con.execute("ATTACH ? AS source (READ_ONLY)", [str(source)])
        for table in PROTECTED_TABLES:
            if table in present:  # the columns that schema had (a later one may add some)
                columns = ", ".join(row[0] for row in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                    "AND table_name = ? ORDER BY column_index", [table]).fetchall())
                con.execute(f"INSERT INTO {table} SELECT {columns} FROM source.{table}")
        if version >= CHAIN_VERSION:
            con.execute("INSERT INTO audit_log SELECT * FROM source.audit_log")
            shutil.copyfile(key_path(source), key_path(path))
            key_path(path).chmod(0o600)
        else:
            con.execute(f"INSERT INTO audit_log SELECT {LEGACY_JOURNAL} FROM source.audit_log")
        con.execute("SELECT nextval('audit_seq') FROM source.audit_log").fetchall()
        count = con.execute("SELECT count(*) FROM audit_log").fetchall()[0][0]
        con.execute("DETACH source")
        return int(count)
    finally:
        con.close()

"""Every table of a store file, hashed: a refused import must leave each one as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from dashboard.errors import ImportRejected
from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR


def table_digests(cursor: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """SHA-256 of each table's rows (journal, accounts and reference data included)."""
    tables = [name for (name,) in cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()]
    digests = {}
    for table in tables:
        digest = hashlib.sha256()
        for row in cursor.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall():
            digest.update(repr(row).encode())
        digests[table] = digest.hexdigest()
    return digests


def refused_import(path: Path, store: Store, database: Database) -> list[str]:
    """The problems of a refused import, after checking that no table changed (journal included)."""
    before = table_digests(database.cursor())
    with pytest.raises(ImportRejected) as info:
        import_file(path, store, actor=OPERATOR)
    assert table_digests(database.cursor()) == before, "a refused import must leave every table as it was"
    return [str(p) for p in info.value.problems]

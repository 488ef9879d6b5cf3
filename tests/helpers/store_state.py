"""Every table of a store file, hashed: a refused import must leave each one as it was."""

from __future__ import annotations

import hashlib

import duckdb


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

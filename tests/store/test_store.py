"""The DuckDB store on a temporary file: migrations, locking, reference communes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dashboard.errors import DatabaseLockedError, SchemaTooNewError
from dashboard.services.importer import import_file
from dashboard.store import Database, schema_version
from dashboard.store.access import OPERATOR
from dashboard.store.database import CHAIN_VERSION, LATEST_VERSION, migrations
from tests.helpers.databases import older_schema_file


def test_new_file_gets_every_migration_and_reference_communes(tmp_path: Path) -> None:
    db = Database(tmp_path / "new.duckdb")
    try:
        cur = db.cursor()
        assert schema_version(cur) == LATEST_VERSION
        names = [row[0] for row in cur.execute("SELECT name FROM schema_version ORDER BY version").fetchall()]
        assert names == [name for _, name, _ in migrations()]
        communes = db.store().communes().set_index("insee_code")
        assert communes.loc["15014", "name"] == "Aurillac"
        assert communes.loc["97412", "overseas"]
        assert not communes.loc["68297", "overseas"]
    finally:
        db.close()


def test_reopening_applies_nothing_and_keeps_data(tmp_path: Path, tiny_workbook: Path) -> None:
    path = tmp_path / "keep.duckdb"
    db = Database(path)
    import_file(tiny_workbook, db.store(), actor=OPERATOR)
    before = db.store().content_hash()
    db.close()
    db = Database(path)
    try:
        assert not db.is_new
        assert db.store().content_hash() == before
        assert schema_version(db.cursor()) == LATEST_VERSION
    finally:
        db.close()


def test_older_file_is_migrated_on_open(tmp_path: Path) -> None:
    """A file at schema 0 (created by hand, no tables) is brought to the latest schema."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE unrelated (x INTEGER)")
    con.close()
    db = Database(path)
    try:
        assert schema_version(db.cursor()) == LATEST_VERSION
    finally:
        db.close()


def test_file_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.duckdb"
    Database(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (?, 'from_the_future', now())", [LATEST_VERSION + 1])
    con.close()
    with pytest.raises(SchemaTooNewError, match="plus récent"):
        Database(path)


def test_second_process_gets_a_french_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    db = Database(path)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dashboard", "summary", "--db", str(path)],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        db.close()
    assert result.returncode == 2
    assert "déjà ouverte par un autre processus" in result.stderr
    assert f"(n° {os.getpid()})" in result.stderr  # the process to stop, named
    assert "Arrêtez-le avant de continuer." in result.stderr
    assert "Conflicting lock" not in result.stderr  # DuckDB's English stays out
    assert "Traceback" not in result.stderr


def test_the_journal_is_folded_into_the_file_while_the_database_is_open(tmp_path: Path,
                                                                        tiny_workbook: Path) -> None:
    """Nothing the process's own connection read at open keeps a transaction open: DuckDB can
    checkpoint while the server runs (it could not when a migration check left its result
    unread, so the journal beside the file grew until the server stopped)."""
    path = tmp_path / "open.duckdb"
    Database(path).close()
    db = Database(path)  # an existing file, as at every server start
    try:
        import_file(tiny_workbook, db.store(), actor=OPERATOR)
        assert path.with_name("open.duckdb.wal").stat().st_size > 0
        db.cursor().execute("CHECKPOINT")
        wal = path.with_name("open.duckdb.wal")
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        db.close()


def test_locked_error_type(tmp_path: Path) -> None:
    path = tmp_path / "locked2.duckdb"
    script = (
        "import sys, time; from dashboard.store import Database; db = Database(sys.argv[1]); "
        "print('ready', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseLockedError):
            Database(path)
    finally:
        holder.kill()
        holder.wait()


def test_second_server_on_the_same_file_stops_with_a_french_message(tmp_path: Path) -> None:
    path = tmp_path / "served.duckdb"
    db = Database(path)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dashboard", "serve", "--db", str(path), "--port", "8765",
             "--address", "127.0.0.1"],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        db.close()
    assert result.returncode == 2
    assert "déjà ouverte par un autre processus" in result.stderr
    assert "Traceback" not in result.stderr


def test_each_older_schema_upgrades_and_keeps_its_data(tmp_path: Path, tiny_workbook: Path) -> None:
    """A file left at each earlier schema version (built with only the first k migrations,
    then filled) opens at the latest version with its data intact."""
    reference = tmp_path / "reference.duckdb"
    db = Database(reference)
    import_file(tiny_workbook, db.store(), actor=OPERATOR)
    rows = db.cursor().execute("SELECT * FROM ratings ORDER BY ALL").fetchall()
    db.close()
    for version in range(1, LATEST_VERSION):
        path = tmp_path / f"schema_{version}.duckdb"
        legacy_entries = older_schema_file(path, reference, version)
        assert legacy_entries >= 1  # the import, at least
        upgraded = Database(path)
        try:
            cur = upgraded.cursor()
            assert schema_version(cur) == LATEST_VERSION
            assert cur.execute("SELECT * FROM ratings ORDER BY ALL").fetchall() == rows
            assert upgraded.store().summary()[0]["dossiers"] == 3
            assert cur.execute("SELECT count(*) FROM users").fetchone()[0] == 0  # table of schema 2
            assert cur.execute("SELECT count(*) FROM shortlist_forcings").fetchone()[0] == 0  # schema 3
            verdict = upgraded.store().verify_journal(OPERATOR)
            assert verdict.intact, verdict.report()
            # entries written before the chain are sealed as legacy ones; then the migration's entry
            assert verdict.legacy == (legacy_entries if version < CHAIN_VERSION else 0)
            assert verdict.entries == legacy_entries + 1
        finally:
            upgraded.close()

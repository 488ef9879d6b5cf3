"""Backups: a copy of the open database checked before it counts, the server's automatic
copies on a fake clock, the list the administration page shows, and restore."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from dashboard.errors import BackupError, DatabaseLockedError
from dashboard.services.backups import (
    KEPT_AUTOMATIC,
    AutoBackup,
    CopyCheck,
    backup_folder,
    check_copy,
    list_backups,
    make_backup,
    restore,
)
from dashboard.services.importer import import_file
from dashboard.store import LATEST_VERSION, Database, Store
from dashboard.store.access import OPERATOR
from dashboard.store.base import writes_held
from dashboard.store.journal import key_path
from tests.helpers.databases import copy_database, older_schema_file

START = datetime(2026, 12, 1, 9, 0)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def filled(database: Database, store: Store, tiny_workbook: Path) -> Database:
    import_file(tiny_workbook, store, actor=OPERATOR)
    return database


def _rate(store: Store, score: int) -> None:
    """One more write: a weight profile saved."""
    store.save_weight_profile(OPERATOR, "AMI1", f"profil {score}", {"method": "wsm", "weights": {"c": score}})


def test_a_backup_is_a_checked_copy_with_its_key(filled: Database, tmp_path: Path) -> None:
    target = tmp_path / "copie.duckdb"
    check = make_backup(filled, target)
    source = filled.store()
    assert check.counts == source.row_counts() and check.matches_source
    assert check.schema_version == LATEST_VERSION
    assert check.journal_head == source.journal_head()
    assert key_path(target).read_bytes() == key_path(filled.path).read_bytes()
    assert _mode(key_path(target)) == 0o600
    assert "autant que dans la base copiée" in check.lines()[0]
    copy = Database(target)
    try:
        assert copy.store().summary() == source.summary()
        assert copy.store().verify_journal(OPERATOR).intact
    finally:
        copy.close()


def test_a_backup_never_overwrites_a_file(filled: Database, tmp_path: Path) -> None:
    target = tmp_path / "copie.duckdb"
    target.write_bytes(b"autre chose")
    with pytest.raises(BackupError, match="existe déjà"):
        make_backup(filled, target)
    assert target.read_bytes() == b"autre chose"
    assert not key_path(target).exists()


def test_writes_wait_while_a_copy_is_made_and_land_after_it(filled: Database) -> None:
    """The copy is made between two writes: a write asked for meanwhile waits, then lands."""
    store = filled.store()
    before = store.row_counts()["weight_profiles"]
    writer = threading.Thread(target=_rate, args=(filled.store(), 3))
    with writes_held():
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive()                      # blocked: nothing written during the copy
        assert store.row_counts()["weight_profiles"] == before  # reads go on
    writer.join()
    assert store.row_counts()["weight_profiles"] == before + 1


def test_a_copy_changed_outside_the_application_is_refused(filled: Database, tmp_path: Path) -> None:
    target = tmp_path / "copie.duckdb"
    make_backup(filled, target)
    con = duckdb.connect(str(target))
    con.execute("UPDATE ratings SET score = 1")
    con.close()
    with pytest.raises(BackupError, match="modifiée hors de l'application"):
        check_copy(target)


def test_automatic_backups_follow_the_clock_and_the_changes(filled: Database) -> None:
    now = [START]
    auto = AutoBackup(filled, clock=lambda: now[0])
    store = filled.store()

    now[0] = START + timedelta(minutes=14)
    _rate(store, 1)
    assert auto.tick() is None                       # changed, but not 15 minutes yet
    now[0] = START + timedelta(minutes=15)
    first = auto.tick()
    assert first is not None and first.name == "sauvegarde_jury_auto_2026-12-01_09h15.duckdb"
    assert first.parent == backup_folder(filled.path) and _mode(first.parent) == 0o700
    assert key_path(first).exists()
    now[0] = START + timedelta(minutes=45)
    assert auto.tick() is None                       # nothing changed since
    _rate(store, 2)
    now[0] = START + timedelta(minutes=46)
    second = auto.tick()                             # changed, and due since 09h30
    assert second is not None and second.name.endswith("_09h46.duckdb")
    _rate(store, 3)
    now[0] = START + timedelta(minutes=55)
    assert auto.tick() is None                       # changed, but 9 minutes after the last copy
    now[0] = START + timedelta(minutes=61)
    assert auto.tick() is not None

    for step in range(KEPT_AUTOMATIC):              # 12 more, 15 in all: the first three go
        _rate(store, 10 + step)
        now[0] += timedelta(minutes=15)
        assert auto.tick() is not None
    automatic = [backup for backup in list_backups(filled.path) if backup.automatic]
    assert len(automatic) == KEPT_AUTOMATIC == 12
    assert automatic[0].made_at == now[0] and automatic[-1].made_at == START + timedelta(minutes=76)
    assert not first.exists() and not key_path(first).exists() and not second.exists()
    assert len(list(backup_folder(filled.path).glob("*.journal.key"))) == 12


def test_a_failed_automatic_copy_is_consigned_and_tried_again(filled: Database, monkeypatch) -> None:
    now = [START]
    auto = AutoBackup(filled, clock=lambda: now[0])
    _rate(filled.store(), 1)
    now[0] = START + timedelta(minutes=15)
    consigned: list[str] = []
    monkeypatch.setattr("dashboard.services.backups.record_incident",
                        lambda exc, where: consigned.append(f"{where}: {exc}") or "REF")
    def full_disk(_target: Path) -> dict[str, int]:
        raise OSError("disque plein")

    monkeypatch.setattr(filled, "copy_to", full_disk)
    stop = threading.Event()
    runner = threading.Thread(target=auto.run, args=(stop, 0.01))
    runner.start()
    try:
        while not consigned:
            stop.wait(0.01)
    finally:
        stop.set()
        runner.join()
    assert consigned[0] == "sauvegarde automatique: disque plein"
    assert list_backups(filled.path) == []
    monkeypatch.undo()
    assert auto.tick() is not None                   # due still: the next tick makes it


def _no(_check: CopyCheck) -> bool:
    return False


def _yes(_check: CopyCheck) -> bool:
    return True


def test_restore_keeps_the_current_database_then_puts_the_copy_in_place(filled: Database, tmp_path: Path) -> None:
    copy = tmp_path / "copie.duckdb"
    make_backup(filled, copy)
    expected = filled.store().summary()
    _rate(filled.store(), 7)                          # the current database moves on
    current_head = filled.store().journal_head()
    db_path = filled.path
    filled.close()

    assert restore(db_path, copy, _no) is None        # not confirmed: nothing changed
    reopened = Database(db_path)
    assert reopened.store().journal_head() == current_head
    reopened.close()

    restored = restore(db_path, copy, _yes, clock=lambda: START)
    assert restored is not None and restored.kept is not None
    assert restored.kept.name == "sauvegarde_jury_avant-restauration_2026-12-01_09h00.duckdb"
    assert key_path(restored.kept).exists()
    database = Database(db_path)
    try:
        assert database.store().summary() == expected
        assert database.store().verify_journal(OPERATOR).intact
    finally:
        database.close()
    kept = Database(restored.kept)                     # the replaced database, whole
    try:
        assert kept.store().journal_head() == current_head
    finally:
        kept.close()
    again = restore(db_path, copy, _yes, clock=lambda: START)
    assert again is not None and again.kept is not None
    assert again.kept.name == "sauvegarde_jury_avant-restauration-2_2026-12-01_09h00.duckdb"
    kinds = {backup.path.name: backup.kind() for backup in list_backups(db_path)}
    assert set(kinds.values()) == {"avant restauration"}
    assert not list(backup_folder(db_path).glob(".restauration*"))


def test_restore_takes_the_database_key_when_the_copy_has_none(filled: Database, tmp_path: Path) -> None:
    copy = tmp_path / "telechargee.duckdb"
    make_backup(filled, copy)
    key_path(copy).unlink()                            # as downloaded from the administration page
    db_path = filled.path
    filled.close()
    assert restore(db_path, copy, _yes) is not None
    database = Database(db_path)
    assert database.store().verify_journal(OPERATOR).intact
    database.close()


def test_restore_refuses_a_damaged_file_and_changes_nothing(filled: Database, tmp_path: Path) -> None:
    copy = tmp_path / "copie.duckdb"
    make_backup(filled, copy)
    content = copy.read_bytes()
    copy.write_bytes(content[: len(content) // 2])
    db_path = filled.path
    filled.close()
    before = db_path.read_bytes()
    with pytest.raises(BackupError, match="n'est pas une copie utilisable de la base : Base endommagée"):
        restore(db_path, copy, _yes)
    assert db_path.read_bytes() == before
    assert [path.name for path in backup_folder(db_path).iterdir()] == []
    with pytest.raises(BackupError, match="introuvable"):
        restore(db_path, tmp_path / "absente.duckdb", _yes)


def test_restore_brings_an_older_copy_to_the_current_schema(demo_database_file: Path, tmp_path: Path) -> None:
    source = copy_database(demo_database_file, tmp_path / "source.duckdb")
    older = tmp_path / "ancienne.duckdb"
    older_schema_file(older, source, 3)
    restored = restore(tmp_path / "jury.duckdb", older, _yes)
    assert restored is not None and restored.kept is None and restored.check.schema_version == LATEST_VERSION
    assert older.exists() and key_path(tmp_path / "jury.duckdb").exists()


def test_restore_refuses_a_database_another_process_holds(filled: Database, tmp_path: Path) -> None:
    copy = tmp_path / "copie.duckdb"
    make_backup(filled, copy)
    db_path = filled.path
    filled.close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('ouverte', flush=True); sys.stdin.read()", str(db_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ouverte"
        with pytest.raises(DatabaseLockedError, match="déjà ouverte par un autre processus"):
            restore(db_path, copy, _yes)
    finally:
        holder.communicate("", timeout=30)
    assert not backup_folder(db_path).exists() or not any(backup_folder(db_path).iterdir())

"""Copies of the database: made while the server serves, checked before they count,
kept automatically, listed, and restored.

- `make_backup` copies the open database between two writes (`Database.copy_to`),
  puts the journal's key beside the copy (`<copy>.journal.key`, mode 0600), then
  reopens the copy and checks it (`check_copy`: schema version, the row count of every
  table, the journal's verification) before anyone is told it exists.
- `AutoBackup` runs in the server: every `BACKUP_INTERVAL` when data changed, a copy
  in the folder beside the database (`backup_folder`: `data/jury.sauvegardes/` for
  `data/jury.duckdb`, mode 0700), the last `KEPT_AUTOMATIC` automatic copies kept.
- `restore` replaces a stopped database by a checked copy, the replaced one kept in
  that folder first (nothing is ever lost by a restore).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dashboard.core.filenames import AUTO_SCOPE, BACKUP_KIND, BEFORE_RESTORE_SCOPE, backup_file_name
from dashboard.core.formatting import fr_datetime, fr_number, fr_size
from dashboard.errors import BackupError, JuryError
from dashboard.services.incidents import record_incident
from dashboard.store import LATEST_VERSION, Database, check_free
from dashboard.store.access import OPERATOR
from dashboard.store.journal import key_path

BACKUP_INTERVAL = timedelta(minutes=15)
KEPT_AUTOMATIC = 12
FOLDER_SUFFIX = ".sauvegardes"
# How often the server looks whether a copy is due.
POLL_SECONDS = 30.0

_NAME = re.compile(rf"^{BACKUP_KIND}_.+_(?P<scope>[^_]+)_(?P<at>\d{{4}}-\d\d-\d\d_\d\dh\d\d)\.duckdb$")


def backup_folder(db_path: Path) -> Path:
    """`data/jury.duckdb` → `data/jury.sauvegardes`."""
    return db_path.with_name(db_path.stem + FOLDER_SUFFIX)


def prepared_folder(folder: Path) -> Path:
    """`folder`, created if need be, readable by its owner only (copies hold every account's hash)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


@dataclass(frozen=True)
class CopyCheck:
    """What the check of a copy found: all of it held, or the copy was refused."""

    path: Path
    schema_version: int
    counts: dict[str, int]
    journal_entries: int
    journal_head: str | None
    size: int
    # Whether the row counts were compared with those of the database copied.
    matches_source: bool

    def lines(self) -> list[str]:
        rows = sum(self.counts.values())
        return [f"Copie vérifiée : schéma version {self.schema_version}, {len(self.counts)} tables, "
                f"{fr_number(rows)} lignes{', autant que dans la base copiée' if self.matches_source else ''} ;",
                f"journal intact ({fr_number(self.journal_entries)} entrée{'s' if self.journal_entries > 1 else ''}), "
                f"empreinte de tête : "
                f"{self.journal_head or '—'}"]


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _companions(path: Path) -> tuple[Path, Path, Path]:
    """A database file with its journal's key and its write-ahead log."""
    return path, key_path(path), path.with_name(path.name + ".wal")


def write_new_private(path: Path, content: bytes) -> None:
    """Write a file that must not exist yet, readable by its owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def _copy_key(source: Path, target: Path) -> None:
    """The journal's key of one file beside another (0600, never over an existing one)."""
    write_new_private(target, source.read_bytes())


def check_copy(path: Path, expected_counts: dict[str, int] | None = None) -> CopyCheck:
    """Open the copy `path` (its key beside it) and check it: schema version, the row
    counts (when the source's are given), the journal's verification. Raises BackupError.
    Opening may bring an older copy to the current schema: check only a file of ours."""
    try:
        database = Database(path)
    except JuryError as exc:
        raise BackupError(f"« {path.name} » n'est pas une copie utilisable de la base : {exc}") from exc
    try:
        version = database.schema_version()
        store = database.store()
        counts = store.row_counts()
        verdict = store.verify_journal(OPERATOR)
        outside_change = database.outside_change_found
    finally:
        database.close()
    if version != LATEST_VERSION:
        raise BackupError(f"« {path.name} » est au schéma version {version}, l'application au {LATEST_VERSION}.")
    if outside_change:
        raise BackupError(f"« {path.name} » a été modifiée hors de l'application depuis sa dernière écriture "
                          "journalisée : elle n'est pas restaurée (voir « jury audit --verify --db … »).")
    if expected_counts is not None and counts != expected_counts:
        differing = sorted(table for table in set(counts) | set(expected_counts)
                           if counts.get(table) != expected_counts.get(table))
        raise BackupError(f"La copie « {path.name} » n'a pas les mêmes lignes que la base (tables : "
                          f"{', '.join(differing)}) : elle est écartée.")
    if not verdict.intact:
        raise BackupError(f"Le journal de « {path.name} » ne passe pas la vérification : {verdict.problems[0]}")
    return CopyCheck(path, version, counts, verdict.entries, verdict.head, path.stat().st_size,
                     expected_counts is not None)


def make_backup(database: Database, target: Path) -> CopyCheck:
    """Copy the open `database` into the new file `target`, its journal key beside it,
    and check the copy; a copy that fails its check is removed."""
    if any(path.exists() for path in _companions(target)):
        raise BackupError(f"« {target} » existe déjà : rien n'a été écrit.")
    try:
        counts = database.copy_to(target)
        if key_path(database.path).exists():
            _copy_key(key_path(database.path), key_path(target))
        return check_copy(target, counts)
    except BaseException:
        _remove(*_companions(target))
        raise


@dataclass(frozen=True)
class BackupFile:
    """One copy in the backup folder, as the administration page lists it."""

    path: Path
    made_at: datetime
    size: int
    automatic: bool

    def kind(self) -> str:
        if self.automatic:
            return "automatique"
        return "avant restauration" if BEFORE_RESTORE_SCOPE in self.path.name else "à la demande"

    def label(self) -> str:
        return f"{fr_datetime(self.made_at)} — {self.kind()} — {fr_size(self.size)}"


def list_backups(db_path: Path) -> list[BackupFile]:
    """The copies in the database's backup folder, newest first."""
    folder = backup_folder(db_path)
    found = []
    for path in folder.glob(f"{BACKUP_KIND}_*.duckdb") if folder.is_dir() else []:
        match, status = _NAME.match(path.name), path.stat()
        made_at = (datetime.strptime(match.group("at"), "%Y-%m-%d_%Hh%M") if match
                   else datetime.fromtimestamp(status.st_mtime))
        automatic = match is not None and match.group("scope") == AUTO_SCOPE
        found.append(BackupFile(path, made_at, status.st_size, automatic))
    return sorted(found, key=lambda backup: (backup.made_at, backup.path.name), reverse=True)


def _free_name(folder: Path, stem: str, scope: str, at: datetime) -> Path:
    """A backup name in `folder` no file has yet (« avant-restauration-2 » after the first)."""
    candidate, number = folder / backup_file_name(stem, scope, at), 2
    while any(path.exists() for path in _companions(candidate)):
        candidate, number = folder / backup_file_name(stem, f"{scope}-{number}", at), number + 1
    return candidate


def prune(db_path: Path, keep: int = KEPT_AUTOMATIC) -> list[Path]:
    """Remove the automatic copies beyond the `keep` newest (with their keys); those removed."""
    automatic = [backup for backup in list_backups(db_path) if backup.automatic]
    removed = [backup.path for backup in automatic[keep:]]
    for path in removed:
        _remove(*_companions(path))
    return removed


class AutoBackup:
    """The server's automatic copies: `tick()` makes one when `interval` has passed since the
    last (or since the start) and data changed since; `run()` ticks until told to stop."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = datetime.now,
                 interval: timedelta = BACKUP_INTERVAL, keep: int = KEPT_AUTOMATIC) -> None:
        self.database = database
        self.clock = clock
        self.interval = interval
        self.keep = keep
        self.last_at = clock()
        self.last_version = database.store().data_version()

    def tick(self) -> Path | None:
        """Make the copy that is due, if one is; its path."""
        now = self.clock()
        if now - self.last_at < self.interval:
            return None
        version = self.database.store().data_version()
        if version == self.last_version:
            return None
        folder = prepared_folder(backup_folder(self.database.path))
        target = _free_name(folder, self.database.path.stem, AUTO_SCOPE, now)
        make_backup(self.database, target)
        self.last_at, self.last_version = now, version
        prune(self.database.path, self.keep)
        return target

    def run(self, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Tick every `poll_seconds` until `stop` is set; a failed copy goes to the incident log
        and the next tick tries again."""
        while not stop.wait(poll_seconds):
            try:
                self.tick()
            except Exception as exc:
                record_incident(exc, where="sauvegarde automatique")


@dataclass(frozen=True)
class Restored:
    """What a restore did: the copy put in place, and where the replaced database went."""

    check: CopyCheck
    kept: Path | None


def restore(db_path: Path, source: Path, confirm: Callable[[CopyCheck], bool],
            clock: Callable[[], datetime] = datetime.now) -> Restored | None:
    """Replace the database `db_path` (no process may hold it) by the copy `source`.

    The copy is taken into the backup folder with its key (beside it, else the current
    database's) and checked there; `confirm` sees what it holds and may stop here (None).
    The database replaced, its key and any journal of it are then kept in the backup folder
    under a « avant-restauration » name, and the checked copy takes its place."""
    if not source.is_file():
        raise BackupError(f"Sauvegarde introuvable : « {source} ».")
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise BackupError(f"« {source} » est la base elle-même : choisissez une sauvegarde.")
    check_free(db_path)
    folder = prepared_folder(backup_folder(db_path))
    staging = folder / f".restauration-{os.getpid()}.duckdb"
    _remove(*_companions(staging))
    try:
        shutil.copyfile(source, staging)
        for key in (key_path(source), key_path(db_path)):
            if key.exists():
                _copy_key(key, key_path(staging))
                break
        check = check_copy(staging)
        if not confirm(check):
            return None
        check_free(db_path)
        kept = None
        if db_path.exists():
            kept = _free_name(folder, db_path.stem, BEFORE_RESTORE_SCOPE, clock())
            for current, keeping in zip(_companions(db_path), _companions(kept), strict=True):
                if current.exists():
                    os.replace(current, keeping)
        os.replace(staging, db_path)
        if key_path(staging).exists():
            os.replace(key_path(staging), key_path(db_path))
        return Restored(check, kept)
    finally:
        _remove(*_companions(staging))

"""The DuckDB file: opening it once per process, checking it is whole, schema
migrations, the journal's key and its checks at opening, stores on cursors, and
reopening it after a fatal error.

Schema files live in `sql/NNN_name.sql` beside this module and are applied in
order, each in one transaction, and recorded in `schema_version`. A database
whose version is newer than the code is refused, and so is a file that cannot be
read whole (truncated, corrupt, or not a DuckDB database). Reference communes are
loaded from the package data (`dashboard/resources/communes.csv`) when the table
is empty.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.core.formatting import fr_number
from dashboard.errors import (
    DamagedDatabaseError,
    DatabaseFailedError,
    DatabaseLockedError,
    SchemaTooNewError,
    StoreError,
)
from dashboard.resources import COMMUNES, resource
from dashboard.store import journal
from dashboard.store.base import writes_held
from dashboard.store.failures import is_damaged, is_fatal, is_locked, lock_holder, rollback_quietly, translate
from dashboard.store.store import Store

DEFAULT_DB_NAME = Path("data") / "jury.duckdb"

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

# A DuckDB file starts with three 4 KiB headers, then holds its blocks.
_FILE_HEADERS_BYTES = 3 * 4096
DAMAGED_ADVICE = "Restaurez une sauvegarde de la base (ou recréez-la avec « jury init » si elle est neuve)."


def default_db_path() -> Path:
    """The database file: `$JURY_DB` when set, else `data/jury.duckdb` under the working directory."""
    return Path(os.environ.get("JURY_DB") or Path.cwd() / DEFAULT_DB_NAME)


def migrations() -> list[tuple[int, str, str]]:
    """Every schema file as (version, name, sql), in version order."""
    found = []
    for entry in resources.files("dashboard.store").joinpath("sql").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"Fichiers de schéma mal numérotés : {versions}")
    return found


LATEST_VERSION = len(migrations())
# From this schema version on, the journal is a chain (`sql/004_journal_chain.sql`).
CHAIN_VERSION = 4


def _damaged(path: Path, reason: str) -> DamagedDatabaseError:
    return DamagedDatabaseError(f"Base endommagée : « {path} » {reason}. {DAMAGED_ADVICE}")


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, translating a lock held by another process and a damaged file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), config={"autoinstall_known_extensions": False})
    except duckdb.Error as exc:
        if is_locked(exc):
            holder = lock_holder(exc)
            raise DatabaseLockedError(
                f"La base « {path} » est déjà ouverte par un autre processus"
                f"{f' (n° {holder})' if holder else ''} : un serveur « jury serve » ou une "
                "commande « jury » en cours. Arrêtez-le avant de continuer."
            ) from exc
        if is_damaged(exc):
            raise _damaged(path, "n'est pas un fichier DuckDB lisible en entier (tronqué, corrompu "
                                 "ou d'un autre format)") from exc
        raise StoreError(f"Impossible d'ouvrir la base « {path} » : {exc}") from exc


def check_free(path: Path) -> None:
    """Raise DatabaseLockedError when another process holds `path` open (a file that
    cannot be opened for another reason, damaged for one, is not held)."""
    if not path.exists():
        return
    try:
        connect(path).close()
    except DatabaseLockedError:
        raise
    except StoreError:
        return


def check_whole(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a file that DuckDB opened but cannot read whole.

    A file cut short can still open (its catalogue is read, its tables later): its
    size must hold every block in use (free blocks at its end are cut off when DuckDB
    checkpoints), and every column of every table is read once, which also checks each
    block's checksum (about 20 ms on the demo)."""
    try:
        block_size, blocks = con.execute(
            "SELECT block_size, total_blocks - free_blocks FROM pragma_database_size() "
            "WHERE database_name = current_database()").fetchall()[0]
        expected = _FILE_HEADERS_BYTES + int(block_size) * int(blocks) if blocks else 0
        if path.stat().st_size < expected:
            raise _damaged(path, f"est tronquée ({fr_number(path.stat().st_size)} octets au lieu d'au moins "
                                 f"{fr_number(expected)} octets)")
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        for table in tables:
            con.execute(f'SELECT max(hash(COLUMNS(*))) FROM "{table}"').fetchall()
    except duckdb.Error as exc:
        raise _damaged(path, "ne peut pas être lue en entier (bloc illisible ou corrompu)") from exc


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The single integer a `SELECT count(*)`-like query returns.

    The result is read to its end (`fetchall`): a result left open keeps its transaction
    open, and an open transaction on the process's main connection stops DuckDB from ever
    checkpointing its journal into the file."""
    rows = con.execute(sql).fetchall()
    if not rows:  # an aggregate always returns one row
        raise StoreError(f"Requête sans résultat : {sql}")
    return int(rows[0][0])


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The file's schema version (0 for a new file)."""
    exists = _count(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
    if not exists:
        return 0
    return _count(con, "SELECT coalesce(max(version), 0) FROM schema_version")


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Bring the schema up to date; return the versions applied."""
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise SchemaTooNewError(
            f"La base est au schéma {current}, plus récent que celui de l'application "
            f"({LATEST_VERSION}) : mettez l'application à jour."
        )
    applied = []
    for version, name, sql in migrations():
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, datetime.now()]
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            rollback_quietly(con)
            raise translate(exc, f"Migration {version:03d}_{name} impossible") from exc
        applied.append(version)
    return applied


def load_communes(con: duckdb.DuckDBPyConnection) -> int:
    """Fill the reference communes from the package's extract when the table is empty."""
    if _count(con, "SELECT count(*) FROM communes"):
        return 0
    with resource(COMMUNES).open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"insee_code": str, "departement_code": str,
                                           "region_code": str, "epci_siren": str})
    columns = [row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'communes' ORDER BY ordinal_position").fetchall()]
    frame = frame.reindex(columns=columns)
    frame["overseas"] = frame["overseas"].astype(bool)
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("incoming_communes", frame)
        con.execute("INSERT INTO communes SELECT * FROM incoming_communes")
        con.unregister("incoming_communes")
        con.execute("COMMIT")
    except duckdb.Error as exc:
        rollback_quietly(con)
        raise translate(exc, "Chargement des communes de référence impossible") from exc
    return len(frame)


# The files a `Database` of this process holds open: a second opening of one is refused,
# since the journal's tip and digests are kept by the first (`journal.ChainState`).
_OPEN_FILES: set[Path] = set()
_OPEN_FILES_LOCK = threading.Lock()


def _hold(path: Path) -> Path:
    """Note `path` as open in this process; refuse it when it already is."""
    key = path.resolve()
    with _OPEN_FILES_LOCK:
        if key in _OPEN_FILES:
            raise DatabaseLockedError(f"La base « {path} » est déjà ouverte par ce processus : utilisez "
                                      "la base ouverte plutôt que de l'ouvrir une seconde fois.")
        _OPEN_FILES.add(key)
    return key


def _release(key: Path) -> None:
    with _OPEN_FILES_LOCK:
        _OPEN_FILES.discard(key)


class Database:
    """One open DuckDB file for the whole process (a second opening of it is refused);
    hand out one store, on a cursor of its own, per session.

    After a fatal DuckDB error every query fails until the file is reopened. A store
    that meets one says so (`mark_failed`, its `on_fatal`); `reopen_if_failed()` then
    checks, closes every cursor and opens the file again, and `generation` counts the
    reopenings so that sessions know their cursor is gone."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.is_new = not self.path.exists()
        self.generation = 0
        self.chain = journal.ChainState(b"")  # its key read or created, its digests computed, by `_open`
        # Whether an opening found data changed while no process held the file (it is journalled).
        self.outside_change_found = False
        self._lock = threading.Lock()
        # The cursors in use (a session's cursor goes when its session does).
        self._cursors: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
        self._failure_met = False
        self._closed = False
        self._held = _hold(self.path)
        try:
            self._con = self._open()
        except BaseException:
            _release(self._held)
            raise

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Open, check, migrate; load the journal's key, record a change made to the file while
        no process held it, and seal the journal after a migration."""
        existed = self.path.exists()
        con = connect(self.path)
        try:
            if existed:
                check_whole(con, self.path)
            chained = schema_version(con) >= CHAIN_VERSION
            signed = chained and _count(con, "SELECT count(*) FROM audit_log WHERE entry_hash IS NOT NULL") > 0
            self.chain = journal.ChainState(journal.load_key(self.path, chain_signed=signed))
            store = Store(con, chain=self.chain)
            if chained:  # compared before a migration changes what the digest covers
                self.chain.reset(store.state_parts(), store.chain_tip())
                self.outside_change_found = store.record_outside_change() or self.outside_change_found
            applied = migrate(con)
            load_communes(con)
            if applied:  # the migrated tables, read whole
                self.chain.reset(store.state_parts(), store.chain_tip())
                store.seal_after_migration(applied, chain_created=CHAIN_VERSION in applied)
        except BaseException:
            con.close()
            raise
        return con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one session or thread."""
        with self._lock:
            cursor = self._con.cursor()
            self._cursors.add(cursor)
            return cursor

    def store(self) -> Store:
        """A store on a cursor of its own, sealing with the journal's key and telling
        this database when it meets a fatal error."""
        return Store(self.cursor(), chain=self.chain, on_fatal=self.mark_failed)

    def held_store(self, held: tuple[int, Store] | None) -> tuple[int, Store]:
        """A store kept by one holder (a page session, the server's routes), as (generation, store):
        `held` itself while the file it was taken on is still the open one, else a new store after
        reopening the file if a fatal error was met (`reopen_if_failed`, which may raise)."""
        self.reopen_if_failed()
        if held is not None and held[0] == self.generation:
            return held
        return (self.generation, self.store())

    def schema_version(self) -> int:
        """The schema version of the open file."""
        with self._lock:
            return schema_version(self._con)

    def copy_to(self, target: Path) -> dict[str, int]:
        """Copy the whole database, as it stands between two writes, into the new file
        `target` (`ATTACH` + `COPY FROM DATABASE`: tables, their rows, sequences); the row
        counts of every table at that moment, for the copy's check. The server goes on
        serving meanwhile: only writes wait (about 0,05 s on the demo, `bench/bench_backup.py`)."""
        if target.exists():
            raise StoreError(f"« {target} » existe déjà : rien n'a été écrit.")
        with writes_held():
            cursor = self.cursor()
            try:
                counts = Store(cursor, chain=self.chain).row_counts()
                source = cursor.execute("SELECT current_database()").fetchall()[0][0]
                cursor.execute("ATTACH ? AS jury_copy", [str(target)])
                try:
                    cursor.execute(f'COPY FROM DATABASE "{source}" TO jury_copy')
                finally:
                    cursor.execute("DETACH jury_copy")
            except duckdb.Error as exc:
                raise translate(exc, f"Copie de la base vers « {target} » impossible") from exc
            finally:
                cursor.close()
        return counts

    def failed(self) -> bool:
        """Whether DuckDB has invalidated the open database (a cheap probe)."""
        try:
            with self._lock:
                self._con.execute("SELECT 1").fetchall()
        except duckdb.Error as exc:
            return is_fatal(exc)
        return False

    def mark_failed(self) -> None:
        """A cursor met a fatal error: the next `reopen_if_failed()` looks."""
        self._failure_met = True

    def reopen_if_failed(self) -> bool:
        """Reopen the file after a fatal error (every cursor handed out is closed);
        True when it was reopened. Raises DatabaseFailedError when it cannot be.
        Until a store has met a fatal error, it returns at once (it runs at every page)."""
        if not self._failure_met:
            return False
        if not self.failed():
            self._failure_met = False
            return False
        with self._lock:
            self._close_all()
            try:
                self._con = self._open()
            except StoreError as exc:
                raise DatabaseFailedError(
                    "La base n'a pas pu être rouverte après une erreur grave : l'administrateur doit "
                    "libérer de la place sur le disque si besoin, puis redémarrer le serveur.") from exc
            self.generation += 1
            self._failure_met = False
        return True

    def _close_all(self) -> None:
        for cursor in list(self._cursors):
            cursor.close()
        self._cursors.clear()
        self._con.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close every cursor and the file (a second call does nothing)."""
        with self._lock:
            if self._closed:
                return
            self._close_all()
            self._closed = True
        _release(self._held)

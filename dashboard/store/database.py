"""The DuckDB file: opening it once per process, schema migrations, cursors.

Schema files live in `sql/NNN_name.sql` beside this module and are applied in
order, each in one transaction, and recorded in `schema_version`. A database
whose version is newer than the code is refused. Reference communes are loaded
from the package data (`dashboard/resources/communes.csv`) when the table is empty.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.errors import DatabaseLockedError, SchemaTooNewError, StoreError
from dashboard.resources import COMMUNES, resource

DEFAULT_DB_NAME = Path("data") / "jury.duckdb"

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


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


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, translating a lock held by another process."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), config={"autoinstall_known_extensions": False})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLockedError(
                f"La base « {path} » est déjà ouverte par un autre processus "
                f"(un autre serveur ou une commande « jury » en cours). "
                f"Arrêtez-le avant de continuer. Détail : {exc}"
            ) from exc
        raise StoreError(f"Impossible d'ouvrir la base « {path} » : {exc}") from exc


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The single integer a `SELECT count(*)`-like query returns."""
    row = con.execute(sql).fetchone()
    if row is None:  # an aggregate always returns one row
        raise StoreError(f"Requête sans résultat : {sql}")
    return int(row[0])


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
            con.execute("ROLLBACK")
            raise StoreError(f"Échec de la migration {version:03d}_{name} : {exc}") from exc
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
        con.execute("ROLLBACK")
        raise StoreError(f"Chargement des communes de référence impossible : {exc}") from exc
    return len(frame)


class Database:
    """One open DuckDB file for the whole process; hand out one cursor per session."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.is_new = not self.path.exists()
        self._con = connect(self.path)
        self._lock = threading.Lock()
        migrate(self._con)
        load_communes(self._con)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one session or thread."""
        with self._lock:
            return self._con.cursor()

    def close(self) -> None:
        self._con.close()

"""What a DuckDB error means for the person who caused it: the one place that reads
DuckDB's error texts and turns them into the application's French errors.

At open, a file held by another process and a file that is not whole are told apart
(`dashboard.store.database` words their messages). Then three failures, because each
calls for a different answer:
- a full disk (`No space left on device`): the write is undone, say so;
- a write conflict (a write made outside the store on the same rows): named;
- a fatal error (DuckDB invalidates the whole database): reopen it.
Anything else on a read or a write is a plain `StoreError` whose message names the
operation but never the SQL or the file path; DuckDB's own text stays in `__cause__`,
which the incident log records.
"""

from __future__ import annotations

import contextlib
import re

import duckdb

from dashboard.errors import DatabaseFailedError, DiskFullError, StoreError

DISK_FULL_MESSAGE = ("Disque plein sur le serveur : rien n'a été écrit. Prévenez l'administrateur, "
                     "qui doit libérer de la place, puis recommencez.")
FATAL_MESSAGE = ("La base a subi une erreur grave et a été refermée par sécurité ; elle est rouverte "
                 "au prochain affichage. Rechargez la page et vérifiez votre dernier enregistrement.")
FATAL_DISK_FULL_MESSAGE = ("Disque plein sur le serveur : la base a été refermée par sécurité au milieu "
                           "d'une écriture. Prévenez l'administrateur, qui doit libérer de la place ; "
                           "rechargez ensuite la page et vérifiez votre dernier enregistrement.")

_DISK_FULL_TEXTS = ("no space left on device", "disk quota exceeded", "not enough space")
# Write-write conflicts (an UPDATE or DELETE on a row another open transaction changed)
# and a COMMIT that finds the key it inserted taken meanwhile by another session.
_CONFLICT_TEXTS = ("conflict on", "write-write conflict", "failed to commit: primary key or unique constraint")
_INVALIDATED_TEXT = "database has been invalidated"
# What DuckDB says when it opens a file that is not whole.
_DAMAGE_TEXTS = ("not a valid duckdb database file", "could not read enough bytes", "corrupt",
                 "checksum", "invalid block", "serialization error", "deserializ")
# DuckDB names the process holding the lock: « Conflicting lock is held in … (PID 5534) ».
_LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")


def is_locked(exc: BaseException) -> bool:
    """Another process has the file open."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def lock_holder(exc: BaseException) -> str | None:
    """The number of the process holding the file, when DuckDB gives it."""
    found = _LOCK_HOLDER.search(str(exc))
    return found.group(1) if found else None


def is_damaged(exc: BaseException) -> bool:
    """The file is truncated, corrupt, or not a DuckDB database."""
    return any(text in str(exc).lower() for text in _DAMAGE_TEXTS)


def is_disk_full(exc: BaseException) -> bool:
    return any(text in str(exc).lower() for text in _DISK_FULL_TEXTS)


def is_conflict(exc: BaseException) -> bool:
    """Two sessions wrote the same rows at once: the loser may simply try again."""
    return isinstance(exc, duckdb.TransactionException) and any(
        text in str(exc).lower() for text in _CONFLICT_TEXTS)


def is_fatal(exc: BaseException) -> bool:
    """DuckDB has invalidated the open database: every later query fails until it is reopened."""
    return isinstance(exc, duckdb.FatalException) or _INVALIDATED_TEXT in str(exc).lower()


def translate(exc: duckdb.Error, doing: str) -> StoreError:
    """The French error for a DuckDB failure while `doing` (« Lecture impossible », …)."""
    if is_fatal(exc):
        return DatabaseFailedError(FATAL_DISK_FULL_MESSAGE if is_disk_full(exc) else FATAL_MESSAGE)
    if is_disk_full(exc):
        return DiskFullError(DISK_FULL_MESSAGE)
    return StoreError(f"{doing} : la base a refusé l'opération ; le détail est consigné dans le journal des "
                      "incidents du serveur.")


def rollback_quietly(cursor: duckdb.DuckDBPyConnection) -> None:
    """Undo the open transaction, if any. A failed COMMIT has already ended it, and an
    invalidated database refuses everything: the original error is the one to report,
    so a ROLLBACK that fails is not raised over it."""
    with contextlib.suppress(duckdb.Error):
        cursor.execute("ROLLBACK")

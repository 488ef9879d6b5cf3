"""The store's machinery, beneath every domain read and write: the tables the journal
protects, one cursor's reads (one statement at a time, whichever thread asks), and writes
run one at a time in the process inside transactions whose journal entries are sealed
into the chain (`journal.py`) with the digest of the protected tables after them, just
before they commit.

The domain methods live in `store.py` (calls, dossiers, ratings, accounts), `seance.py`
(the selection meeting), `deliberation.py` (its votes, official settings, decisions) and
`documents.py` (the dossiers' documents); all build on `StoreBase`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

import duckdb
import pandas as pd

from dashboard.errors import DatabaseFailedError, StoreError, WriteConflictError
from dashboard.store import journal
from dashboard.store.access import Actor
from dashboard.store.failures import is_conflict, rollback_quietly, translate

# Import sheet key -> (table, key columns, value columns) in table column names.
TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "calls": ("calls", ("call_id",), ("label", "opens_on", "deadline", "results_on")),
    "criteria": ("criteria", ("criterion_id",),
                 ("criterion_group", "label", "unit", "direction", "lower", "upper",
                  "derogation_lower", "source", "description", "position")),
    "candidates": ("candidates", ("candidate_id",),
                   ("kind", "name", "insee_code", "siren", "member_communes", "population")),
    "dossiers": ("dossiers", ("dossier_id",),
                 ("call_id", "candidate_id", "submitted_on", "antenna_concept", "sectors",
                  "partners", "summary", "historical_decision")),
    "criterion_values": ("criterion_values", ("dossier_id", "criterion_id"), ("value", "provenance")),
    "jurors": ("jurors", ("juror_id",), ("name", "organisation", "role", "region")),
    "conflict_declarations": ("conflict_declarations", ("juror_id", "call_id"),
                              ("has_conflicts", "declared_on")),
    "recusals": ("recusals", ("juror_id", "dossier_id"), ("reason", "declared_on")),
    "ratings": ("ratings", ("juror_id", "dossier_id", "criterion_id"), ("score", "comment")),
}

# The tables whose content the journal's state digest covers, each with the columns
# left out (an account's failed log-ins change at every attempt). A table joins this
# list with the migration that creates it, so that a digest recorded before never
# covered it. Every other table is in UNPROTECTED_TABLES (a test keeps the two whole).
PROTECTED_TABLES: dict[str, tuple[str, ...]] = {
    **{table: () for table, _, _ in TABLES.values()},
    "weight_profiles": (), "decisions": (), "shortlist_forcings": (),
    "users": ("failed_attempts", "last_failed_at"),
    "seances": (), "seance_attendance": (), "seance_agenda": (),
    "seance_votes": (), "seance_vote_participation": (), "seance_settings": (), "decision_history": (),
    # A document's content is covered by its `sha256`, which `Store.verify_journal` checks against it.
    "dossier_documents": ("content",),
    "rapporteurs": (), "rapporteur_plans": (), "rapporteur_exclusions": (),
}
# Reference communes come from the package; the journal and the schema are checked by the chain.
# The séance's clock only counts changes, each journalled with the séance's own tables.
# Sessions and working states hold who is signed in and what they had open, no decision.
UNPROTECTED_TABLES = ("communes", "audit_log", "schema_version", "seance_clock", "user_sessions", "working_state")
# Large protected tables are digested in parts, by this column, so that a write recomputes
# only the parts it changed (one dossier's ratings, not every rating).
PARTITIONS = {"ratings": "dossier_id", "criterion_values": "dossier_id", "dossier_documents": "dossier_id"}
# A transaction that wrote more parts of a table than this reads the table whole instead.
PARTS_READ_ONE_BY_ONE = 8

# A failed log-in is journalled but changes no data: `data_version` ignores it.
LOGIN_FAILURE = "échec de connexion"

_JOURNAL_COLUMNS = ("audit_id, occurred_at, actor, action, entity, entity_id, before, after, "
                    "prev_hash, state_hash, entry_hash, legacy")

# One write transaction at a time in this process (see the module docstring).
_WRITES = threading.RLock()


@contextmanager
def writes_held() -> Iterator[None]:
    """No store of this process writes while the block runs (a consistent copy is made in it)."""
    with _WRITES:
        yield


T = TypeVar("T")


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


class StoreBase:
    """One cursor's reads and journalled writes (see the module docstring)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, *, chain: journal.ChainState,
                 on_fatal: Callable[[], None] | None = None) -> None:
        """`chain` is the open database's journal key and state digests (`Database.chain`);
        `on_fatal` is told when DuckDB invalidates the database (`Database.mark_failed`)."""
        self._cur = cursor
        # One statement of this cursor at a time: a person's next script run may start while
        # their previous one is still in a query (DuckDB refuses a busy cursor rather than wait).
        self._cursor_held = threading.RLock()
        self._chain = chain
        self._on_fatal = on_fatal
        # The entries of the transaction under way, sealed just before it commits, and the
        # parts of protected tables it wrote: (table, partition value, or None for the whole table).
        self._pending: list[tuple[datetime, str, str, str, str | None, str | None, str | None]] | None = None
        self._touched: set[tuple[str, str | None]] = set()
        self._tip: tuple[int, str] = (0, journal.GENESIS)

    # ----------------------------------------------------------------- helpers
    def _failure(self, exc: duckdb.Error, doing: str) -> StoreError:
        """The French error for a DuckDB failure (`failures.translate`); a fatal one is reported."""
        error = translate(exc, doing)
        if isinstance(error, DatabaseFailedError) and self._on_fatal is not None:
            self._on_fatal()
        return error

    def _frame(self, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
        try:
            with self._cursor_held:
                return self._cur.execute(sql, list(params)).df()
        except duckdb.Error as exc:
            raise self._failure(exc, "Lecture impossible") from exc

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._cursor_held:
                return self._cur.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise self._failure(exc, "Lecture impossible") from exc

    def _table_columns(self, table: str) -> list[tuple[str, str]]:
        return [(name, dtype) for name, dtype in self._rows(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position", [table])]

    def _append_audit(self, actor: Actor | str, action: str, entity: str, entity_id: str | None,
                      before: Any, after: Any) -> None:
        """Add an entry to the journal; it is sealed into the chain when its transaction commits."""
        if self._pending is None:
            raise StoreError("Écriture du journal hors d'une transaction : rien n'a été écrit.")
        who = actor.login if isinstance(actor, Actor) else actor
        self._pending.append((
            datetime.now(), who, action, entity, entity_id,
            None if before is None else json.dumps(before, default=_json_default, ensure_ascii=False),
            None if after is None else json.dumps(after, default=_json_default, ensure_ascii=False)))

    def _write(self, sql: str, params: Iterable[Any], table: str, *parts: str) -> None:
        """Execute one write to a protected table, noting the parts it changes (values of the
        table's partition column; none given: any row) so that the state digest is recomputed
        for them before the transaction commits."""
        if table not in PROTECTED_TABLES:
            raise StoreError(f"Table « {table} » non protégée par le journal : écriture refusée.")
        if table in PARTITIONS and parts:
            self._touched.update((table, part) for part in parts)
        else:
            self._touched.add((table, None))
        self._cur.execute(sql, list(params))

    def _write_unjournalled(self, sql: str, params: Iterable[Any], table: str) -> None:
        """Execute one write to a table the journal does not cover (`UNPROTECTED_TABLES`)."""
        if table not in UNPROTECTED_TABLES:
            raise StoreError(f"Table « {table} » protégée par le journal : écriture non journalisée refusée.")
        self._cur.execute(sql, list(params))

    def _changed_parts(self) -> dict[journal.PartKey, str | None]:
        """The digests of the parts this transaction wrote, as it leaves them (None: now empty).
        A table written whole, or in many parts (an import), is read whole, in one query."""
        changes: dict[journal.PartKey, str | None] = {}
        for table in sorted({table for table, _ in self._touched}):
            parts = {part for name, part in self._touched if name == table}
            if None in parts or len(parts) > PARTS_READ_ONE_BY_ONE:
                changes.update(dict.fromkeys(self._chain.parts_of(table)))
                changes.update(self._table_parts(table))
                continue
            for part in sorted(p for p in parts if p is not None):
                rows = self._rows(f"SELECT {self._protected_columns(table)} FROM {table} "
                                  f"WHERE {PARTITIONS[table]} = ? ORDER BY ALL", [part])
                changes[(table, part)] = journal.part_digest(rows) if rows else None
        return changes

    def _seal_pending(self) -> dict[journal.PartKey, str | None]:
        """Write the transaction's entries after the chain's tip, each chained to the one before
        and carrying the digest of the protected tables as the transaction leaves them; return
        the parts changed (the new tip is in `_tip`)."""
        changes = self._changed_parts()
        pending, self._pending = self._pending or [], []
        if not pending:
            return changes
        state = self._chain.state(changes)
        last_id, prev_hash = self._tip
        values: list[Any] = []
        for occurred_at, actor, action, entity, entity_id, before, after in pending:
            last_id += 1  # the chain numbers its entries: one writer, in order
            entry = journal.Entry(last_id, occurred_at, actor, action, entity, entity_id, before, after,
                                  prev_hash, state, None, False)
            prev_hash = journal.seal(self._chain.key, entry)
            values += [last_id, occurred_at, actor, action, entity, entity_id, before, after,
                       entry.prev_hash, state, prev_hash, False]
        rows = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(pending))
        self._cur.execute(f"INSERT INTO audit_log ({_JOURNAL_COLUMNS}) VALUES {rows}", values)
        self._tip = (last_id, prev_hash)
        return changes

    def chain_tip(self) -> tuple[int, str]:
        """(number, seal) of the journal's last entry, read from the file."""
        rows = self._rows("SELECT audit_id, entry_hash FROM audit_log ORDER BY audit_id DESC LIMIT 1")
        return (int(rows[0][0]), rows[0][1] or journal.GENESIS) if rows else (0, journal.GENESIS)

    # ------------------------------------------------------------ transactions
    def _transaction(self, work: Callable[[], T], doing: str = "Enregistrement impossible") -> T:
        """Run `work()` in one transaction, its journal entries sealed before it commits;
        roll back on any error. Transactions of the process run one at a time, so the store's
        writes never clash; a clash with a write made outside the store is named, as are a full
        disk and a fatal error, and a ROLLBACK that fails never hides the error that caused it."""
        with _WRITES, self._cursor_held:
            self._pending, self._touched, self._tip = [], set(), self._chain.tip()
            try:
                self._cur.execute("BEGIN TRANSACTION")
                result = work()
                changes = self._seal_pending()
                self._cur.execute("COMMIT")
                self._chain.apply(changes, self._tip)
                return result
            except duckdb.Error as exc:
                rollback_quietly(self._cur)
                if is_conflict(exc):
                    raise WriteConflictError(
                        f"{doing} : un autre enregistrement simultané sur les mêmes données a empêché "
                        "l'écriture ; rien n'a été écrit. Recommencez.") from exc
                raise self._failure(exc, doing) from exc
            except BaseException:
                rollback_quietly(self._cur)
                raise
            finally:
                self._pending, self._touched = None, set()


    # --------------------------------------------------------- protected parts
    @staticmethod
    def _protected_columns(table: str) -> str:
        left_out = PROTECTED_TABLES[table]
        return f"* EXCLUDE ({', '.join(left_out)})" if left_out else "*"

    def _table_parts(self, table: str) -> dict[journal.PartKey, str]:
        """The digest of each part of one protected table, read whole."""
        rows = self._rows(f"SELECT {self._protected_columns(table)} FROM {table} ORDER BY ALL")
        if table not in PARTITIONS:
            return {(table, ""): journal.part_digest(rows)} if rows else {}
        position = [name for name, _ in self._table_columns(table)
                    if name not in PROTECTED_TABLES[table]].index(PARTITIONS[table])
        grouped: dict[str, list[tuple[Any, ...]]] = {}
        for row in rows:
            grouped.setdefault(str(row[position]), []).append(row)
        return {(table, part): journal.part_digest(part_rows) for part, part_rows in grouped.items()}

"""Every read and write of the jury's data; the only module (with `database`)
that holds SQL. Values are always bound parameters or registered frames; the
only names put into SQL text are the table and column names defined here.

A `Store` works on one DuckDB cursor (one per Streamlit session or thread).
Writes are transactions: an import lands whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

import duckdb
import pandas as pd

from dashboard.errors import StoreError
from dashboard.formatting import display_name

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

# Values of these columns in the database are maintained by the store itself.
_RATING_BOOKKEEPING = ("rated_at", "version")


@dataclass
class TableChange:
    """What an import did to one table."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportSummary:
    """What an import did, table by table."""

    source: str
    changes: dict[str, TableChange] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return any(c.added or c.updated for c in self.changes.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {name: vars(change).copy() for name, change in self.changes.items()}


def _canonical(value: Any) -> Any:
    """A comparable form of a cell, so that 3 == 3.0 and NaN == None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


class Store:
    """The jury's data, read and written through one cursor."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cur = cursor

    # ----------------------------------------------------------------- helpers
    def _frame(self, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
        try:
            return self._cur.execute(sql, list(params)).df()
        except duckdb.Error as exc:
            raise StoreError(f"Lecture impossible : {exc}\nRequête : {sql}\nParamètres : {list(params)}") from exc

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        try:
            return self._cur.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"Lecture impossible : {exc}\nRequête : {sql}\nParamètres : {list(params)}") from exc

    def _table_columns(self, table: str) -> list[tuple[str, str]]:
        return [(name, dtype) for name, dtype in self._rows(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position", [table])]

    def _append_audit(self, actor: str, action: str, entity: str, entity_id: str | None,
                      before: Any, after: Any) -> None:
        self._cur.execute(
            "INSERT INTO audit_log (occurred_at, actor, action, entity, entity_id, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [datetime.now(), actor, action, entity, entity_id,
             None if before is None else json.dumps(before, default=_json_default, ensure_ascii=False),
             None if after is None else json.dumps(after, default=_json_default, ensure_ascii=False)],
        )

    # ------------------------------------------------------------------- reads
    def calls(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM calls ORDER BY call_id")

    def criteria(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM criteria ORDER BY position, criterion_id")

    def commune_codes(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT insee_code FROM communes")}

    def communes(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM communes ORDER BY insee_code")

    def existing_keys(self, sheet_key: str) -> set[tuple]:
        """Keys already stored for an import sheet (to check references)."""
        table, keys, _ = TABLES[sheet_key]
        columns = ", ".join(keys)
        return set(self._rows(f"SELECT {columns} FROM {table}"))

    def dossiers(self, call_id: str | None = None) -> pd.DataFrame:
        """Dossiers with their candidate and the candidate's reference commune."""
        sql = """
            SELECT d.dossier_id, d.call_id, d.candidate_id, c.kind, c.name AS candidate_name,
                   c.insee_code, c.siren, c.member_communes, c.population,
                   m.name AS commune_name, m.departement_code, m.departement_name,
                   m.region_code, m.region_name, m.epci_name, m.epci_population,
                   m.lat, m.lon, m.overseas, m.nearest_hub, m.dist_hub_km,
                   d.submitted_on, d.antenna_concept, d.sectors, d.partners, d.summary,
                   d.historical_decision
            FROM dossiers d
            JOIN candidates c USING (candidate_id)
            LEFT JOIN communes m ON m.insee_code = c.insee_code
            WHERE ? IS NULL OR d.call_id = ?
            ORDER BY d.dossier_id
        """
        frame = self._frame(sql, [call_id, call_id])
        frame["display_name"] = [
            display_name(name, dept)
            for name, dept in zip(frame["candidate_name"], frame["departement_code"])
        ]
        return frame

    def criterion_values(self, call_id: str | None = None) -> pd.DataFrame:
        """Long table dossier × criterion × value for one call (or all)."""
        return self._frame(
            "SELECT v.dossier_id, v.criterion_id, v.value, v.provenance "
            "FROM criterion_values v JOIN dossiers d USING (dossier_id) "
            "WHERE ? IS NULL OR d.call_id = ? ORDER BY v.dossier_id, v.criterion_id",
            [call_id, call_id],
        )

    def jurors(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM jurors ORDER BY juror_id")

    def recusals(self, call_id: str | None = None) -> pd.DataFrame:
        return self._frame(
            "SELECT r.* FROM recusals r JOIN dossiers d USING (dossier_id) "
            "WHERE ? IS NULL OR d.call_id = ? ORDER BY r.juror_id, r.dossier_id",
            [call_id, call_id],
        )

    def conflict_declarations(self, call_id: str | None = None) -> pd.DataFrame:
        return self._frame(
            "SELECT * FROM conflict_declarations WHERE ? IS NULL OR call_id = ? "
            "ORDER BY call_id, juror_id", [call_id, call_id])

    def ratings(self, call_id: str | None = None) -> pd.DataFrame:
        return self._frame(
            "SELECT r.* FROM ratings r JOIN dossiers d USING (dossier_id) "
            "WHERE ? IS NULL OR d.call_id = ? "
            "ORDER BY r.dossier_id, r.juror_id, r.criterion_id",
            [call_id, call_id],
        )

    def data_version(self) -> int:
        """Changes whenever anything is written (every write is audited): a cache key."""
        return int(self._rows("SELECT coalesce(max(audit_id), 0) FROM audit_log")[0][0])

    def audit_log(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM audit_log ORDER BY audit_id")

    def summary(self) -> list[dict[str, Any]]:
        """One entry per call: dossiers, historical laureates, jurors, ratings."""
        rows = self._rows("""
            SELECT c.call_id, c.label,
                   (SELECT count(*) FROM dossiers d WHERE d.call_id = c.call_id),
                   (SELECT count(*) FROM dossiers d WHERE d.call_id = c.call_id
                        AND d.historical_decision = 'lauréat'),
                   (SELECT count(DISTINCT r.juror_id) FROM ratings r JOIN dossiers d USING (dossier_id)
                        WHERE d.call_id = c.call_id),
                   (SELECT count(*) FROM ratings r JOIN dossiers d USING (dossier_id)
                        WHERE d.call_id = c.call_id)
            FROM calls c ORDER BY c.call_id
        """)
        total_jurors = self._rows("SELECT count(*) FROM jurors")[0][0]
        return [
            {"call": call_id, "label": label, "dossiers": dossiers,
             "historical_laureates": laureates, "jurors": total_jurors,
             "jurors_with_ratings": raters, "ratings": ratings}
            for call_id, label, dossiers, laureates, raters, ratings in rows
        ]

    def content_hash(self) -> str:
        """SHA-256 of the jury's data (not the audit log), stable across sessions."""
        digest = hashlib.sha256()
        for sheet_key in TABLES:
            table, keys, values = TABLES[sheet_key]
            columns = ", ".join(keys + values)
            order = ", ".join(keys)
            digest.update(table.encode())
            for row in self._rows(f"SELECT {columns} FROM {table} ORDER BY {order}"):
                digest.update(repr(tuple(_canonical(v) for v in row)).encode())
        for extra in ("weight_profiles", "decisions"):
            for row in self._rows(f"SELECT * FROM {extra} ORDER BY ALL"):
                digest.update(repr(tuple(_canonical(v) for v in row)).encode())
        return digest.hexdigest()

    # ------------------------------------------------------------------ import
    def apply_import(self, tables: dict[str, list[dict[str, Any]]], actor: str,
                     source: str) -> ImportSummary:
        """Write validated rows, table by table, in one transaction.

        `tables` maps a key of TABLES to rows keyed by table column names.
        Rows equal to what is stored are left alone, so importing the same
        file twice changes nothing. Any failure rolls everything back.
        """
        summary = ImportSummary(source=source)
        now = datetime.now()
        try:
            self._cur.execute("BEGIN TRANSACTION")
            for sheet_key, (table, keys, values) in TABLES.items():
                rows = tables.get(sheet_key)
                if not rows:
                    continue
                summary.changes[table] = self._upsert(table, keys, values, rows, now)
            self._append_audit(actor, "import", "workbook", source, None,
                               {"source": source, "tables": summary.as_dict()})
            self._cur.execute("COMMIT")
        except duckdb.Error as exc:
            self._cur.execute("ROLLBACK")
            raise StoreError(f"L'import de « {source} » a échoué, rien n'a été écrit : {exc}") from exc
        except BaseException:
            self._cur.execute("ROLLBACK")
            raise
        return summary

    def _upsert(self, table: str, keys: tuple[str, ...], values: tuple[str, ...],
                rows: list[dict[str, Any]], now: datetime) -> TableChange:
        columns = keys + values
        stored = {
            tuple(_canonical(v) for v in row[: len(keys)]): row
            for row in self._rows(f"SELECT {', '.join(columns)}"
                                  f"{', version' if table == 'ratings' else ''} FROM {table}")
        }
        change = TableChange()
        to_write: list[dict[str, Any]] = []
        for row in rows:
            key = tuple(_canonical(row[k]) for k in keys)
            current = stored.get(key)
            if current is None:
                change.added += 1
                to_write.append(self._with_bookkeeping(table, row, None, now))
            elif tuple(_canonical(row[c]) for c in columns) != tuple(
                    _canonical(v) for v in current[: len(columns)]):
                change.updated += 1
                to_write.append(self._with_bookkeeping(table, row, current, now))
            else:
                change.unchanged += 1
        if to_write:
            self._write_rows(table, keys, to_write)
        return change

    @staticmethod
    def _with_bookkeeping(table: str, row: dict[str, Any], current: tuple | None,
                          now: datetime) -> dict[str, Any]:
        if table != "ratings":
            return row
        version = 1 if current is None else int(current[-1]) + 1
        return {**row, "rated_at": now, "version": version}

    def _write_rows(self, table: str, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
        table_columns = self._table_columns(table)
        names = [name for name, _ in table_columns if name in rows[0]]
        frame = pd.DataFrame([[row[n] for n in names] for row in rows], columns=names, dtype=object)
        types = dict(table_columns)
        select = ", ".join(f"CAST({n} AS {types[n]}) AS {n}" for n in names)
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in keys)
        self._cur.register("incoming_rows", frame)
        try:
            self._cur.execute(
                f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM incoming_rows "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
            )
        finally:
            self._cur.unregister("incoming_rows")

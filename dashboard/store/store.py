"""Every read and write of the jury's data: calls, dossiers, ratings, recusals,
accounts, weight profiles, forcings, the journal's checks (the séance's are in
`seance.py`, its votes, official settings and the decisions in `deliberation.py`).
The store package is the only one that holds SQL. Values are always
bound parameters or registered frames; the only names put into SQL text are the
table and column names defined in `base.py`.

A `Store` works on one DuckDB cursor (one per Streamlit session or thread).
Writes are transactions (`base.StoreBase._transaction`): an import lands whole or
not at all.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict

import pandas as pd

from dashboard.core.formatting import display_name
from dashboard.core.journal_text import INCONSISTENCY_ACCEPTED, DossierName, JournalNames, SeanceName
from dashboard.core.labels import FORCING_LABELS, JURY_PROFILE
from dashboard.core.privacy import random_pseudonyms
from dashboard.errors import AccessDenied, StaleWrite, StoreError
from dashboard.store import journal
from dashboard.store.access import OPERATOR, Actor, may, require, require_juror
from dashboard.store.base import _JOURNAL_COLUMNS, LOGIN_FAILURE, PARTITIONS, PROTECTED_TABLES, TABLES
from dashboard.store.deliberation import DeliberationRecords
from dashboard.store.documents import DocumentRecords, NewDocument, PlannedDocument
from dashboard.store.rapporteurs import RapporteurRecords
from dashboard.store.seance import SEANCE_ENTITY
from dashboard.store.sessions import PASSWORD_CHANGED, SessionRecords


@dataclass
class TableChange:
    """What an import did to one table."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


class Credentials(TypedDict):
    """The account behind a login, for the log-in check only (hash included)."""

    actor: Actor
    password_hash: str
    failed_attempts: int
    last_failed_at: datetime | None


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





def _profile_rules(actor: Actor, name: str, owner: str | None) -> None:
    """Who may write a weight profile: never the direction; the jury's profile
    only the president or the administration; someone else's profile nobody."""
    require(actor, "save_profile")
    if name == JURY_PROFILE:
        require(actor, "save_jury_profile")
    elif owner is not None and owner != actor.login:
        raise AccessDenied(f"Action refusée : le profil « {name} » appartient à « {owner} » ; choisissez un autre nom.")


class Store(DeliberationRecords, DocumentRecords, RapporteurRecords, SessionRecords):
    """The jury's data, read and written through one cursor."""

    # ------------------------------------------------------------------- reads
    def calls(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM calls ORDER BY call_id")

    def criteria(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM criteria ORDER BY position, criterion_id")

    def candidates(self) -> pd.DataFrame:
        """Every candidate, of any call (an application form's porteur may be one already)."""
        return self._frame("SELECT * FROM candidates ORDER BY candidate_id")

    def commune_codes(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT insee_code FROM communes")}

    def communes(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM communes ORDER BY insee_code")

    def existing_keys(self, sheet_key: str) -> set[tuple[Any, ...]]:
        """Keys already stored for an import sheet (to check references)."""
        table, keys, _ = TABLES[sheet_key]
        columns = ", ".join(keys)
        return set(self._rows(f"SELECT {columns} FROM {table}"))

    def dossiers(self, actor: Actor, call_id: str | None = None) -> pd.DataFrame:
        """Dossiers with their candidate and the candidate's reference commune (any role)."""
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
            for name, dept in zip(frame["candidate_name"], frame["departement_code"], strict=True)
        ]
        return frame

    def criterion_values(self, actor: Actor, call_id: str | None = None) -> pd.DataFrame:
        """Long table dossier × criterion × value for one call or all (any role)."""
        return self._frame(
            "SELECT v.dossier_id, v.criterion_id, v.value, v.provenance "
            "FROM criterion_values v JOIN dossiers d USING (dossier_id) "
            "WHERE ? IS NULL OR d.call_id = ? ORDER BY v.dossier_id, v.criterion_id",
            [call_id, call_id],
        )

    def jurors(self) -> pd.DataFrame:
        return self._frame("SELECT * FROM jurors ORDER BY juror_id")

    def recusals(self, actor: Actor, call_id: str | None = None) -> pd.DataFrame:
        """The recusals of a call: the register is for the president, direction and administration."""
        require(actor, "read_recusals")
        return self._frame(
            "SELECT r.* FROM recusals r JOIN dossiers d USING (dossier_id) "
            "WHERE ? IS NULL OR d.call_id = ? ORDER BY r.juror_id, r.dossier_id",
            [call_id, call_id],
        )

    def conflict_declarations(self, actor: Actor, call_id: str | None = None) -> pd.DataFrame:
        require(actor, "read_conflicts")
        return self._frame(
            "SELECT * FROM conflict_declarations WHERE ? IS NULL OR call_id = ? "
            "ORDER BY call_id, juror_id", [call_id, call_id])

    def ratings(self, actor: Actor, call_id: str | None = None) -> pd.DataFrame:
        """Every juror's ratings, with comments and whether each still counts
        (a rating stops counting when its juror is later recused from the dossier)."""
        if not may(actor, "read_all_ratings"):
            raise AccessDenied("Action refusée : seuls la présidence, la direction et l'administration "
                               "voient les notes de chaque juré.")
        return self._frame(
            "SELECT r.*, j.name AS juror_name, j.organisation, "
            "       (x.juror_id IS NULL) AS counts "
            "FROM ratings r JOIN dossiers d USING (dossier_id) "
            "LEFT JOIN jurors j ON j.juror_id = r.juror_id "
            "LEFT JOIN recusals x ON x.juror_id = r.juror_id AND x.dossier_id = r.dossier_id "
            "WHERE ? IS NULL OR d.call_id = ? "
            "ORDER BY r.dossier_id, r.juror_id, r.criterion_id",
            [call_id, call_id],
        )

    def data_version(self) -> int:
        """Changes whenever data are written (every write is journalled): a cache key.
        A failed log-in and a change of the séance, journalled too, change no data the
        pages compute from and leave it alone (the séance has its own clock)."""
        return int(self._rows("SELECT coalesce(max(audit_id), 0) FROM audit_log WHERE action <> ? AND entity <> ?",
                              [LOGIN_FAILURE, SEANCE_ENTITY])[0][0])

    def audit_log(self, actor: Actor) -> pd.DataFrame:
        require(actor, "read_journal")
        return self._frame("SELECT * FROM audit_log ORDER BY audit_id")

    def journal_names(self, actor: Actor) -> JournalNames:
        """What the journal's sentences name, by the keys its entries hold: every account's name
        (the operator's too), juror, dossier (town, département, call), call, criterion, séance
        (call, title) and vote (its dossier). A few hundred rows, read once for the whole journal."""
        require(actor, "read_journal")
        people = {str(login): str(name) for login, name in self._rows("SELECT login, name FROM users")}
        people.setdefault(OPERATOR.login, OPERATOR.name)
        dossiers = {str(d): DossierName(str(town), None if dept is None else str(dept), str(call))
                    for d, call, town, dept in self._rows(
                        "SELECT d.dossier_id, d.call_id, c.name, m.departement_code FROM dossiers d "
                        "JOIN candidates c USING (candidate_id) LEFT JOIN communes m ON m.insee_code = c.insee_code")}
        jurors, calls, criteria = self.jurors(), self.calls(), self.criteria()
        return JournalNames(
            people=people,
            jurors=dict(zip(jurors["juror_id"].astype(str), jurors["name"].astype(str), strict=True)),
            dossiers=dossiers,
            calls=dict(zip(calls["call_id"].astype(str), calls["label"].astype(str), strict=True)),
            criteria=dict(zip(criteria["criterion_id"].astype(str), criteria["label"].astype(str), strict=True)),
            seances={str(s): SeanceName(str(call), str(title))
                     for s, call, title in self._rows("SELECT seance_id, call_id, title FROM seances")},
            votes={str(v): str(d) for v, d in self._rows("SELECT vote_id, dossier_id FROM seance_votes")})

    def _table_names(self) -> list[str]:
        """Every table of the open file, by name."""
        return [row[0] for row in self._rows(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY ALL")]

    def row_counts(self) -> dict[str, int]:
        """The number of rows of every table, by name (a copy of the file must have the same)."""
        return {table: int(self._rows(f'SELECT count(*) FROM "{table}"')[0][0]) for table in self._table_names()}

    def summary(self) -> list[dict[str, Any]]:
        """One entry per call: dossiers, historical laureates, jurors, ratings, stored documents,
        rapporteur rows."""
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
        documents, rapporteurs = self.document_counts(), self.rapporteur_counts()
        return [
            {"call": call_id, "label": label, "dossiers": dossiers,
             "historical_laureates": laureates, "jurors": total_jurors,
             "jurors_with_ratings": raters, "ratings": ratings, "documents": documents.get(call_id, 0),
             "rapporteurs": rapporteurs.get(call_id, 0)}
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
        for extra in ("weight_profiles", "decisions", "shortlist_forcings"):
            for row in self._rows(f"SELECT * FROM {extra} ORDER BY ALL"):
                digest.update(repr(tuple(_canonical(v) for v in row)).encode())
        return digest.hexdigest()

    # ------------------------------------------------------------------ import
    def apply_import(self, tables: dict[str, list[dict[str, Any]]], actor: Actor,
                     source: str) -> ImportSummary:
        """Write validated rows, table by table, in one transaction.

        `tables` maps a key of TABLES to rows keyed by table column names; the
        rows of one table all carry the same columns (the key columns at least).
        Rows equal to what is stored are left alone, so importing the same
        file twice changes nothing. Any failure rolls everything back.
        """
        require(actor, "import_data")
        return self._transaction(lambda: self._import_rows(tables, actor, source),
                                 doing=f"L'import de « {source} » a échoué, rien n'a été écrit")

    def apply_intake(self, tables: dict[str, list[dict[str, Any]]], call_id: str, documents: Sequence[NewDocument],
                     actor: Actor, source: str) -> tuple[ImportSummary, list[PlannedDocument]]:
        """Application forms: their rows (as `apply_import` writes them) and the documents sent
        with them (as `add_documents` attaches them, to dossiers the rows may create), in one
        transaction: everything is written, or nothing."""
        require(actor, "import_data")
        require(actor, "attach_documents")

        def work() -> tuple[ImportSummary, list[PlannedDocument]]:
            summary = self._import_rows(tables, actor, source)
            return summary, self._attach_planned(actor, call_id, documents, source)

        return self._transaction(work, doing=f"L'import des formulaires de « {source} » a échoué, rien n'a été écrit")

    def _import_rows(self, tables: dict[str, list[dict[str, Any]]], actor: Actor, source: str) -> ImportSummary:
        """Inside a transaction: the rows upserted table by table, one journal entry for them all."""
        summary = ImportSummary(source=source)
        now = datetime.now()
        for sheet_key, (table, keys, values) in TABLES.items():
            rows = tables.get(sheet_key)
            if rows:
                summary.changes[table] = self._upsert(table, keys, values, rows, now)
        self._append_audit(actor, "import", "workbook", source, None,
                           {"source": source, "tables": summary.as_dict()})
        return summary

    def _upsert(self, table: str, keys: tuple[str, ...], values: tuple[str, ...],
                rows: list[dict[str, Any]], now: datetime) -> TableChange:
        """Add new rows and update changed ones. Only the columns the rows carry are
        compared and written: a column the file did not have keeps its stored values."""
        columns = keys + tuple(c for c in values if c in rows[0])
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
    def _with_bookkeeping(table: str, row: dict[str, Any], current: tuple[Any, ...] | None,
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
        sql = (f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM incoming_rows "
               f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}")
        self._cur.register("incoming_rows", frame)
        try:
            parts = sorted({str(row[PARTITIONS[table]]) for row in rows}) if table in PARTITIONS else []
            self._write(sql, [], table, *parts)
        finally:
            self._cur.unregister("incoming_rows")

    # ---------------------------------------------------------------- accounts
    def credentials(self, login: str) -> Credentials | None:
        """The account behind a login, for the log-in check only (hash included)."""
        rows = self._rows(
            "SELECT login, name, role, juror_id, password_hash, failed_attempts, last_failed_at "
            "FROM users WHERE login = ?", [login])
        if not rows:
            return None
        login, name, role, juror_id, password_hash, failed, last_failed = rows[0]
        return {"actor": Actor(login=login, name=name, role=role, juror_id=juror_id),
                "password_hash": password_hash, "failed_attempts": failed, "last_failed_at": last_failed}

    def record_login_failure(self, login: str, now: datetime, password_checked: bool = True) -> None:
        """Count a refused log-in and journal it. A password checked and wrong also starts
        the wait over (`last_failed_at`); an attempt refused during the wait only counts."""
        def work() -> None:
            if password_checked:
                self._write("UPDATE users SET failed_attempts = failed_attempts + 1, last_failed_at = ? "
                            "WHERE login = ?", [now, login], "users")
            else:
                self._write("UPDATE users SET failed_attempts = failed_attempts + 1 WHERE login = ?",
                            [login], "users")
            self._append_audit(login, LOGIN_FAILURE, "user", login, None,
                               {"motif": "mot de passe incorrect" if password_checked else "attente imposée"})
        self._transaction(work)

    def record_login_success(self, login: str) -> None:
        def work() -> None:
            self._write("UPDATE users SET failed_attempts = 0, last_failed_at = NULL "
                        "WHERE login = ? AND failed_attempts > 0", [login], "users")
        self._transaction(work)

    def users(self, actor: Actor) -> pd.DataFrame:
        require(actor, "manage_accounts")
        return self._frame("SELECT login, name, role, organisation, juror_id, created_at, failed_attempts "
                           "FROM users ORDER BY login")

    def add_user(self, actor: Actor, login: str, name: str, role: str, password_hash: str,
                 organisation: str | None = None, juror_id: str | None = None) -> None:
        require(actor, "create_account")
        login = login.strip().lower()
        if not login or not login.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise StoreError(f"Identifiant « {login} » invalide : lettres, chiffres, « . », « - » et « _ » seulement.")
        if role not in ("jure", "president", "direction", "admin"):
            raise StoreError(f"Rôle « {role} » inconnu : jure, president, direction ou admin.")
        if role in ("jure", "president") and not juror_id:
            raise StoreError("Un compte de juré ou de président doit être rattaché à un membre du jury (--juror).")
        if juror_id and not self._rows("SELECT 1 FROM jurors WHERE juror_id = ?", [juror_id]):
            raise StoreError(f"Membre du jury « {juror_id} » inconnu.")
        if self._rows("SELECT 1 FROM users WHERE login = ?", [login]):
            raise StoreError(f"L'identifiant « {login} » existe déjà.")
        def work() -> None:
            self._write(
                "INSERT INTO users (login, name, role, organisation, juror_id, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [login, name, role, organisation, juror_id, password_hash, datetime.now()], "users")
            self._append_audit(actor, "création de compte", "user", login, None,
                               {"name": name, "role": role, "organisation": organisation, "juror_id": juror_id})
        self._transaction(work)

    def set_password(self, actor: Actor, login: str, password_hash: str, keep_session: str | None = None) -> None:
        """Change an account's password; every open session of the account ends with it,
        but the one (digest `keep_session`) from which the person changed their own."""
        if actor.login != login:
            require(actor, "set_other_password")
        if not self._rows("SELECT 1 FROM users WHERE login = ?", [login]):
            raise StoreError(f"Compte « {login} » inconnu.")
        def work() -> None:
            self._write("UPDATE users SET password_hash = ?, failed_attempts = 0, "
                        "last_failed_at = NULL WHERE login = ?", [password_hash, login], "users")
            self._end_sessions_of(login, datetime.now(), PASSWORD_CHANGED,
                                  keep_session if actor.login == login else None)
            self._append_audit(actor, "changement de mot de passe", "user", login, None, None)
        self._transaction(work)

    def state_parts(self) -> dict[journal.PartKey, str]:
        """Every part of the protected tables, read whole (tables not created yet are skipped)."""
        parts: dict[journal.PartKey, str] = {}
        for table in self._present_protected_tables():
            parts.update(self._table_parts(table))
        return parts

    def _present_protected_tables(self) -> list[str]:
        present = set(self._table_names())
        return [table for table in PROTECTED_TABLES if table in present]

    def state_hash(self) -> str:
        """The digest of the protected tables (every column but those PROTECTED_TABLES leaves
        out) computed from the data themselves, as the journal's entries record it."""
        return journal.combine(self.state_parts())

    def journal_entries(self) -> list[journal.Entry]:
        """The whole chain, in order (for its verification)."""
        return [journal.Entry(*row) for row in self._rows(
            f"SELECT {_JOURNAL_COLUMNS} FROM audit_log ORDER BY audit_id")]

    def journal_head(self) -> str | None:
        """The seal of the journal's last entry, the head hash exports record (None: empty)."""
        last_id, head = self.chain_tip()
        return head if last_id else None

    def verify_journal(self, actor: Actor, heads: Iterable[str] = ()) -> journal.Verdict:
        """The chain checked entry by entry, the live data against its last state digest, and
        each head hash recorded elsewhere (a « Manifeste ») against its entries, and each
        document's content against its recorded digest."""
        require(actor, "read_journal")
        return journal.verify(self.journal_entries(), self._chain.key, self.state_hash(), list(heads),
                              self.content_problems())

    def record_outside_change(self) -> bool:
        """At opening: when the protected tables no longer match the last state digest, the
        file was changed while no process of the application held it; say so in the chain.
        True when it was recorded."""
        last = self._rows("SELECT audit_id, state_hash FROM audit_log WHERE state_hash IS NOT NULL "
                          "ORDER BY audit_id DESC LIMIT 1")
        if not last:
            return False
        since, recorded = last[0]
        live = self._chain.state()
        if live == recorded:
            return False

        def work() -> None:
            self._append_audit(journal.SYSTEM_ACTOR, journal.OUTSIDE_CHANGE, "journal", None,
                               {"etat": recorded}, {"etat": live, "depuis_entree": since})
        self._transaction(work, doing="Consignation d'une modification hors de l'application impossible")
        return True

    def seal_after_migration(self, applied: list[int], chain_created: bool) -> None:
        """After schema migrations: when they created the chain, seal the entries written before
        it (marked `legacy`, chained from the start); then record the migration with the digest
        of the migrated tables. An entry without a seal in a chained journal is left as it is:
        the verification names it."""
        def work() -> None:
            unsealed = self._rows(f"SELECT {_JOURNAL_COLUMNS} FROM audit_log WHERE entry_hash IS NULL "
                                  "ORDER BY audit_id") if chain_created else []
            if self._tip == (0, journal.GENESIS):
                return  # an empty journal (a new database): nothing to seal, no state recorded to follow
            prev_hash = journal.GENESIS
            for row in unsealed:
                audit_id, occurred_at, actor, action, entity, entity_id, before, after = row[:8]
                entry = journal.Entry(audit_id, occurred_at, actor, action, entity, entity_id, before, after,
                                      prev_hash, None, None, True)
                prev_hash = journal.seal(self._chain.key, entry)
                self._cur.execute("UPDATE audit_log SET prev_hash = ?, entry_hash = ?, legacy = true "
                                  "WHERE audit_id = ?", [entry.prev_hash, prev_hash, audit_id])
                self._tip = (audit_id, prev_hash)
            self._append_audit(journal.SYSTEM_ACTOR, "migration du schéma", "schema", str(max(applied)), None,
                               {"versions": applied, "entrees_anciennes_scellees": len(unsealed)})
        self._transaction(work, doing="Chaînage du journal impossible")

    # ---------------------------------------------------------------- recusals
    def recused_dossier_ids(self, actor: Actor, call_id: str) -> set[str]:
        """The dossiers of a call the acting juror is recused from."""
        if not actor.juror_id:
            return set()
        return {row[0] for row in self._rows(
            "SELECT r.dossier_id FROM recusals r JOIN dossiers d USING (dossier_id) "
            "WHERE r.juror_id = ? AND d.call_id = ?", [actor.juror_id, call_id])}

    def add_recusal(self, actor: Actor, juror_id: str, dossier_id: str, reason: str,
                    declared_on: date) -> int:
        """Recuse a juror from a dossier; their earlier ratings on it stop counting
        (kept, marked, audited). Returns how many ratings stopped counting."""
        require(actor, "manage_recusals")
        rows = self._rows("SELECT call_id FROM dossiers WHERE dossier_id = ?", [dossier_id])
        if not rows:
            raise StoreError(f"Dossier « {dossier_id} » inconnu.")
        if not self._rows("SELECT 1 FROM jurors WHERE juror_id = ?", [juror_id]):
            raise StoreError(f"Membre du jury « {juror_id} » inconnu.")
        if not reason.strip():
            raise StoreError("Le motif de la récusation est obligatoire.")
        call_id = rows[0][0]
        affected = self._rows(
            "SELECT criterion_id, score, version FROM ratings WHERE juror_id = ? AND dossier_id = ? "
            "ORDER BY criterion_id", [juror_id, dossier_id])

        def work() -> None:
            self._write(
                "INSERT INTO recusals VALUES (?, ?, ?, ?) ON CONFLICT (juror_id, dossier_id) "
                "DO UPDATE SET reason = excluded.reason, declared_on = excluded.declared_on",
                [juror_id, dossier_id, reason, declared_on], "recusals")
            self._write(
                "INSERT INTO conflict_declarations VALUES (?, ?, true, ?) ON CONFLICT (juror_id, call_id) "
                "DO UPDATE SET has_conflicts = true, declared_on = excluded.declared_on",
                [juror_id, call_id, declared_on], "conflict_declarations")
            self._append_audit(actor, "récusation", "recusal", f"{juror_id}/{dossier_id}", None,
                               {"reason": reason, "declared_on": declared_on,
                                "ratings_no_longer_counted": [
                                    {"criterion_id": c, "score": s, "version": v} for c, s, v in affected]})
        self._transaction(work)
        return len(affected)

    def remove_recusal(self, actor: Actor, juror_id: str, dossier_id: str) -> None:
        require(actor, "manage_recusals")
        before = self._rows("SELECT reason, declared_on FROM recusals WHERE juror_id = ? AND dossier_id = ?",
                            [juror_id, dossier_id])
        if not before:
            raise StoreError(f"Aucune récusation de « {juror_id} » pour « {dossier_id} ».")

        def work() -> None:
            self._write("DELETE FROM recusals WHERE juror_id = ? AND dossier_id = ?", [juror_id, dossier_id],
                        "recusals")
            self._append_audit(actor, "levée de récusation", "recusal", f"{juror_id}/{dossier_id}",
                               {"reason": before[0][0], "declared_on": before[0][1]}, None)
        self._transaction(work)

    def declare_no_conflict(self, actor: Actor, juror_id: str, call_id: str, declared_on: date) -> None:
        """Record that a juror declares no conflict of interest for a call."""
        require(actor, "keep_conflict_register")
        if self._rows("SELECT 1 FROM recusals r JOIN dossiers d USING (dossier_id) "
                      "WHERE r.juror_id = ? AND d.call_id = ?", [juror_id, call_id]):
            raise StoreError(f"« {juror_id} » a des récusations pour « {call_id} » : levez-les d'abord.")

        def work() -> None:
            self._write(
                "INSERT INTO conflict_declarations VALUES (?, ?, false, ?) ON CONFLICT (juror_id, call_id) "
                "DO UPDATE SET has_conflicts = false, declared_on = excluded.declared_on",
                [juror_id, call_id, declared_on], "conflict_declarations")
            self._append_audit(actor, "déclaration sans conflit", "conflict_declaration",
                               f"{juror_id}/{call_id}", None, {"declared_on": declared_on})
        self._transaction(work)

    # ----------------------------------------------------------------- ratings
    def dossiers_to_rate(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """The call's dossiers the acting juror may rate: not recused, and, when the call's plan
        reserves the rating to rapporteurs, those the juror is a rapporteur of."""
        require_juror(actor, "rate")
        frame = self.dossiers(actor, call_id)
        frame = frame[~frame["dossier_id"].isin(self.recused_dossier_ids(actor, call_id))]
        plan = self.rapporteur_plan(call_id)
        if plan is not None and plan.rapporteurs_only:
            frame = frame[frame["dossier_id"].isin(self.rapporteur_dossier_ids(actor, call_id))]
        return frame

    def check_may_rate(self, actor: Actor, dossier_id: str) -> None:
        """Refuse, in French, a juror recused from the dossier, or not its rapporteur when the call reserves
        the rating to rapporteurs."""
        juror_id = require_juror(actor, "rate")
        if juror_id in self.dossier_recused_juror_ids(dossier_id):
            raise AccessDenied(f"Accès refusé : vous êtes récusé·e pour le dossier « {dossier_id} » ; "
                               "vous ne pouvez ni le noter ni voir les notes des autres jurés.")
        self.check_rapporteur(juror_id, dossier_id)

    def own_ratings(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """The acting juror's ratings of a call (recused dossiers excluded)."""
        juror_id = require_juror(actor, "read_own_ratings")
        return self._frame(
            "SELECT r.dossier_id, r.criterion_id, r.score, r.comment, r.rated_at, r.version "
            "FROM ratings r JOIN dossiers d USING (dossier_id) "
            "WHERE r.juror_id = ? AND d.call_id = ? AND NOT EXISTS ("
            "  SELECT 1 FROM recusals x WHERE x.juror_id = r.juror_id AND x.dossier_id = r.dossier_id) "
            "ORDER BY r.dossier_id, r.criterion_id", [juror_id, call_id])

    def dossier_ratings(self, actor: Actor, dossier_id: str) -> pd.DataFrame:
        """Ratings of one dossier: all of them for president, direction and
        administration; a juror sees only their own, and nothing when recused."""
        if may(actor, "read_all_ratings"):
            return self._frame(
                "SELECT r.*, j.name AS juror_name, (x.juror_id IS NULL) AS counts FROM ratings r "
                "LEFT JOIN jurors j USING (juror_id) "
                "LEFT JOIN recusals x ON x.juror_id = r.juror_id AND x.dossier_id = r.dossier_id "
                "WHERE r.dossier_id = ? ORDER BY r.juror_id, r.criterion_id", [dossier_id])
        self.check_may_rate(actor, dossier_id)
        return self._frame("SELECT r.*, true AS counts FROM ratings r WHERE r.dossier_id = ? AND r.juror_id = ? "
                           "ORDER BY r.criterion_id", [dossier_id, actor.juror_id])

    def ratings_for_ranking(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """The ratings that count, as the engine aggregates them (juror, dossier,
        criterion, score). A juror gets pseudonymous juror ids, drawn afresh at
        each call, and nothing on the dossiers they are recused from."""
        frame = self._frame(
            "SELECT r.juror_id AS juror, r.dossier_id AS dossier, r.criterion_id AS criterion, r.score "
            "FROM ratings r JOIN dossiers d USING (dossier_id) WHERE d.call_id = ? AND NOT EXISTS ("
            "  SELECT 1 FROM recusals x WHERE x.juror_id = r.juror_id AND x.dossier_id = r.dossier_id) "
            "ORDER BY r.dossier_id, r.criterion_id, r.juror_id", [call_id])
        if may(actor, "read_all_ratings"):
            return frame
        require(actor, "read_ranking")
        frame = frame[~frame["dossier"].isin(self.recused_dossier_ids(actor, call_id))].copy()
        frame["juror"] = frame["juror"].map(random_pseudonyms(frame["juror"]))
        return frame

    def save_rating(self, actor: Actor, dossier_id: str, criterion_id: str, score: int,
                    comment: str | None, expected_version: int | None) -> int:
        """Write one rating atomically (see `save_ratings`); returns its new version."""
        return self.save_ratings(actor, dossier_id, [RatingEntry(criterion_id, score, comment, expected_version)])[
            criterion_id]

    def save_ratings(self, actor: Actor, dossier_id: str, entries: list[RatingEntry]) -> dict[str, int]:
        """Write a juror's ratings of one dossier in one transaction, each audited;
        returns the new version per criterion.

        Optimistic concurrency: each entry's `expected_version` is the version
        the juror saw (None when there was no rating). If any stored rating has
        moved on, nothing is written and StaleWrite carries the current values.
        """
        juror_id = require_juror(actor, "rate")
        jury_criteria = {row[0] for row in self._rows(
            "SELECT criterion_id FROM criteria WHERE criterion_group = 'jury'")}
        for entry in entries:
            score: object = entry.score  # callers outside the typed code may pass anything
            if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
                raise StoreError(f"Note « {score} » refusée pour {entry.criterion_id} : "
                                 "un entier de 1 à 5 est attendu.")
            if entry.criterion_id not in jury_criteria:
                raise StoreError(f"Critère « {entry.criterion_id} » inconnu ou non noté par le jury.")
        if not self._rows("SELECT 1 FROM dossiers WHERE dossier_id = ?", [dossier_id]):
            raise StoreError(f"Dossier « {dossier_id} » inconnu.")

        def current_values() -> dict[str, dict[str, Any]]:
            return {c: {"score": s, "comment": m, "version": v} for c, s, m, v in self._rows(
                "SELECT criterion_id, score, comment, version FROM ratings WHERE juror_id = ? AND dossier_id = ?",
                [juror_id, dossier_id])}

        def work() -> dict[str, int]:
            self.check_may_rate(actor, dossier_id)
            current = current_values()
            stale = [e.criterion_id for e in entries
                     if (current.get(e.criterion_id) or {}).get("version") != e.expected_version]
            if stale:
                shown = ", ".join(
                    f"{c} : {current[c]['score'] if c in current else 'aucune'}" for c in stale)
                raise StaleWrite(
                    f"Enregistrement refusé : vos notes de « {dossier_id} » ont été modifiées ailleurs "
                    f"depuis leur affichage (valeurs actuelles — {shown}). Rien n'a été écrit ; "
                    "rechargez avant de modifier.", current)
            now = datetime.now()
            versions = {}
            written: dict[str, list[Any]] = {}  # criterion -> its row (one statement writes them all)
            for entry in entries:
                before = current.get(entry.criterion_id)
                comment = (entry.comment or "").strip() or None
                if before and before["score"] == entry.score and before["comment"] == comment:
                    versions[entry.criterion_id] = before["version"]
                    continue
                version = (before["version"] if before else 0) + 1
                written[entry.criterion_id] = [juror_id, dossier_id, entry.criterion_id, entry.score, comment, now,
                                               version]
                self._append_audit(actor, "notation", "rating", f"{juror_id}/{dossier_id}/{entry.criterion_id}",
                                   before, {"score": entry.score, "comment": comment, "version": version})
                versions[entry.criterion_id] = version
            if written:
                self._write(
                    f"INSERT INTO ratings VALUES {', '.join(['(?, ?, ?, ?, ?, ?, ?)'] * len(written))} "
                    "ON CONFLICT (juror_id, dossier_id, criterion_id) DO UPDATE SET "
                    "score = excluded.score, comment = excluded.comment, rated_at = excluded.rated_at, "
                    "version = excluded.version",
                    [value for row in written.values() for value in row], "ratings", dossier_id)
            return versions

        # Another session saving these ratings at the same moment writes first (writes run one
        # at a time): `work` then sees that session's versions and refuses a stale save.
        return self._transaction(work)

    # ------------------------------------------------- weights and decisions
    def save_weight_profile(self, actor: Actor, call_id: str, name: str, profile: dict[str, Any],
                            accepted_inconsistency: str | None = None) -> None:
        """Save a named weight profile for a call (audited, with the previous version). With
        `accepted_inconsistency` (what the person confirmed: « jury : CR = 0,105 »), the journal
        also keeps that they saved it knowing its AHP comparisons are inconsistent."""
        name = name.strip()
        if not name:
            raise StoreError("Le nom du profil est obligatoire.")
        if not self._rows("SELECT 1 FROM calls WHERE call_id = ?", [call_id]):
            raise StoreError(f"Appel « {call_id} » inconnu.")
        existing = self._rows("SELECT owner, spec FROM weight_profiles WHERE name = ? AND call_id = ?", [name, call_id])
        _profile_rules(actor, name, existing[0][0] if existing else None)
        payload = json.dumps(profile, ensure_ascii=False, sort_keys=True)

        def work() -> None:
            self._write(
                "INSERT INTO weight_profiles VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, call_id) "
                "DO UPDATE SET spec = excluded.spec, saved_at = excluded.saved_at",
                [name, call_id, existing[0][0] if existing else actor.login, payload, datetime.now()],
                "weight_profiles")
            self._append_audit(actor, "profil de pondération", "weight_profile", f"{call_id}/{name}",
                               json.loads(existing[0][1]) if existing else None, profile)
            if accepted_inconsistency:
                self._append_audit(actor, INCONSISTENCY_ACCEPTED, "weight_profile", f"{call_id}/{name}", None,
                                   {"consistency": accepted_inconsistency})
        self._transaction(work)

    def weight_profiles(self, actor: Actor, call_id: str) -> pd.DataFrame:
        """Profiles of a call the actor may see: a juror sees the jury's and their own."""
        frame = self._frame("SELECT name, owner, saved_at, spec FROM weight_profiles WHERE call_id = ? "
                            "ORDER BY name = ? DESC, name", [call_id, JURY_PROFILE])
        if actor.role == "jure":
            frame = frame[(frame["name"] == JURY_PROFILE) | (frame["owner"] == actor.login)]
        frame = frame.copy()
        frame["profile"] = [json.loads(s) for s in frame["spec"]]
        return frame.drop(columns=["spec"]).reset_index(drop=True)

    def weight_profile(self, actor: Actor, call_id: str, name: str) -> dict[str, Any] | None:
        frame = self.weight_profiles(actor, call_id)
        match = frame[frame["name"] == name]
        return None if match.empty else match.iloc[0]["profile"]

    def set_forcing(self, actor: Actor, call_id: str, dossier_id: str, kind: str | None,
                    justification: str = "") -> None:
        """Force a dossier into (`force_in`) or out of (`force_out`) the shortlist, or
        release it (`None`); a justification is required (president; audited)."""
        require(actor, "force_dossier")
        if kind not in ("force_in", "force_out", None):
            raise StoreError(f"Forçage « {kind} » inconnu.")
        if kind and not justification.strip():
            raise StoreError(f"Une justification est obligatoire pour forcer « {dossier_id} ».")
        self._require_dossier_of_call(dossier_id, call_id)
        before = self._rows("SELECT kind, justification FROM shortlist_forcings WHERE call_id = ? AND dossier_id = ?",
                            [call_id, dossier_id])

        def work() -> None:
            self._write("DELETE FROM shortlist_forcings WHERE call_id = ? AND dossier_id = ?",
                        [call_id, dossier_id], "shortlist_forcings")
            if kind:
                self._write("INSERT INTO shortlist_forcings VALUES (?, ?, ?, ?, ?, ?)",
                            [call_id, dossier_id, kind, justification.strip(), actor.login, datetime.now()],
                            "shortlist_forcings")
            self._append_audit(actor, "forçage de la liste restreinte", "shortlist_forcing", f"{call_id}/{dossier_id}",
                               {"kind": before[0][0], "justification": before[0][1]} if before else None,
                               {"kind": kind, "justification": justification.strip()} if kind else None)
            self._forcings_changed(actor, call_id, f"forçage : {self.dossier_label(dossier_id)} "
                                   f"{FORCING_LABELS[kind] if kind else 'levé'}")
        self._transaction(work)

    def forcings(self, actor: Actor, call_id: str) -> pd.DataFrame:
        return self._frame("SELECT * FROM shortlist_forcings WHERE call_id = ? ORDER BY dossier_id", [call_id])


@dataclass(frozen=True)
class RatingEntry:
    """One rating a juror submits, with the version they saw (None: none existed)."""

    criterion_id: str
    score: int
    comment: str | None
    expected_version: int | None

"""Import of dossiers, criteria, jurors, recusals and ratings from .xlsx or .csv.

Everything is read and validated before anything is written: every problem is
reported with its sheet, row, column and value (`ImportRejected`), and the
store is left exactly as it was. A valid file is written by the store in one
transaction (`Store.apply_import`). The format is `dashboard.report.workbook_format`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from dashboard.core.labels import TABLE_LABELS
from dashboard.errors import ImportRejected, Problem
from dashboard.report.workbook_format import (
    CALLS,
    CANDIDATES,
    CRITERIA,
    CRITERION_VALUES,
    DOSSIERS,
    JURORS,
    RATINGS,
    RECUSALS,
    SHEETS,
    Column,
    Sheet,
    normalise_header,
    sheet_by_name,
)
from dashboard.store import ImportSummary, Store
from dashboard.store.access import Actor, require

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3}|97\d{3})$")


@dataclass
class RawTable:
    """One sheet as read from the file: original headers and rows with their line numbers."""

    sheet: Sheet
    label: str
    headers: list[Any]
    rows: list[tuple[int, list[Any]]]


@dataclass
class ParsedFile:
    """The typed rows of each sheet found, plus the problems met."""

    rows: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # Rows refused for a cell problem, kept so that rows referring to them are
    # not reported a second time as referring to something unknown.
    refused: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


# --------------------------------------------------------------------- reading
def read_file(path: Path, original_name: str | None = None) -> tuple[list[RawTable], list[Problem], list[str]]:
    """Read an .xlsx or .csv into raw tables; unknown sheets are listed as ignored."""
    name = original_name or path.name
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return _read_csv(path, name)
    return [], [Problem(name, None, None, suffix or name,
                        "format non pris en charge : fournissez un classeur .xlsx ou un fichier .csv")], []


def _read_xlsx(path: Path) -> tuple[list[RawTable], list[Problem], list[str]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        return [], [Problem(path.name, None, None, None,
                            f"classeur illisible ({type(exc).__name__} : {exc})")], []
    tables, problems, ignored = [], [], []
    try:
        for worksheet in workbook.worksheets:
            sheet = sheet_by_name(worksheet.title)
            if sheet is None:
                ignored.append(worksheet.title)
                continue
            lines = list(worksheet.iter_rows(values_only=True))
            if not lines:
                problems.append(Problem(worksheet.title, 1, None, None, "feuille vide : ligne d'en-tête absente"))
                continue
            rows = [(number, list(line)) for number, line in enumerate(lines[1:], start=2)]
            tables.append(RawTable(sheet, worksheet.title, list(lines[0]), rows))
    finally:
        workbook.close()
    if not tables and not problems:
        expected = ", ".join(f"« {s.name} »" for s in SHEETS)
        problems.append(Problem(path.name, None, None, ", ".join(ignored),
                                f"aucune feuille reconnue ; feuilles attendues : {expected}"))
    return tables, problems, ignored


def _read_csv(path: Path, name: str) -> tuple[list[RawTable], list[Problem], list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not lines:
        return [], [Problem(name, 1, None, None, "fichier vide : ligne d'en-tête absente")], []
    headers = lines[0]
    sheet = sheet_by_name(Path(name).stem) or _sheet_from_headers(headers)
    if sheet is None:
        return [], [Problem(name, 1, None, ", ".join(headers),
                            "en-têtes non reconnus : nommez le fichier comme une feuille du classeur "
                            "(par exemple « Notes.csv ») ou utilisez les en-têtes d'une feuille")], []
    rows = [(number, [cell if cell != "" else None for cell in line])
            for number, line in enumerate(lines[1:], start=2)]
    return [RawTable(sheet, sheet.name, headers, rows)], [], []


def _sheet_from_headers(headers: list[str]) -> Sheet | None:
    present = {normalise_header(h) for h in headers}
    best, best_score = None, 0
    for sheet in SHEETS:
        required = {normalise_header(c.header) for c in sheet.columns if c.required}
        if required <= present:
            score = len({normalise_header(c.header) for c in sheet.columns} & present)
            if score > best_score:
                best, best_score = sheet, score
    return best


# --------------------------------------------------------------------- parsing
def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _parse_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _SPACES.sub("", str(value)).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern, order in ((_DATE_FR, (3, 2, 1)), (_DATE_ISO, (1, 2, 3))):
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(order[0])), int(match.group(order[1])), int(match.group(order[2])))
            except ValueError:
                return None
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_cell(column: Column, value: Any) -> tuple[Any, str | None]:
    """Typed value of one cell, or an error message in French."""
    if _is_blank(value):
        return (None, "valeur obligatoire manquante") if column.required else (None, None)
    if column.type == "text":
        text = _as_text(value)
        if column.key in ("insee_code",) and text.isdigit() and len(text) == 4:
            text = text.zfill(5)
        return text, None
    if column.type == "choice":
        wanted = normalise_header(value)
        for choice in column.choices:
            if normalise_header(choice) == wanted:
                return choice, None
        allowed = ", ".join(f"« {c} »" for c in column.choices)
        return None, f"valeur non reconnue ; valeurs possibles : {allowed}"
    if column.type == "date":
        parsed = _parse_date(value)
        return (parsed, None) if parsed else (None, "date attendue (JJ/MM/AAAA)")
    number = _parse_number(value)
    if number is None or number != number:
        kind = "nombre entier" if column.type == "int" else "nombre"
        return None, f"{kind} attendu"
    if column.type == "int":
        if not number.is_integer():
            return None, "nombre entier attendu"
        number = int(number)
    if column.minimum is not None and number < column.minimum:
        return None, _range_message(column)
    if column.maximum is not None and number > column.maximum:
        return None, _range_message(column)
    return number, None


def _range_message(column: Column) -> str:
    if column.minimum is not None and column.maximum is not None:
        return f"valeur hors de l'intervalle {column.minimum:g}–{column.maximum:g}"
    if column.minimum is not None:
        return f"valeur inférieure au minimum {column.minimum:g}"
    return f"valeur supérieure au maximum {column.maximum:g}"


def parse_tables(tables: list[RawTable]) -> ParsedFile:
    """Check headers and types of every row; keep the good rows and every problem."""
    parsed = ParsedFile()
    for table in tables:
        sheet = table.sheet
        if sheet.key in parsed.rows:
            parsed.problems.append(Problem(table.label, None, None, None,
                                           f"feuille « {sheet.name} » présente deux fois"))
            continue
        positions: dict[str, int] = {}
        folded = [normalise_header(h) if h is not None else "" for h in table.headers]
        for column in sheet.columns:
            wanted = normalise_header(column.header)
            if wanted in folded:
                positions[column.key] = folded.index(wanted)
            elif column.required:
                parsed.problems.append(Problem(table.label, 1, column.header, None,
                                               "colonne obligatoire absente"))
        known = {normalise_header(c.header) for c in sheet.columns}
        for header, fold in zip(table.headers, folded, strict=True):
            if fold and fold not in known:
                parsed.ignored.append(f"{table.label} : colonne « {header} »")
        if any(c.required and c.key not in positions for c in sheet.columns):
            continue
        good_rows: list[tuple[int, dict[str, Any]]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for number, cells in table.rows:
            values = [cells[i] if i < len(cells) else None for i in positions.values()]
            if all(_is_blank(v) for v in values):
                continue  # a wholly empty line carries nothing
            record: dict[str, Any] = {}
            row_ok = True
            for column in sheet.columns:
                position = positions.get(column.key)
                raw = cells[position] if position is not None and position < len(cells) else None
                value, error = parse_cell(column, raw)
                if error:
                    parsed.problems.append(Problem(table.label, number, column.header, raw, error))
                    row_ok = False
                record[column.key] = value
            if not row_ok:
                parsed.refused.setdefault(sheet.key, []).append(record)
                continue
            key = tuple(record[k] for k in sheet.key_columns)
            if key in seen:
                shown = " / ".join(str(k) for k in key if k is not None)
                parsed.problems.append(Problem(
                    table.label, number, sheet.column(sheet.key_columns[0]).header, shown,
                    f"identifiant en double (déjà ligne {seen[key]})"))
                continue
            seen[key] = number
            good_rows.append((number, record))
        parsed.rows[sheet.key] = good_rows
        parsed.labels[sheet.key] = table.label
    return parsed


# ------------------------------------------------------------- cross-checking
@dataclass
class _References:
    """What rows may refer to: ids from the file (rows kept or refused) and from the store."""

    calls: set[str]
    candidates: set[str]
    jurors: set[str]
    communes: set[str]
    criteria: dict[str, dict[str, Any]]     # criterion id → its group and bounds
    dossier_calls: dict[str, str]           # dossier id → its call


def _known_ids(parsed: ParsedFile, store: Store, sheet: Sheet) -> set[str]:
    """The first key column of a sheet: in the file's kept and refused rows, and in the store."""
    first = sheet.key_columns[0]
    in_file = {record[first] for _, record in parsed.rows.get(sheet.key, [])}
    refused = {record[first] for record in parsed.refused.get(sheet.key, [])}
    return in_file | refused | {key[0] for key in store.existing_keys(sheet.key)}


def _known_criteria(parsed: ParsedFile, store: Store) -> dict[str, dict[str, Any]]:
    """The criteria of the file, then those of the store's catalogue not in the file."""
    criteria = {record["criterion_id"]: record for _, record in parsed.rows.get(CRITERIA.key, [])}
    for stored in store.criteria().to_dict("records"):
        criteria.setdefault(stored["criterion_id"], {"group": stored["criterion_group"],
                                                     "lower": stored["lower"], "upper": stored["upper"]})
    return criteria


def _known_dossier_calls(parsed: ParsedFile, store: Store, actor: Actor) -> dict[str, str]:
    """The call of each dossier of the file (kept or refused rows) and of the store."""
    dossier_calls = {record["dossier_id"]: record["call_id"] for _, record in parsed.rows.get(DOSSIERS.key, [])}
    for record in parsed.refused.get(DOSSIERS.key, []):
        dossier_calls.setdefault(record["dossier_id"], record["call_id"])
    for dossier in store.dossiers(actor).itertuples():
        dossier_calls.setdefault(dossier.dossier_id, dossier.call_id)
    return dossier_calls


def _references(parsed: ParsedFile, store: Store, actor: Actor) -> _References:
    """Everything the rows of the file may refer to."""
    return _References(calls=_known_ids(parsed, store, CALLS), candidates=_known_ids(parsed, store, CANDIDATES),
                       jurors=_known_ids(parsed, store, JURORS), communes=store.commune_codes(),
                       criteria=_known_criteria(parsed, store),
                       dossier_calls=_known_dossier_calls(parsed, store, actor))


def _report(parsed: ParsedFile, sheet: Sheet, number: int, column: str, value: Any, message: str) -> None:
    """Record a problem in a cell of `sheet`, named as in the file."""
    parsed.problems.append(Problem(parsed.labels.get(sheet.key, sheet.name), number, sheet.column(column).header,
                                   value, message))


def _check_criteria(parsed: ParsedFile) -> None:
    """A scored criterion has a direction; its bounds are in order."""
    for number, record in parsed.rows.get(CRITERIA.key, []):
        if record["group"] in ("objectif", "dossier", "jury") and record["direction"] is None:
            _report(parsed, CRITERIA, number, "direction", None,
                    f"sens obligatoire (max ou min) pour un critère du groupe « {record['group']} »")
        if record["lower"] is not None and record["upper"] is not None and record["lower"] > record["upper"]:
            _report(parsed, CRITERIA, number, "upper", record["upper"],
                    f"borne haute inférieure à la borne basse ({record['lower']:g})")


def _check_candidates(parsed: ParsedFile, known: _References) -> None:
    """INSEE codes from the communes reference; a SIREN of nine digits."""
    for number, record in parsed.rows.get(CANDIDATES.key, []):
        if not _INSEE.match(record["insee_code"]) or record["insee_code"] not in known.communes:
            _report(parsed, CANDIDATES, number, "insee_code", record["insee_code"],
                    "code INSEE inconnu du référentiel des communes")
        for code in _split(record["member_communes"]):
            if code not in known.communes:
                _report(parsed, CANDIDATES, number, "member_communes", code,
                        "code INSEE inconnu du référentiel des communes")
        siren = record["siren"]
        if siren is not None and not (siren.isdigit() and len(siren) == 9):
            _report(parsed, CANDIDATES, number, "siren", siren, "SIREN attendu sur 9 chiffres")


def _check_dossiers(parsed: ParsedFile, known: _References) -> None:
    """A known call and candidate; three sectors at most."""
    for number, record in parsed.rows.get(DOSSIERS.key, []):
        if record["call_id"] not in known.calls:
            _report(parsed, DOSSIERS, number, "call_id", record["call_id"], "appel inconnu")
        if record["candidate_id"] not in known.candidates:
            _report(parsed, DOSSIERS, number, "candidate_id", record["candidate_id"], "candidat inconnu")
        if len(_split(record["sectors"])) > 3:
            _report(parsed, DOSSIERS, number, "sectors", record["sectors"], "trois filières au plus")


def _check_criterion_values(parsed: ParsedFile, known: _References) -> None:
    """A known dossier and criterion; a jury criterion's value on its scale."""
    for number, record in parsed.rows.get(CRITERION_VALUES.key, []):
        if record["dossier_id"] not in known.dossier_calls:
            _report(parsed, CRITERION_VALUES, number, "dossier_id", record["dossier_id"], "dossier inconnu")
        criterion = known.criteria.get(record["criterion_id"])
        if criterion is None:
            _report(parsed, CRITERION_VALUES, number, "criterion_id", record["criterion_id"],
                    "critère inconnu du catalogue")
        elif criterion["group"] == "jury" and not _within(record["value"], criterion):
            _report(parsed, CRITERION_VALUES, number, "value", record["value"], "valeur hors de l'échelle du critère")


def _stored_recusals(store: Store, actor: Actor) -> set[tuple[str, str]]:
    """(juror, dossier) of the recusals already in the store."""
    frame = store.recusals(actor)
    return {(str(juror), str(dossier)) for juror, dossier in zip(frame["juror_id"], frame["dossier_id"], strict=True)}


def _check_recusals(parsed: ParsedFile, known: _References, recused: set[tuple[str, str]]) -> None:
    """A known juror, call and dossier of that call; no « aucun conflit » next to conflicts.
    Adds the file's recusals to `recused` (for `_check_ratings`)."""
    declarations: dict[tuple[str, str], set[bool]] = {}
    for number, record in parsed.rows.get(RECUSALS.key, []):
        if record["juror_id"] not in known.jurors:
            _report(parsed, RECUSALS, number, "juror_id", record["juror_id"], "juré inconnu")
        if record["call_id"] not in known.calls:
            _report(parsed, RECUSALS, number, "call_id", record["call_id"], "appel inconnu")
        dossier = record["dossier_id"]
        if dossier is not None:
            if dossier not in known.dossier_calls:
                _report(parsed, RECUSALS, number, "dossier_id", dossier, "dossier inconnu")
            elif known.dossier_calls[dossier] != record["call_id"]:
                _report(parsed, RECUSALS, number, "dossier_id", dossier,
                        f"ce dossier relève de l'appel « {known.dossier_calls[dossier]} »")
            recused.add((record["juror_id"], dossier))
        flags = declarations.setdefault((record["juror_id"], record["call_id"]), set())
        flags.add(dossier is not None)
        if flags == {True, False}:
            _report(parsed, RECUSALS, number, "dossier_id", dossier,
                    "le juré déclare à la fois « aucun conflit » et des conflits pour cet appel")


def _check_ratings(parsed: ParsedFile, known: _References, recused: set[tuple[str, str]]) -> None:
    """A known juror, dossier and jury criterion; no rating by a recused juror."""
    for number, record in parsed.rows.get(RATINGS.key, []):
        if record["juror_id"] not in known.jurors:
            _report(parsed, RATINGS, number, "juror_id", record["juror_id"], "juré inconnu")
        if record["dossier_id"] not in known.dossier_calls:
            _report(parsed, RATINGS, number, "dossier_id", record["dossier_id"], "dossier inconnu")
        criterion = known.criteria.get(record["criterion_id"])
        if criterion is None or criterion["group"] != "jury":
            _report(parsed, RATINGS, number, "criterion_id", record["criterion_id"],
                    "critère de notation du jury inconnu")
        if (record["juror_id"], record["dossier_id"]) in recused:
            _report(parsed, RATINGS, number, "dossier_id", record["dossier_id"],
                    f"le juré « {record['juror_id']} » est récusé pour ce dossier")


def check_references(parsed: ParsedFile, store: Store, actor: Actor) -> None:
    """Check what rows refer to (calls, candidates, communes, criteria…) against file and store."""
    known = _references(parsed, store, actor)
    _check_criteria(parsed)
    _check_candidates(parsed, known)
    _check_dossiers(parsed, known)
    _check_criterion_values(parsed, known)
    recused = _stored_recusals(store, actor)
    _check_recusals(parsed, known, recused)
    _check_ratings(parsed, known, recused)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _within(value: float, criterion: dict[str, Any]) -> bool:
    lower, upper = criterion.get("lower"), criterion.get("upper")
    if lower is not None and lower == lower and value < lower:
        return False
    return not (upper is not None and upper == upper and value > upper)


# ---------------------------------------------------------------- assembling
def to_store_rows(parsed: ParsedFile) -> dict[str, list[dict[str, Any]]]:
    """Map the typed sheet rows to the store's tables."""
    rows = {key: [record for _, record in records] for key, records in parsed.rows.items()}
    tables: dict[str, list[dict[str, Any]]] = {}
    for key in ("calls", "candidates", "dossiers", "criterion_values", "jurors", "ratings"):
        if key in rows:
            tables[key] = rows[key]
    if "criteria" in rows:
        tables["criteria"] = [
            {**{k: v for k, v in record.items() if k != "group"},
             "criterion_group": record["group"], "position": position}
            for position, record in enumerate(rows["criteria"], start=1)
        ]
    if "recusals" in rows:
        declarations: dict[tuple[str, str], dict[str, Any]] = {}
        recusals = []
        for record in rows["recusals"]:
            juror_call = (record["juror_id"], record["call_id"])
            entry = declarations.setdefault(juror_call, {"juror_id": juror_call[0], "call_id": juror_call[1],
                                                         "has_conflicts": False,
                                                         "declared_on": record["declared_on"]})
            entry["declared_on"] = max(entry["declared_on"], record["declared_on"])
            if record["dossier_id"] is not None:
                entry["has_conflicts"] = True
                recusals.append({"juror_id": record["juror_id"], "dossier_id": record["dossier_id"],
                                 "reason": record["reason"], "declared_on": record["declared_on"]})
        tables["conflict_declarations"] = list(declarations.values())
        if recusals:
            tables["recusals"] = recusals
    return tables


@dataclass
class ImportReport:
    """The outcome of an accepted import, for the CLI and the import page."""

    summary: ImportSummary
    ignored: list[str]

    def lines(self) -> list[str]:
        out = [f"Import de « {self.summary.source} » réussi."]
        for table, change in self.summary.changes.items():
            out.append(f"  – {TABLE_LABELS.get(table, table)} : {change.added} ajouté(s), "
                       f"{change.updated} modifié(s), {change.unchanged} inchangé(s)")
        if not self.summary.changed_anything:
            out.append("Aucun changement : la base contenait déjà ces données.")
        for item in self.ignored:
            out.append(f"  (ignoré : {item})")
        return out




def import_file(path: Path, store: Store, actor: Actor, original_name: str | None = None) -> ImportReport:
    """Validate then import a file; raise ImportRejected listing every problem."""
    require(actor, "import_data")
    tables, problems, ignored_sheets = read_file(Path(path), original_name)
    parsed = parse_tables(tables)
    parsed.problems[:0] = problems
    parsed.ignored[:0] = [f"feuille « {name} »" for name in ignored_sheets]
    # Reference checks need every sheet readable; a missing sheet column would
    # make each row referring to it look like an error of its own.
    if not any(problem.row in (None, 1) for problem in parsed.problems):
        check_references(parsed, store, actor)
    if parsed.problems:
        raise ImportRejected(parsed.problems)
    summary = store.apply_import(to_store_rows(parsed), actor=actor,
                                 source=original_name or Path(path).name)
    return ImportReport(summary, parsed.ignored)

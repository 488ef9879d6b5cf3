"""Import of dossiers, criteria, jurors, recusals and ratings from .xlsx, .ods or .csv.

Everything is read and validated before anything is written: every problem is
reported with its sheet, row, column and value (`ImportRejected`, at most
`MAX_LISTED_PROBLEMS` listed), and the store is left exactly as it was, journal
included. A valid file is written by the store in one transaction
(`Store.apply_import`). The format is `dashboard.report.workbook_format`; the
files are read by `dashboard.services.import_reader`.

Nothing is erased by omission: a column absent from a sheet leaves the stored
values of that column as they are (only the columns present are compared and
written), while an empty cell in a present column is a change like any other.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dashboard.core.formatting import fr_number, is_missing
from dashboard.core.labels import TABLE_LABELS
from dashboard.errors import MAX_LISTED_PROBLEMS, ImportRejected, Problem
from dashboard.report.workbook_format import (
    CALLS,
    CANDIDATES,
    CRITERIA,
    CRITERION_VALUES,
    DOSSIERS,
    IDENTIFIER,
    JURORS,
    MAX_INTEGER,
    RATINGS,
    RECUSALS,
    Column,
    Sheet,
    normalise_header,
)
from dashboard.services.import_reader import (
    HEADER_SEARCH_ROWS,
    CellError,
    FormulaWithoutValue,
    Percent,
    RawTable,
    column_letter,
    read_file,
)
from dashboard.store import ImportSummary, Store
from dashboard.store.access import Actor, require

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3}|97\d{3})$")
_PERCENT_TEXT = re.compile(r"^\s*([-+]?[\d\s\u00a0\u202f.,]+?)\s*%\s*$")

# The cells a percentage may fill: a criterion's value and bounds, converted to
# « % » when the criterion's unit says so (0,103 shown « 10,3 % » becomes 10.3).
PERCENT_COLUMNS = {
    (CRITERION_VALUES.key, "value"),
    (CRITERIA.key, "lower"), (CRITERIA.key, "upper"), (CRITERIA.key, "derogation_lower"),
}
# A report lists this many ignored sheets and columns, then counts the others.
MAX_LISTED_IGNORED = 50
_CRITERION_FIELDS = ("group", "unit", "direction", "lower", "upper", "derogation_lower")


class ProblemLog:
    """The problems found in a file: the first ones kept, all of them counted."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.total = 0
        self.structural = False  # a sheet could not be read as a table (missing column, bad header…)

    def add(self, problem: Problem, *, structural: bool = False) -> None:
        self.total += 1
        self.structural = self.structural or structural
        if len(self.kept) < MAX_LISTED_PROBLEMS:
            self.kept.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class PercentCell:
    """A cell shown as a percentage in a column that may take one (see PERCENT_COLUMNS)."""

    sheet_key: str
    number: int
    column_key: str
    percent: Percent


@dataclass
class ParsedFile:
    """The typed rows of each sheet found, plus the problems met and what to tell the user."""

    rows: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    # The columns each sheet holds: only those are compared and written.
    present: dict[str, set[str]] = field(default_factory=dict)
    problems: ProblemLog = field(default_factory=ProblemLog)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    percent_cells: list[PercentCell] = field(default_factory=list)
    # Rows refused for a cell problem, kept so that rows referring to them are
    # not reported a second time as referring to something unknown.
    refused: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


# --------------------------------------------------------------------- parsing
def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _decimal_text(text: str) -> str:
    """A number as typed in France (« 12 345,6 ») as Python reads it (« 12345.6 »)."""
    return _SPACES.sub("", text).replace(",", ".")


def _parse_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(_decimal_text(str(value)))
    except ValueError:
        return None


def _percent_from_text(value: Any) -> Percent | None:
    """« 10,3 % » typed in a cell (or a CSV) as the percentage it shows."""
    match = _PERCENT_TEXT.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        shown = Decimal(_decimal_text(match.group(1)))
    except InvalidOperation:
        return None
    return Percent(float(shown / 100))


def as_percent(percent: Percent) -> float:
    """The number a percentage shows: 0,103 → 10,3 (decimal arithmetic, so no 10,299999…)."""
    return float(Decimal(repr(percent.fraction)) * 100)


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


def _marker_error(value: Any) -> str | None:
    """The message for a cell whose file holds no usable value."""
    if isinstance(value, FormulaWithoutValue):
        return "formule sans valeur calculée : ouvrez puis enregistrez le classeur dans Excel ou LibreOffice"
    if isinstance(value, CellError):
        return "la formule de cette cellule donne une erreur : corrigez-la dans le classeur"
    if isinstance(value, Percent):
        return ("cellule au format pourcentage : cette colonne attend un nombre sans pourcentage "
                "(retirez le format « % » de la cellule)")
    return None


def _parse_text(column: Column, value: Any) -> tuple[Any, str | None]:
    text = _as_text(value)
    if column.type == "id" and not IDENTIFIER.match(text):
        return None, ("identifiant invalide : de 1 à 64 caractères parmi lettres sans accent, chiffres, "
                      "« . », « _ » et « - », commençant par une lettre ou un chiffre")
    if column.key == "insee_code" and text.isdigit() and len(text) == 4:
        text = text.zfill(5)
    return text, None


def _parse_choice(column: Column, value: Any) -> tuple[Any, str | None]:
    wanted = normalise_header(value)
    for choice in column.choices:
        if normalise_header(choice) == wanted:
            return choice, None
    allowed = ", ".join(f"« {c} »" for c in column.choices)
    return None, f"valeur non reconnue ; valeurs possibles : {allowed}"


def _parse_numeric(column: Column, value: Any) -> tuple[Any, str | None]:
    number = _parse_number(value)
    kind = "nombre entier" if column.type == "int" else "nombre"
    if number is None or math.isnan(number):
        return None, f"{kind} attendu"
    if math.isinf(number):
        return None, f"{kind} fini attendu (valeur infinie ou hors des limites du calcul)"
    if column.type == "int":
        if not number.is_integer():
            return None, "nombre entier attendu"
        if abs(number) > MAX_INTEGER:
            return None, f"nombre entier trop grand : au plus {fr_number(MAX_INTEGER)}"
        number = int(number)
    if column.minimum is not None and number < column.minimum:
        return None, _range_message(column)
    if column.maximum is not None and number > column.maximum:
        return None, _range_message(column)
    return number, None


def parse_cell(column: Column, value: Any) -> tuple[Any, str | None]:
    """Typed value of one cell, or an error message in French."""
    marker = _marker_error(value)
    if marker:
        return None, marker
    if _is_blank(value):
        return (None, "valeur obligatoire manquante") if column.required else (None, None)
    if column.type in ("id", "text"):
        return _parse_text(column, value)
    if column.type == "choice":
        return _parse_choice(column, value)
    if column.type == "date":
        parsed = _parse_date(value)
        return (parsed, None) if parsed else (None, "date attendue (JJ/MM/AAAA)")
    return _parse_numeric(column, value)


def _range_message(column: Column) -> str:
    if column.minimum is not None and column.maximum is not None:
        return f"valeur hors de l'intervalle {_fr_g(column.minimum)}–{_fr_g(column.maximum)}"
    if column.minimum is not None:
        return f"valeur inférieure au minimum {_fr_g(column.minimum)}"
    return f"valeur supérieure au maximum {_fr_g(column.maximum)}"


# ---------------------------------------------------------------- the header
@dataclass
class _Header:
    """Where a sheet's header is and which column holds each field."""

    number: int
    cells: list[Any]
    positions: dict[str, int] = field(default_factory=dict)


def _folded(cells: list[Any]) -> list[str]:
    return [normalise_header(c) if not _is_blank(c) and not isinstance(c, (Percent, CellError)) else ""
            for c in cells]


def _find_header(table: RawTable, parsed: ParsedFile) -> _Header | None:
    """The first of the first lines holding every required header; problems when none does."""
    required = [c for c in table.sheet.columns if c.required]
    candidates = [(number, cells) for number, cells in table.lines if number <= HEADER_SEARCH_ROWS]
    if not candidates:
        parsed.problems.add(Problem(table.label, 1, None, None, "feuille vide : ligne d'en-tête absente"),
                            structural=True)
        return None
    best_number, best_found = candidates[0][0], -1
    for number, cells in candidates:
        folded = set(_folded(cells))
        found = sum(normalise_header(c.header) in folded for c in required)
        if found == len(required):
            return _Header(number, cells)
        if found > best_found:
            best_number, best_found = number, found
    folded_best = set(_folded(next(cells for number, cells in candidates if number == best_number)))
    searched = f"en-têtes cherchés dans les {HEADER_SEARCH_ROWS} premières lignes"
    for column in required:
        if normalise_header(column.header) not in folded_best:
            parsed.problems.add(Problem(table.label, best_number, column.header, None,
                                        f"colonne obligatoire absente ({searched})"), structural=True)
    return None


def _read_header(table: RawTable, parsed: ParsedFile) -> _Header | None:
    """Locate the header, map each column of the sheet to its position, and say what is odd about it."""
    header = _find_header(table, parsed)
    if header is None:
        return None
    sheet, label, cells = table.sheet, table.label, header.cells
    folded = _folded(cells)
    known = {normalise_header(c.header): c for c in sheet.columns}
    for position, fold in enumerate(folded):
        column = known.get(fold)
        if column is None:
            if fold:
                parsed.ignored.append(f"{label} : colonne « {cells[position]} »")
            continue
        if column.key in header.positions:
            first = column_letter(header.positions[column.key] + 1)
            parsed.problems.add(Problem(label, header.number, column.header, None,
                                        f"colonne en double (déjà colonne {first})"), structural=True)
            continue
        header.positions[column.key] = position
    _check_blank_headers(table, header, folded, parsed)
    if header.number != 1:
        parsed.notes.append(f"{label} : en-têtes lus ligne {header.number}")
    for column in sheet.columns:
        if column.key in header.positions:
            continue
        if column.key in sheet.key_columns:  # the Récusations' « Dossier »: every row declares no conflict
            parsed.notes.append(f"{label} : colonne « {column.header} » absente : chaque ligne déclare "
                                "« aucun conflit » pour son appel")
        else:
            parsed.notes.append(f"{label} : colonne « {column.header} » absente : valeurs existantes conservées")
    return header


def _check_blank_headers(table: RawTable, header: _Header, folded: list[str], parsed: ParsedFile) -> None:
    """A column holding values under a blank header cell (often a merged header) is refused."""
    width = max((len(cells) for number, cells in table.lines if number > header.number), default=0)
    for position in range(width):
        if position < len(folded) and folded[position]:
            continue
        holds_values = any(position < len(cells) and not _is_blank(cells[position])
                           for number, cells in table.lines if number > header.number)
        if holds_values:
            parsed.problems.add(Problem(table.label, header.number, column_letter(position + 1), None,
                                        "en-tête manquant (cellule fusionnée ?) au-dessus de valeurs : "
                                        "donnez un en-tête à cette colonne ou videz-la"), structural=True)


def _row_list(numbers: list[int], shown: int = 20) -> str:
    """« 3, 5, 12 », or the first rows and how many there are in all."""
    listed = ", ".join(str(n) for n in numbers[:shown])
    return listed if len(numbers) <= shown else f"{listed} … ({len(numbers)} au total)"


def _hidden_notes(table: RawTable, header: _Header, parsed: ParsedFile) -> None:
    """Hidden rows and columns are imported like the others, and said so."""
    rows = [number for number, _ in table.lines if number > header.number and number in table.hidden_rows]
    if rows:
        parsed.notes.append(f"{table.label} : lignes masquées importées : {_row_list(rows)}")
    columns = [table.sheet.column(key).header for key, position in header.positions.items()
               if position + 1 in table.hidden_columns]
    if columns:
        parsed.notes.append(f"{table.label} : colonnes masquées importées : "
                            + ", ".join(f"« {c} »" for c in columns))


# ---------------------------------------------------------------- the rows
def _cell(table: RawTable, parsed: ParsedFile, number: int, column: Column, raw: Any) -> tuple[Any, bool]:
    """The typed value of one cell and whether it is acceptable; a percentage is kept for later."""
    sheet = table.sheet
    if column.type in ("int", "float"):
        raw = _percent_from_text(raw) or raw
    if isinstance(raw, Percent) and (sheet.key, column.key) in PERCENT_COLUMNS:
        parsed.percent_cells.append(PercentCell(sheet.key, number, column.key, raw))
        return raw.fraction, True
    value, error = parse_cell(column, raw)
    if error:
        parsed.problems.add(Problem(table.label, number, column.header, raw, error))
        return None, False
    return value, True


def _parse_rows(table: RawTable, header: _Header, parsed: ParsedFile) -> list[tuple[int, dict[str, Any]]]:
    sheet = table.sheet
    present = [c for c in sheet.columns if c.key in header.positions]
    good_rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in table.lines:
        if number <= header.number:
            continue
        raws = {c.key: cells[header.positions[c.key]] if header.positions[c.key] < len(cells) else None
                for c in present}
        if all(_is_blank(v) for v in raws.values()):
            continue  # a line with values only in ignored columns carries nothing
        record: dict[str, Any] = {}
        row_ok = True
        for column in present:
            record[column.key], ok = _cell(table, parsed, number, column, raws[column.key])
            row_ok = row_ok and ok
        record = _complete(sheet, record)
        if not row_ok:
            parsed.refused.setdefault(sheet.key, []).append(record)
            continue
        key = tuple(record[k] for k in sheet.key_columns)
        if key in seen:
            shown = " / ".join(str(k) for k in key if k is not None)
            parsed.problems.add(Problem(table.label, number, sheet.column(sheet.key_columns[0]).header, shown,
                                        f"identifiant en double (déjà ligne {seen[key]})"))
            continue
        seen[key] = number
        good_rows.append((number, record))
    return good_rows


def _complete(sheet: Sheet, record: dict[str, Any]) -> dict[str, Any]:
    """A record with every column of its sheet (None where the file has no such column)."""
    return {c.key: record.get(c.key) for c in sheet.columns}


def parse_tables(tables: list[RawTable], parsed: ParsedFile | None = None) -> ParsedFile:
    """Locate each sheet's header, check the types of every row; keep the good rows and every problem."""
    parsed = parsed or ParsedFile()
    for table in tables:
        sheet = table.sheet
        if sheet.key in parsed.labels:
            parsed.problems.add(Problem(table.label, None, None, None,
                                        f"feuille « {sheet.name} » présente deux fois"), structural=True)
            continue
        parsed.labels[sheet.key] = table.label
        header = _read_header(table, parsed)
        if header is None:
            continue
        _hidden_notes(table, header, parsed)
        parsed.present[sheet.key] = set(header.positions)
        parsed.rows[sheet.key] = _parse_rows(table, header, parsed)
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
    dossier_calls: dict[str, str | None]    # dossier id → its call (None: a refused row without one)


def _known_ids(parsed: ParsedFile, store: Store, sheet: Sheet) -> set[str]:
    """The first key column of a sheet: in the file's kept and refused rows, and in the store."""
    first = sheet.key_columns[0]
    in_file = {record[first] for _, record in parsed.rows.get(sheet.key, [])}
    refused = {record[first] for record in parsed.refused.get(sheet.key, [])}
    return in_file | refused | {key[0] for key in store.existing_keys(sheet.key)}


def _stored_criteria(store: Store) -> dict[str, dict[str, Any]]:
    """The store's catalogue: each criterion's group, unit, direction and bounds (None where unset)."""
    catalogue = {}
    for stored in store.criteria().to_dict("records"):
        stored["group"] = stored["criterion_group"]
        catalogue[stored["criterion_id"]] = {k: None if is_missing(stored.get(k)) else stored.get(k)
                                             for k in _CRITERION_FIELDS}
    return catalogue


def _known_criteria(parsed: ParsedFile, store: Store) -> dict[str, dict[str, Any]]:
    """Each criterion as it will be after the import: the file's row, completed by the stored
    criterion for the columns the file does not have, then the store's other criteria."""
    stored = _stored_criteria(store)
    present = parsed.present.get(CRITERIA.key, set())
    criteria: dict[str, dict[str, Any]] = {}
    for _, record in parsed.rows.get(CRITERIA.key, []):
        before = stored.get(record["criterion_id"], {})
        criteria[record["criterion_id"]] = {k: record[k] if k in present else before.get(k)
                                            for k in _CRITERION_FIELDS}
    for criterion_id, criterion in stored.items():
        criteria.setdefault(criterion_id, criterion)
    return criteria


def _known_dossier_calls(parsed: ParsedFile, store: Store, actor: Actor) -> dict[str, str | None]:
    """The call of each dossier of the file (kept or refused rows) and of the store."""
    dossier_calls: dict[str, str | None] = {record["dossier_id"]: record["call_id"]
                                            for _, record in parsed.rows.get(DOSSIERS.key, [])}
    for record in parsed.refused.get(DOSSIERS.key, []):
        dossier_calls.setdefault(record["dossier_id"], record["call_id"])
    stored = store.dossiers(actor)
    for dossier_id, call_id in zip(stored["dossier_id"], stored["call_id"], strict=True):
        dossier_calls.setdefault(str(dossier_id), str(call_id))
    return dossier_calls


def _references(parsed: ParsedFile, store: Store, actor: Actor) -> _References:
    """Everything the rows of the file may refer to."""
    return _References(calls=_known_ids(parsed, store, CALLS), candidates=_known_ids(parsed, store, CANDIDATES),
                       jurors=_known_ids(parsed, store, JURORS), communes=store.commune_codes(),
                       criteria=_known_criteria(parsed, store),
                       dossier_calls=_known_dossier_calls(parsed, store, actor))


def _report(parsed: ParsedFile, sheet: Sheet, number: int, column: str, value: Any, message: str) -> None:
    """Record a problem in a cell of `sheet`, named as in the file."""
    parsed.problems.add(Problem(parsed.labels.get(sheet.key, sheet.name), number, sheet.column(column).header,
                                value, message))


def _check_criteria(parsed: ParsedFile, known: _References) -> None:
    """A scored criterion has a direction; its bounds are in order (file values, else stored ones)."""
    for number, record in parsed.rows.get(CRITERIA.key, []):
        criterion = known.criteria[record["criterion_id"]]
        if criterion["group"] in ("objectif", "dossier", "jury") and criterion["direction"] is None:
            _report(parsed, CRITERIA, number, "direction", None,
                    f"sens obligatoire (max ou min) pour un critère du groupe « {criterion['group']} »")
        lower, upper = criterion["lower"], criterion["upper"]
        if lower is not None and upper is not None and lower > upper:
            _report(parsed, CRITERIA, number, "upper", upper,
                    f"borne haute inférieure à la borne basse ({_fr_g(lower)})")


def _apply_percentages(parsed: ParsedFile, known: _References) -> None:
    """A percentage in a criterion whose unit holds « % » is the number it shows (×100);
    anywhere else it is refused, since its stored fraction would silently differ from what was seen."""
    converted: dict[str, list[int]] = {}
    records = {key: dict(rows) for key, rows in parsed.rows.items()}
    for cell in parsed.percent_cells:
        record = records.get(cell.sheet_key, {}).get(cell.number)
        if record is None:
            continue  # the row was refused for another cell
        criterion_id = record["criterion_id"]
        criterion = known.criteria.get(criterion_id)
        if criterion is None:
            continue  # reported as an unknown criterion
        unit = criterion["unit"]
        sheet = CRITERIA if cell.sheet_key == CRITERIA.key else CRITERION_VALUES
        if unit is not None and "%" in unit:
            record[cell.column_key] = as_percent(cell.percent)
            if sheet is CRITERIA:
                criterion[cell.column_key] = record[cell.column_key]
            converted.setdefault(parsed.labels.get(sheet.key, sheet.name), []).append(cell.number)
        else:
            _report(parsed, sheet, cell.number, cell.column_key, str(cell.percent),
                    f"valeur au format pourcentage alors que l'unité du critère « {criterion_id} » est "
                    f"« {unit or 'non renseignée'} » : saisissez le nombre sans format pourcentage")
    for label, numbers in converted.items():
        parsed.notes.append(f"{label} : {len(numbers)} valeur(s) au format pourcentage lue(s) comme le nombre "
                            f"affiché (0,103 affiché « 10,3 % » → 10,3, unité en %) : lignes {_row_list(numbers)}")


def candidate_problems(record: dict[str, Any], communes: set[str]) -> list[tuple[str, Any, str]]:
    """What is wrong with a candidate's references, as (column key, value, message): INSEE codes
    from the communes reference, a SIREN of nine digits. The application forms check theirs so too."""
    unknown = "code INSEE inconnu du référentiel des communes"
    insee = record["insee_code"]
    problems = [] if _INSEE.match(insee) and insee in communes else [("insee_code", insee, unknown)]
    problems += [("member_communes", code, unknown) for code in _split(record["member_communes"])
                 if code not in communes]
    siren = record["siren"]
    if siren is not None and not (siren.isdigit() and len(siren) == 9):
        problems.append(("siren", siren, "SIREN attendu sur 9 chiffres"))
    return problems


def _check_candidates(parsed: ParsedFile, known: _References) -> None:
    """Each candidate's references (`candidate_problems`)."""
    for number, record in parsed.rows.get(CANDIDATES.key, []):
        for column, value, message in candidate_problems(record, known.communes):
            _report(parsed, CANDIDATES, number, column, value, message)


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
    stored: dict[tuple[str, str | None], list[str]] = {}
    for juror, dossier_id in sorted(recused):
        stored.setdefault((juror, known.dossier_calls.get(dossier_id)), []).append(dossier_id)
    for number, record in parsed.rows.get(RECUSALS.key, []):
        if record["juror_id"] not in known.jurors:
            _report(parsed, RECUSALS, number, "juror_id", record["juror_id"], "juré inconnu")
        if record["call_id"] not in known.calls:
            _report(parsed, RECUSALS, number, "call_id", record["call_id"], "appel inconnu")
        dossier = record["dossier_id"]
        if dossier is not None:
            if dossier not in known.dossier_calls:
                _report(parsed, RECUSALS, number, "dossier_id", dossier, "dossier inconnu")
            elif known.dossier_calls[dossier] not in (None, record["call_id"]):
                _report(parsed, RECUSALS, number, "dossier_id", dossier,
                        f"ce dossier relève de l'appel « {known.dossier_calls[dossier]} »")
            recused.add((record["juror_id"], dossier))
        already = stored.get((record["juror_id"], record["call_id"]))
        if dossier is None and already:
            _report(parsed, RECUSALS, number, "dossier_id", None,
                    f"« aucun conflit » alors que le juré est récusé pour {', '.join(already[:3])}"
                    f"{' …' if len(already) > 3 else ''} dans cet appel : retirez d'abord ces récusations "
                    "(page Administration)")
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
    _apply_percentages(parsed, known)
    _check_criteria(parsed, known)
    _check_candidates(parsed, known)
    _check_dossiers(parsed, known)
    _check_criterion_values(parsed, known)
    recused = _stored_recusals(store, actor)
    _check_recusals(parsed, known, recused)
    _check_ratings(parsed, known, recused)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _within(value: float, criterion: dict[str, Any]) -> bool:
    lower, upper = criterion["lower"], criterion["upper"]
    return (lower is None or value >= lower) and (upper is None or value <= upper)


# ---------------------------------------------------------------- assembling
def _present_only(parsed: ParsedFile, key: str) -> list[dict[str, Any]]:
    """The rows of a sheet with only the columns the file holds: the others stay as stored."""
    present = parsed.present.get(key, set())
    return [{k: v for k, v in record.items() if k in present} for _, record in parsed.rows[key]]


def to_store_rows(parsed: ParsedFile) -> dict[str, list[dict[str, Any]]]:
    """Map the typed sheet rows to the store's tables (only the columns present in the file)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for key in ("calls", "candidates", "dossiers", "criterion_values", "jurors", "ratings"):
        if key in parsed.rows:
            tables[key] = _present_only(parsed, key)
    if "criteria" in parsed.rows:
        tables["criteria"] = [
            {**{k: v for k, v in record.items() if k != "group"},
             "criterion_group": record["group"], "position": position}
            for position, record in enumerate(_present_only(parsed, "criteria"), start=1)
        ]
    if "recusals" in parsed.rows:
        tables.update(_declarations_and_recusals(parsed))
    return tables


def _declarations_and_recusals(parsed: ParsedFile) -> dict[str, list[dict[str, Any]]]:
    """The Récusations sheet as the conflict register: one declaration per juror and call,
    one recusal per dossier named."""
    declarations: dict[tuple[str, str], dict[str, Any]] = {}
    recusals: list[dict[str, Any]] = []
    present = parsed.present["recusals"]
    for _, record in parsed.rows["recusals"]:
        juror_call = (record["juror_id"], record["call_id"])
        entry = declarations.setdefault(juror_call, {"juror_id": juror_call[0], "call_id": juror_call[1],
                                                     "has_conflicts": False,
                                                     "declared_on": record["declared_on"]})
        entry["declared_on"] = max(entry["declared_on"], record["declared_on"])
        if record["dossier_id"] is not None:
            entry["has_conflicts"] = True
            # like every table: only the columns the file holds (an absent « Motif » keeps the stored one)
            recusals.append({k: record[k] for k in ("juror_id", "dossier_id", "reason", "declared_on")
                             if k in present})
    tables = {"conflict_declarations": list(declarations.values())}
    if recusals:
        tables["recusals"] = recusals
    return tables


@dataclass
class ImportReport:
    """The outcome of an accepted import, for the CLI and the import page."""

    summary: ImportSummary
    ignored: list[str]
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Import de « {self.summary.source} » réussi."]
        for table, change in self.summary.changes.items():
            out.append(f"  – {TABLE_LABELS.get(table, table)} : {change.added} ajouté(s), "
                       f"{change.updated} modifié(s), {change.unchanged} inchangé(s)")
        if not self.summary.changed_anything:
            out.append("Aucun changement : la base contenait déjà ces données.")
        out.extend(f"  – {note}" for note in self.notes)
        out.extend(f"  (ignoré : {item})" for item in self.ignored[:MAX_LISTED_IGNORED])
        if len(self.ignored) > MAX_LISTED_IGNORED:
            out.append(f"  (ignoré : … et {fr_number(len(self.ignored) - MAX_LISTED_IGNORED)} autres)")
        return out


def read_and_check(path: Path, store: Store, actor: Actor, original_name: str | None = None) -> ParsedFile:
    """Read a file and check every cell and reference; nothing is written."""
    content = read_file(Path(path), original_name)
    parsed = ParsedFile(ignored=list(content.ignored), notes=list(content.notes))
    for problem in content.problems:
        parsed.problems.add(problem, structural=True)
    parse_tables(content.tables, parsed)
    # Reference checks need every sheet readable; a missing sheet column would
    # make each row referring to it look like an error of its own.
    if not parsed.problems.structural:
        check_references(parsed, store, actor)
    return parsed


def import_file(path: Path, store: Store, actor: Actor, original_name: str | None = None) -> ImportReport:
    """Validate then import a file; raise ImportRejected listing the problems (nothing written)."""
    require(actor, "import_data")
    parsed = read_and_check(path, store, actor, original_name)
    if parsed.problems:
        raise ImportRejected(parsed.problems.kept, parsed.problems.total)
    summary = store.apply_import(to_store_rows(parsed), actor=actor,
                                 source=original_name or Path(path).name)
    return ImportReport(summary, parsed.ignored, parsed.notes)


def _fr_g(value: float | None) -> str:
    """A bound in a message, as short as it is exact, with a decimal comma (0,5 ; 1e+06 stays)."""
    return f"{value:g}".replace(".", ",")

"""The shortlist workbook (.xlsx) handed to the Cnam direction after the meeting.

Public API
----------

``build_workbook(*, call, inputs, profile, profile_name, result, shortlist,
constraints, forcings, ratings, decisions, content_hash, user,
aggregation=None, anonymise=False, generated_at=None) -> bytes``
    The workbook as bytes (what the /liste-restreinte download button serves).

    * ``call``: ``{"id": "AMI1", "label": "AMI 1 — 2019", "results_on": date | None}``
      (``call_id`` is accepted for ``id``);
    * ``inputs``: the call's `DecisionInputs` (`decision.build_inputs`);
    * ``profile`` / ``profile_name``: the weight profile the ranking used and
      its name (« profil du jury », « poids égaux »…);
    * ``result``: `decision.rank_call(inputs, profile)`;
    * ``shortlist``: the engine's `ShortlistResult` (feasible or not) and
      ``constraints`` the engine constraints dict it was solved with
      (`meeting_shortlist.solve_shortlist` / `build_shortlist`);
    * ``forcings``: `Store.forcings(actor, call)`; ``ratings``:
      `Store.ratings(actor, call)` (every juror's rating, with ``counts``;
      None when the user may not read them); ``decisions``:
      `Store.decisions(actor, call)`;
    * ``content_hash``: `Store.content_hash()`; ``user``: who exports;
    * ``aggregation``: how the jury criteria were aggregated (default: mean);
    * ``anonymise``: jurors become J1…Jn (by sorted juror id), their names,
      organisations and the authors of decisions and forcings are left out;
    * ``register``: `analysis.conflict_register(...)` for the call (None when
      the user may not read it).

``workbook_filename(call_id, day) -> str``
    « liste-restreinte_AMI1_2019-09-26.xlsx ».

Sheets
------

« Liste restreinte » (the selection, best first), « Classement » (every
eligible dossier ranked, column ``id`` then the criteria the ranking used
with their ids as headers: saved as CSV, it is the ``--matrix`` of
``python -m scoring rank``), « Non éligibles » (the dossiers outside the
ranking and the gate they fail), « Pondérations », « Notes du jury »,
« Conflits d'intérêts » (the register: each juror's declaration and
recusals), « Contraintes », « Manifeste » (everything needed to reproduce the
ranking, the spec JSON in one cell).

Formatting: bold filled header, frozen header row, autofilter, fitted
column widths, number formats (`#,##0`, `0.000`, `0.0%`, `dd/mm/yyyy`;
the French display comes from the reader's locale), a colour scale on
score columns. Every text is written as a string cell, so a value typed
as ``=1+1`` stays the text ``=1+1``.

Speed: openpyxl (without lxml) writes about 130 000 cells a second, too
slow for 2 000 dossiers and their ratings. The bulk rows of the tabular
sheets are therefore serialised here as sheet XML (numbers as ``<v>``,
texts as inline strings, style ids registered in openpyxl's own style
table) and spliced into the openpyxl-saved package; openpyxl writes
everything else (headers, styles, widths, filters, panes, conditional
formats, the small sheets).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

import dashboard
import scoring
from dashboard.core import decision
from dashboard.core.decision import (
    AGGREGATION_LABELS,
    METHOD_LABELS,
    MISSING_LABELS,
    WEIGHTING_LABELS,
    AggregationSettings,
    DecisionInputs,
    WeightProfile,
)
from dashboard.core.formatting import fr_number, is_missing
from scoring.errors import ScoringError
from scoring.shortlist import ShortlistResult

__all__ = ["SHEETS", "build_workbook", "workbook_filename"]

SHEET_SHORTLIST = "Liste restreinte"
SHEET_RANKING = "Classement"
SHEET_INELIGIBLE = "Non éligibles"
SHEET_WEIGHTS = "Pondérations"
SHEET_RATINGS = "Notes du jury"
SHEET_REGISTER = "Conflits d'intérêts"
SHEET_CONSTRAINTS = "Contraintes"
SHEET_MANIFEST = "Manifeste"
SHEETS = (SHEET_SHORTLIST, SHEET_RANKING, SHEET_INELIGIBLE, SHEET_WEIGHTS, SHEET_RATINGS,
          SHEET_REGISTER, SHEET_CONSTRAINTS, SHEET_MANIFEST)

# The label of the spec cell in « Manifeste » (tests and readers look for it).
SPEC_LABEL = "Spécification (JSON, fichier --spec)"
CONSTRAINTS_LABEL = "Contraintes (JSON, format du moteur)"
HASH_LABEL = "Empreinte du contenu de la base (SHA-256)"

FORMAT_INT = "#,##0"
FORMAT_DECIMAL = "#,##0.0##"
FORMAT_SCORE = "0.000"
FORMAT_PERCENT = "0.0%"
FORMAT_DATE = "dd/mm/yyyy"
FORMAT_DATETIME = "dd/mm/yyyy hh:mm"
FORMAT_RANK = "0"

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_ALIGN = Alignment(vertical="center")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
_TITLE_FONT = Font(bold=True, size=12)
_LABEL_FONT = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")

_MIN_WIDTH, _MAX_WIDTH = 6.0, 60.0
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

DIRECTION_LABELS = {"max": "à maximiser", "min": "à minimiser"}
GROUP_LABELS = {"objectif": "objectif", "dossier": "dossier", "jury": "jury (notes agrégées)"}
CONSTRAINT_TYPE_LABELS = {
    "size": "taille de la sélection",
    "min_per_group": "minimum par groupe",
    "max_per_group": "maximum par groupe",
    "min_count": "nombre minimum",
    "min_share": "part minimale",
    "force_in": "dossier imposé",
    "force_out": "dossier écarté",
}
FORCING_LABELS = {"force_in": "imposé", "force_out": "écarté"}
PREFERENCE_LABELS = {"usual": "usuelle", "linear": "linéaire", "vshape": "en V"}


# --------------------------------------------------------------------------- small helpers


def workbook_filename(call_id: str, day: date) -> str:
    """« liste-restreinte_AMI1_2019-09-26.xlsx »."""
    return f"liste-restreinte_{call_id}_{day.isoformat()}.xlsx"


def _clean(text: Any) -> str:
    """A cell text: str, without the control characters XML forbids."""
    text = str(text)
    return ILLEGAL_CHARACTERS_RE.sub("", text) if ILLEGAL_CHARACTERS_RE.search(text) else text


def _yes_no(value: Any) -> str:
    return "non" if is_missing(value) or not bool(value) else "oui"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def _timestamp(value: Any) -> datetime | None:
    if is_missing(value):
        return None
    return pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)


# --------------------------------------------------------------------------- tables (bulk rows)


@dataclass
class _Col:
    """One column of a bulk table: header, values and how to show them."""

    header: str
    values: Sequence[Any]
    kind: str = "text"                 # text | number | datetime
    number_format: str = "General"
    note: str | None = None            # header comment
    score: bool = False                # gets the colour scale


@dataclass
class _Table:
    columns: list[_Col]
    freeze: str = "A2"
    reverse_scale: bool = False        # lower is better (VIKOR Q)
    after: list[str] = field(default_factory=list)   # text lines under the table (after a blank row)

    @property
    def rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


def _text_fragments(letter: str, style: int, values: Sequence[Any], start: int) -> list[str]:
    """`<c>` elements of a text column (inline strings: never a formula); "" for empty cells."""
    cache: dict[Any, str] = {}
    head = f'<c r="{letter}'
    out = []
    append = out.append
    for row, value in enumerate(values, start):
        body = cache.get(value)
        if body is None:
            if value is None or value != value or value == "":  # None, NaN, NaT, empty
                body = ""
            else:
                text = _clean(value)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                body = f'" s="{style}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
            try:
                cache[value] = body
            except TypeError:  # unhashable: not cached
                pass
        append(f"{head}{row}{body}" if body else "")
    return out


def _number_fragments(letter: str, style: int, values: Sequence[Any], start: int) -> list[str]:
    """`<c>` elements of a numeric column (values from `_numbers` / `_serials`)."""
    head = f'<c r="{letter}'
    mid = f'" s="{style}"><v>'
    return [f"{head}{row}{mid}{value!r}</v></c>" if value is not None else ""
            for row, value in enumerate(values, start)]


def _numbers(values: Sequence[Any]) -> list[float | int | None]:
    """Plain Python numbers (None where missing or not finite), integral values as int."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    array = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(array)
    integral = finite & (np.abs(array) < 2**53) & (np.mod(array, 1) == 0)
    out: list[float | int | None] = array.tolist()
    for k in np.flatnonzero(~finite).tolist():
        out[k] = None
    for k in np.flatnonzero(integral).tolist():
        out[k] = int(out[k])
    return out


def _serials(values: Sequence[Any]) -> list[float | None]:
    """Excel serial day numbers of datetimes (None where missing)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    stamps = pd.to_datetime(series, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    days = ((stamps - _EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan).round(10)
    return [None if v != v else v for v in days.tolist()]


def _text_width(values: Sequence[Any]) -> float:
    try:
        distinct = set(values)
    except TypeError:  # unhashable values
        distinct = list(values)
    lengths = [len(str(v)) for v in distinct if not is_missing(v)]
    return float(max(lengths, default=0))


def _number_width(values: Sequence[Any], number_format: str) -> float:
    finite = [abs(v) for v in values if v is not None]
    if not finite:
        return 0.0
    biggest = max(finite)
    digits = len(f"{biggest:,.0f}")
    decimals = {FORMAT_SCORE: 4, FORMAT_DECIMAL: 4, FORMAT_PERCENT: 4, FORMAT_DATE: 0}.get(number_format, 0)
    if number_format == FORMAT_DATE:
        return 10.0
    if number_format == FORMAT_DATETIME:
        return 16.0
    return digits + decimals + (1 if any(v < 0 for v in values if v is not None) else 0)


def _fit(width: float) -> float:
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, width + 2)))


def _style_header(cell) -> None:
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGN
    cell.border = _HEADER_BORDER


def _put(ws, row: int, column: int, value: Any, number_format: str | None = None, *, bold: bool = False,
         wrap: bool = False):
    """Write one cell through openpyxl; every text is a string cell, never a formula."""
    cell = ws.cell(row=row, column=column)
    if is_missing(value):
        return cell
    if isinstance(value, (np.bool_, bool)):
        value = "oui" if value else "non"
    elif isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    elif isinstance(value, pd.Timestamp):
        value = value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, (int, float, datetime, date)):
        cell.value = value
    else:
        cell.value = _clean(value)
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = _LABEL_FONT
    if wrap:
        cell.alignment = _WRAP
    return cell


class _Splice:
    """Bulk rows generated as sheet XML, to insert into the saved package."""

    def __init__(self) -> None:
        self.pending: list[tuple[Any, str, str]] = []   # (worksheet, rows xml, dimension ref)

    def add(self, ws, rows_xml: str, ref: str) -> None:
        self.pending.append((ws, rows_xml, ref))

    def apply(self, package: bytes) -> bytes:
        if not self.pending:
            return package
        by_part = {ws.path.lstrip("/"): (rows, ref) for ws, rows, ref in self.pending}
        source = zipfile.ZipFile(io.BytesIO(package))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                level = 6
                if info.filename in by_part:
                    rows, ref = by_part[info.filename]
                    xml = data.decode("utf-8")
                    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml, count=1)
                    if "</sheetData>" in xml:
                        xml = xml.replace("</sheetData>", rows + "</sheetData>", 1)
                    else:  # an empty sheet is written as <sheetData/>
                        xml = xml.replace("<sheetData/>", f"<sheetData>{rows}</sheetData>", 1)
                    data = xml.encode("utf-8")
                    level = 1
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
        return out.getvalue()


def _write_table(wb: Workbook, title: str, table: _Table, splice: _Splice):
    """A sheet holding one table: header through openpyxl, rows spliced as XML."""
    ws = wb.create_sheet(title)
    n = table.rows
    last_row = n + 1
    prepared: list[tuple[_Col, list[Any]]] = []
    for j, col in enumerate(table.columns, start=1):
        cell = _put(ws, 1, j, col.header)
        _style_header(cell)
        if col.note:
            comment = Comment(col.note, "export")
            comment.width, comment.height = 300, 80
            cell.comment = comment
        if col.kind == "number":
            values = _numbers(col.values)
            width = _number_width(values, col.number_format)
        elif col.kind == "datetime":
            values = _serials(col.values)
            width = _number_width(values, col.number_format)
        else:
            values = list(col.values)
            width = _text_width(values)
        prepared.append((col, values))
        ws.column_dimensions[get_column_letter(j)].width = _fit(max(width, len(col.header) + 2))
    # Style ids of the data cells, registered in openpyxl's own style table through a probe cell.
    fragments = []
    for j, (col, values) in enumerate(prepared, start=1):
        probe = ws.cell(row=2, column=j)
        probe.number_format = col.number_format
        style = probe.style_id
        del ws._cells[(2, j)]
        letter = get_column_letter(j)
        if col.kind == "text":
            fragments.append(_text_fragments(letter, style, values, 2))
        else:
            fragments.append(_number_fragments(letter, style, values, 2))
    rows = [f'<row r="{r}">{"".join(cells)}</row>' for r, cells in enumerate(zip(*fragments), start=2)]
    if table.after:
        text_style = ws.cell(row=2, column=1).style_id
        del ws._cells[(2, 1)]
        for k, line in enumerate(table.after):
            r = last_row + 2 + k
            rows.append(f'<row r="{r}">{_text_fragments("A", text_style, [line], r)[0]}</row>')
    last_col = get_column_letter(max(1, len(table.columns)))
    ref_rows = last_row + (1 + len(table.after) if table.after else 0)
    ws.freeze_panes = table.freeze
    ws.auto_filter.ref = f"A1:{last_col}{last_row}"
    if n:
        for j, (col, _) in enumerate(prepared, start=1):
            if col.score:
                letter = get_column_letter(j)
                low, high = ("63BE7B", "F8696B") if table.reverse_scale else ("F8696B", "63BE7B")
                ws.conditional_formatting.add(
                    f"{letter}2:{letter}{last_row}",
                    ColorScaleRule(start_type="min", start_color=low, mid_type="percentile", mid_value=50,
                                   mid_color="FFEB84", end_type="max", end_color=high))
    splice.add(ws, "".join(rows), f"A1:{last_col}{ref_rows}")
    return ws


def _header_row(ws, row: int, headers: Sequence[str]) -> None:
    for j, header in enumerate(headers, start=1):
        _style_header(_put(ws, row, j, header))


def _fit_columns(ws, minimum: dict[int, float] | None = None, maximum: float = _MAX_WIDTH) -> None:
    """Column widths from the longest shown value (openpyxl-written sheets)."""
    widths: dict[int, float] = dict(minimum or {})
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, float):
                length = 10 if cell.number_format in (FORMAT_SCORE, FORMAT_DECIMAL, FORMAT_PERCENT) else 12
            elif isinstance(cell.value, datetime):
                length = 16
            else:
                length = max(len(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = float(min(maximum, max(_MIN_WIDTH, width + 2)))


# --------------------------------------------------------------------------- sheet contents


@dataclass(frozen=True)
class _Context:
    call_id: str
    call_label: str
    results_on: date | None
    inputs: DecisionInputs
    profile: WeightProfile
    profile_name: str
    result: scoring.RankResult
    spec: dict[str, Any]
    shortlist: ShortlistResult | None
    constraints: dict[str, Any]
    forcings: pd.DataFrame
    ratings: pd.DataFrame | None
    decisions: pd.DataFrame
    content_hash: str
    user: str
    aggregation: AggregationSettings
    anonymise: bool
    generated_at: datetime
    register: pd.DataFrame | None = None
    pseudonyms: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> pd.Series:
        return self.inputs.attributes["display_name"]

    def name(self, dossier: Any) -> str:
        value = self.names.get(dossier)
        return str(dossier) if is_missing(value) else str(value)

    def named(self, text: str) -> str:
        """Dossier ids in an engine message followed by the town: « AMI1-012 (Vire Normandie (14)) »."""
        ids = [i for i in self.names.index.astype(str) if i in text]
        for dossier in sorted(ids, key=len, reverse=True):
            text = re.sub(rf"(?<![\w-]){re.escape(dossier)}(?![\w-])", f"{dossier} ({self.name(dossier)})", text)
        return text

    @property
    def score_header(self) -> str:
        return "Score" if self.result.higher_is_better else "Score (Q, plus bas = meilleur)"


def _criterion_format(values: pd.Series) -> str:
    finite = values.dropna()
    if not finite.empty and np.all(np.isclose(finite.to_numpy(dtype=float) % 1, 0)):
        return FORMAT_INT
    return FORMAT_DECIMAL


def _criterion_note(ctx: _Context, criterion: str) -> str:
    row = ctx.inputs.criteria.loc[criterion]
    unit = "" if is_missing(row.get("unit")) else f" ({row['unit']})"
    origin = ("valeur agrégée des notes du jury" if row.get("criterion_group") == "jury" else "valeur brute")
    return f"{criterion} — {row['label']}{unit}, {DIRECTION_LABELS.get(row['direction'], row['direction'])} ; {origin}"


def _imputed_by_dossier(ctx: _Context) -> dict[Any, str]:
    out: dict[Any, list[str]] = {}
    for cell in ctx.result.details.get("imputed", []) or []:
        out.setdefault(cell["id"], []).append(f"{cell['criterion']} = {fr_number(cell['value'], 3)}")
    policy = MISSING_LABELS.get(ctx.profile.missing, ctx.profile.missing)
    return {k: f"{' ; '.join(v)} ({policy})" for k, v in out.items()}


def _ranking_table(ctx: _Context) -> _Table:
    result, inputs = ctx.result, ctx.inputs
    order = pd.DataFrame({"rank": result.ranks, "id": result.ranks.index.astype(str)})
    ids = order.sort_values(["rank", "id"], kind="stable").index
    attributes = inputs.attributes.reindex(ids)
    selected = set(ctx.shortlist.selected) if ctx.shortlist is not None and ctx.shortlist.feasible else set()
    imputed = _imputed_by_dossier(ctx)
    matrix = inputs.matrix.reindex(index=ids)
    columns = [
        _Col("id", list(ids), note="Identifiant du dossier. Enregistrée en CSV, cette feuille est la matrice "
                                   "(--matrix) de « python -m scoring rank » : colonne id puis une colonne "
                                   "par critère (identifiants en en-tête)."),
        _Col("Rang", result.ranks.reindex(ids).tolist(), "number", FORMAT_RANK),
        _Col("Nom (dép.)", attributes["display_name"].tolist()),
        _Col("Région", attributes["region"].tolist()),
        _Col(ctx.score_header, result.scores.reindex(ids).tolist(), "number", FORMAT_SCORE, score=True,
             note=f"{METHOD_LABELS.get(result.method, result.method)} ; profil « {ctx.profile_name} »"),
        _Col("Éligibilité", inputs.eligibility["status"].reindex(ids).tolist()),
        _Col("Motif de dérogation", inputs.eligibility["reason"].reindex(ids).fillna("").tolist()),
        _Col("Liste restreinte", ["oui" if i in selected else "non" for i in ids]),
        _Col("Outre-mer", [_yes_no(v) for v in attributes["overseas"]]),
        _Col("TI", [_yes_no(v) for v in attributes["ti"]], note="Territoires d'industrie"),
        _Col("ACV", [_yes_no(v) for v in attributes["acv"]], note="Action cœur de ville"),
        _Col("Décision historique", attributes["historical_decision"].tolist(),
             note="Décision réelle du jury de l'appel (données publiques du programme)"),
        _Col("Valeurs complétées", [imputed.get(i, "") for i in ids],
             note="Cellules vides de la matrice que le moteur a complétées (politique des valeurs manquantes)"),
    ]
    for name in {"topsis": ("d_plus", "d_minus"), "vikor": ("S", "R"),
                 "promethee2": ("phi_plus", "phi_minus")}.get(result.method, ()):
        series = result.details.get(name)
        if isinstance(series, pd.Series):
            columns.append(_Col(name, series.reindex(ids).tolist(), "number", FORMAT_SCORE))
    for criterion in [c["id"] for c in ctx.spec["criteria"]]:
        values = matrix[criterion]
        columns.append(_Col(criterion, values.tolist(), "number", _criterion_format(values),
                            note=_criterion_note(ctx, criterion)))
    return _Table(columns, freeze="B2", reverse_scale=not result.higher_is_better)


def _forcings_by_id(ctx: _Context) -> dict[str, tuple[str, str]]:
    frame = ctx.forcings
    if frame is None or frame.empty:
        return {}
    return {str(r.dossier_id): (str(r.kind), "" if is_missing(r.justification) else str(r.justification))
            for r in frame.itertuples()}


def _decisions_by_id(ctx: _Context) -> dict[str, tuple[str, str]]:
    frame = ctx.decisions
    if frame is None or frame.empty:
        return {}
    return {str(r.dossier_id): (str(r.decision), "" if is_missing(r.rationale) else str(r.rationale))
            for r in frame.itertuples()}


def _shortlist_table(ctx: _Context) -> _Table:
    sl = ctx.shortlist
    ids = list(sl.selected) if sl is not None and sl.feasible else []
    attributes = ctx.inputs.attributes.reindex(ids)
    top = set(sl.top_n) if sl is not None else set()
    swaps_in = {s["in"]: s for s in (sl.swaps if sl is not None else ())}
    forced = _forcings_by_id(ctx)
    decided = _decisions_by_id(ctx)
    entered = []
    for i in ids:
        swap = swaps_in.get(i)
        entered.append("" if swap is None else
                       f"remplace {swap['out']} ({ctx.name(swap['out'])}) : {ctx.named(str(swap['because']))}")
    columns = [
        _Col("Rang", ctx.result.ranks.reindex(ids).tolist(), "number", FORMAT_RANK,
             note="Rang dans la feuille « Classement »"),
        _Col("Identifiant", [str(i) for i in ids]),
        _Col("Nom (dép.)", attributes["display_name"].tolist()),
        _Col("Région", attributes["region"].tolist()),
        _Col(ctx.score_header, ctx.result.scores.reindex(ids).tolist(), "number", FORMAT_SCORE, score=True),
        _Col("Outre-mer", [_yes_no(v) for v in attributes["overseas"]]),
        _Col("TI", [_yes_no(v) for v in attributes["ti"]], note="Territoires d'industrie"),
        _Col("ACV", [_yes_no(v) for v in attributes["acv"]], note="Action cœur de ville"),
        _Col("Dans les N premiers", ["oui" if i in top else "non" for i in ids],
             note="Le dossier figure-t-il parmi les N premiers du classement, sans contrainte ?"),
        _Col("Entré par échange", entered),
        _Col("Forçage", [FORCING_LABELS.get(forced.get(str(i), ("", ""))[0], "") for i in ids]),
        _Col("Justification du forçage", [forced.get(str(i), ("", ""))[1] for i in ids]),
        _Col("Décision", [decided.get(str(i), ("", ""))[0] for i in ids]),
        _Col("Motivation", [decided.get(str(i), ("", ""))[1] for i in ids]),
    ]
    after = []
    if sl is None:
        after.append("Aucune liste restreinte n'a été calculée.")
    elif not sl.feasible:
        after.append(ctx.named(sl.message))
    else:
        after.append(f"{ctx.named(sl.message)} Score cédé par rapport aux {sl.size} premiers : "
                     f"{fr_number(sl.objective_lost or 0.0, 3)}.")
    return _Table(columns, freeze="C2", reverse_scale=not ctx.result.higher_is_better, after=after)


def _ineligible_table(ctx: _Context) -> _Table:
    eligibility = ctx.inputs.eligibility
    ids = eligibility.index[eligibility["status"] == decision.INELIGIBLE]
    attributes = ctx.inputs.attributes.reindex(ids)
    columns = [
        _Col("Identifiant", [str(i) for i in ids]),
        _Col("Nom (dép.)", attributes["display_name"].tolist()),
        _Col("Région", attributes["region"].tolist()),
        _Col("Éligibilité", eligibility.loc[ids, "status"].tolist()),
        _Col("Condition non remplie", eligibility.loc[ids, "reason"].tolist()),
        _Col("Décision historique", attributes["historical_decision"].tolist()),
    ]
    return _Table(columns, after=[] if len(ids) else ["Tous les dossiers de l'appel sont éligibles."])


def juror_pseudonyms(ratings: pd.DataFrame) -> dict[str, str]:
    """J1…Jn in the order of the sorted juror ids (the same jurors always get the same names)."""
    jurors = sorted({str(j) for j in ratings["juror_id"].dropna()})
    return {j: f"J{k}" for k, j in enumerate(jurors, start=1)}


def _ratings_table(ctx: _Context) -> _Table:
    ratings = ctx.ratings
    if ratings is None:
        return _Table([_Col("Dossier", []), _Col("Critère", []), _Col("Juré", []), _Col("Note", [], "number")],
                      after=["Les notes individuelles des jurés ne sont pas accessibles à votre rôle."])
    frame = ratings.sort_values(["dossier_id", "criterion_id", "juror_id"], kind="stable")
    names = ctx.names
    labels = ctx.inputs.criteria["label"] if "label" in ctx.inputs.criteria else pd.Series(dtype=object)
    counts = frame["counts"].astype(bool) if "counts" in frame else pd.Series(True, index=frame.index)
    columns = [
        _Col("Dossier", frame["dossier_id"].astype(str).tolist()),
        _Col("Nom (dép.)", frame["dossier_id"].map(names).tolist()),
        _Col("Critère", frame["criterion_id"].astype(str).tolist()),
        _Col("Libellé du critère", frame["criterion_id"].map(labels).tolist()),
    ]
    if ctx.anonymise:
        columns.append(_Col("Juré", frame["juror_id"].astype(str).map(ctx.pseudonyms).tolist(),
                            note="Export anonymisé : jurés numérotés J1…Jn, toujours dans le même ordre"))
    else:
        columns += [
            _Col("Juré", frame["juror_id"].astype(str).tolist()),
            _Col("Nom du juré", frame["juror_name"].tolist() if "juror_name" in frame else []),
            _Col("Organisation", frame["organisation"].tolist() if "organisation" in frame else []),
        ]
    columns += [
        _Col("Note", frame["score"].tolist(), "number", FORMAT_RANK, note="Note de 1 à 5"),
        _Col("Commentaire", frame["comment"].tolist() if "comment" in frame else [""] * len(frame)),
        _Col("Noté le", frame["rated_at"] if "rated_at" in frame else [None] * len(frame),
             "datetime", FORMAT_DATETIME),
        _Col("Version", frame["version"].tolist() if "version" in frame else [None] * len(frame),
             "number", FORMAT_RANK),
        _Col("Prise en compte", ["oui" if c else "non — récusation postérieure à la note" for c in counts],
             note="Une note ne compte plus quand son juré a été récusé ensuite pour ce dossier"),
    ]
    # keep the columns aligned when the frame lacks an optional column
    for col in columns:
        if len(col.values) != len(frame):
            col.values = [None] * len(frame)
    settings = ctx.aggregation
    after = [f"{len(frame)} notes, dont {int((~counts).sum())} qui ne comptent plus. Agrégation : "
             f"{AGGREGATION_LABELS.get(settings.method, settings.method)}"
             f"{', sévérité corrigée (scores z)' if settings.zscore else ''}."]
    return _Table(columns, freeze="C2", after=after)


def _register_table(ctx: _Context) -> _Table:
    """The conflict-of-interest register: each juror's declaration and recusals."""
    register = ctx.register
    if register is None:
        return _Table([_Col("Juré", []), _Col("Déclaration", [])],
                      after=["Le registre des conflits d'intérêts n'est pas accessible à votre rôle."])
    if ctx.anonymise:
        jurors = [_Col("Juré", register["juror_id"].astype(str).map(ctx.pseudonyms).tolist(),
                       note="Export anonymisé : jurés numérotés J1…Jn, comme dans « Notes du jury »")]
    else:
        jurors = [_Col("Juré", register["juror_id"].astype(str).tolist()),
                  _Col("Nom du juré", register["name"].tolist()),
                  _Col("Organisation", register["organisation"].tolist())]
    columns = jurors + [
        _Col("Déclaration", register["declaration"].tolist()),
        _Col("Déclaré le", register["declared_on"].tolist(), "datetime", FORMAT_DATE),
        _Col("Récusé·e pour (dossier — motif)", register["recused_from"].tolist()),
    ]
    return _Table(columns, after=["Un juré récusé ne note pas le dossier et ne voit pas les notes des autres "
                                  "jurés sur ce dossier ; ses notes antérieures ne comptent plus."])


def _pairwise_frame(weighting: Mapping[str, Any], enabled: Sequence[str]) -> pd.DataFrame | None:
    """The AHP judgements of a profile as the full square matrix.

    The /ponderation page stores ``weighting["pairwise"]`` as « A|B » → Saaty
    label over the enabled criteria (`meeting_views.ahp_matrix`); a square
    list of lists with ``weighting["criteria"]`` is accepted too.
    """
    from dashboard.core import views as meeting_views

    raw = weighting.get("pairwise")
    if raw is None:
        return None
    try:
        if isinstance(raw, Mapping):
            criteria = list(weighting.get("criteria") or enabled)
            return meeting_views.ahp_matrix(criteria, raw)
        ids = list(weighting.get("criteria") or enabled)
        frame = pd.DataFrame([[meeting_views.saaty_value(v) for v in row] for row in raw], index=ids, columns=ids)
        return frame.astype(float)
    except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError):
        return None


def _write_weights(wb: Workbook, ctx: _Context) -> None:
    ws = wb.create_sheet(SHEET_WEIGHTS)
    criteria = ctx.inputs.criteria
    used = {c["id"]: c for c in ctx.spec["criteria"]}
    weights = ctx.result.weights
    promethee = ctx.profile.method == "promethee2"
    headers = ["Critère", "Libellé", "Groupe", "Unité", "Sens", "Utilisé", "Poids saisi", "Poids normalisé"]
    if promethee:
        headers += ["Fonction de préférence", "Seuil q", "Seuil p"]
    _header_row(ws, 1, headers)
    row = 1
    for criterion, info in criteria.iterrows():
        row += 1
        if criterion in used:
            state = "oui"
        elif criterion in ctx.profile.enabled:
            state = "non — aucune valeur pour cet appel"
        else:
            state = "non — désactivé"
        unit = info.get("unit")
        values = [criterion, info.get("label"), GROUP_LABELS.get(info.get("criterion_group"), info.get("criterion_group")),
                  unit, DIRECTION_LABELS.get(info.get("direction"), info.get("direction")), state]
        for j, value in enumerate(values, start=1):
            _put(ws, row, j, value)
        raw = ctx.profile.weights.get(criterion)
        _put(ws, row, 7, None if raw is None or criterion not in used else float(raw), FORMAT_DECIMAL)
        _put(ws, row, 8, float(weights[criterion]) if criterion in weights.index else None, FORMAT_PERCENT)
        if promethee and criterion in used:
            pref = used[criterion].get("preference") or {"function": "usual"}
            _put(ws, row, 9, PREFERENCE_LABELS.get(pref.get("function"), pref.get("function")))
            _put(ws, row, 10, pref.get("q"), FORMAT_DECIMAL)
            _put(ws, row, 11, pref.get("p"), FORMAT_DECIMAL)
    table_end = row
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{table_end}"

    row += 2
    weighting = dict(ctx.profile.weighting or {})
    mode = weighting.get("mode", "equal")
    lines: list[tuple[str, Any, str | None]] = [
        ("Profil", ctx.profile_name, None),
        ("Méthode d'agrégation", METHOD_LABELS.get(ctx.profile.method, ctx.profile.method), None),
        ("Mode de pondération", WEIGHTING_LABELS.get(mode, mode), None),
        ("Valeurs manquantes", MISSING_LABELS.get(ctx.profile.missing, ctx.profile.missing), None),
    ]
    if ctx.profile.method == "vikor":
        lines.append(("Paramètre v (VIKOR)", ctx.profile.v, FORMAT_DECIMAL))
    if mode == "roc" and weighting.get("order"):
        lines.append(("Ordre d'importance (ROC)", " > ".join(map(str, weighting["order"])), None))
    for key, value in weighting.items():
        if key in ("mode", "pairwise", "order", "criteria"):
            continue
        lines.append((f"Saisie « {key} »", value if isinstance(value, (int, float, str)) else _dump(value), None))
    for label, value, fmt in lines:
        _put(ws, row, 1, label, bold=True)
        _put(ws, row, 2, value, fmt)
        row += 1
    if mode == "ahp":
        enabled = [c for c in criteria.index if c in set(ctx.profile.enabled)]
        pairwise = _pairwise_frame(weighting, enabled)
        row += 1
        _put(ws, row, 1, "Comparaisons par paires (échelle de Saaty 1–9, a_ij = importance de i par rapport à j)",
             bold=True)
        row += 1
        if pairwise is None:
            _put(ws, row, 1, "Matrice de comparaisons non enregistrée dans le profil.")
            row += 1
        else:
            _header_row(ws, row, [""] + [str(c) for c in pairwise.columns])
            for i in pairwise.index:
                row += 1
                _put(ws, row, 1, str(i), bold=True)
                for j, c in enumerate(pairwise.columns, start=2):
                    value = pairwise.at[i, c]
                    try:
                        value = float(value)
                    except (TypeError, ValueError):
                        pass
                    _put(ws, row, j, value, "0.000")
            row += 2
            try:
                ahp = scoring.weights("ahp", pairwise=pairwise)
            except ScoringError as exc:
                _put(ws, row, 1, f"Matrice AHP invalide : {exc}")
                row += 1
            else:
                stats = [("λ max", ahp.lambda_max, "0.000"), ("Indice de cohérence CI", ahp.ci, "0.000"),
                         ("Ratio de cohérence CR", ahp.cr, "0.000")]
                if ahp.inconsistent_pair:
                    stats.append(("Comparaison la plus incohérente",
                                  f"{ahp.inconsistent_pair[0]} / {ahp.inconsistent_pair[1]} "
                                  f"(valeur cohérente : {fr_number(ahp.suggested_value, 2)})", None))
                if ahp.cr is not None:
                    stats.append(("Cohérence", "acceptable (CR ≤ 0,10)" if ahp.cr <= 0.10
                                  else "insuffisante (CR > 0,10)", None))
                for label, value, fmt in stats:
                    _put(ws, row, 1, label, bold=True)
                    _put(ws, row, 2, value, fmt)
                    row += 1
    _fit_columns(ws, maximum=50)


def _authored_rows(ws, row: int, ctx: _Context, frame: pd.DataFrame | None, headers: tuple[str, str],
                   what: Callable[[Any], tuple[Any, Any]], empty: str) -> int:
    """Rows of forcings or decisions (dossier, name, what, why, by whom unless
    anonymised, when) from `row`; returns the row after them."""
    if frame is None or frame.empty:
        _put(ws, row, 1, empty)
        return row + 1
    titles = ["Dossier", "Nom (dép.)", *headers, "Le"]
    if not ctx.anonymise:
        titles.insert(4, "Par")
    _header_row(ws, row, titles)
    for entry in frame.itertuples():
        row += 1
        values = [str(entry.dossier_id), ctx.name(entry.dossier_id), *what(entry)]
        if not ctx.anonymise:
            values.append(entry.decided_by)
        for j, value in enumerate(values, start=1):
            _put(ws, row, j, value)
        _put(ws, row, len(values) + 1, _timestamp(entry.decided_at), FORMAT_DATETIME)
    return row + 1


def _write_constraints(wb: Workbook, ctx: _Context) -> None:
    ws = wb.create_sheet(SHEET_CONSTRAINTS)
    sl = ctx.shortlist
    headers = ["Contrainte", "Type", "Borne", "Atteint", "Dans les N premiers", "Marge", "Saturée",
               "Contraignante", "Score cédé"]
    _header_row(ws, 1, headers)
    row = 1
    if sl is not None and sl.feasible:
        for entry in sl.constraints:
            row += 1
            bound = entry.get("bound")
            bound_format = FORMAT_PERCENT if entry.get("type") == "min_share" else FORMAT_INT
            values = [ctx.named(entry["label"]), CONSTRAINT_TYPE_LABELS.get(entry["type"], entry["type"])]
            for j, value in enumerate(values, start=1):
                _put(ws, row, j, value)
            _put(ws, row, 3, bound, bound_format)
            _put(ws, row, 4, entry.get("value"), FORMAT_INT)
            _put(ws, row, 5, entry.get("top_n_value"), FORMAT_INT)
            _put(ws, row, 6, entry.get("slack"), FORMAT_INT)
            _put(ws, row, 7, "oui" if entry.get("tight") else "non")
            _put(ws, row, 8, "oui" if entry.get("binding") else "non")
            _put(ws, row, 9, float(entry.get("cost") or 0.0), FORMAT_SCORE)
    table_end = max(row, 1)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{table_end}"
    row += 2

    def title(text: str) -> None:
        nonlocal row
        cell = _put(ws, row, 1, text)
        cell.font = _TITLE_FONT
        row += 1

    title("Résultat")
    if sl is None:
        _put(ws, row, 1, "Aucune liste restreinte n'a été calculée.")
        row += 1
    else:
        summary: list[tuple[str, Any, str | None]] = [
            ("Taille de la liste", sl.size, FORMAT_INT),
            ("Message du moteur", ctx.named(sl.message), None),
        ]
        if sl.feasible:
            summary += [("Score total de la sélection", sl.objective, FORMAT_SCORE),
                        (f"Score total des {sl.size} premiers", sl.top_n_objective, FORMAT_SCORE),
                        ("Score cédé par les contraintes", sl.objective_lost, FORMAT_SCORE),
                        ("Échanges par rapport aux N premiers", len(sl.swaps), FORMAT_INT)]
        for label, value, fmt in summary:
            _put(ws, row, 1, label, bold=True)
            _put(ws, row, 2, value, fmt)
            row += 1
        if not sl.feasible:
            row += 1
            title("Contraintes incompatibles (ensemble minimal)")
            for entry in sl.conflict:
                _put(ws, row, 1, ctx.named(entry.get("label", _dump(entry))))
                row += 1
    row += 1
    title("Échanges par rapport aux N premiers")
    if sl is not None and sl.swaps:
        _header_row(ws, row, ["Entre", "Nom (dép.)", "Rang", "Sort", "Nom (dép.)", "Rang", "Raison"])
        for swap in sl.swaps:
            row += 1
            entrant, leaver = swap["in"], swap["out"]
            _put(ws, row, 1, str(entrant))
            _put(ws, row, 2, ctx.name(entrant))
            _put(ws, row, 3, ctx.result.ranks.get(entrant), FORMAT_RANK)
            _put(ws, row, 4, str(leaver))
            _put(ws, row, 5, ctx.name(leaver))
            _put(ws, row, 6, ctx.result.ranks.get(leaver), FORMAT_RANK)
            _put(ws, row, 7, ctx.named(str(swap["because"])))
        row += 1
    else:
        _put(ws, row, 1, "Aucun échange : la sélection est celle des N premiers." if sl is not None and sl.feasible
             else "Sans objet.")
        row += 1
    row += 1
    title("Dossiers forcés")
    row = _authored_rows(ws, row, ctx, ctx.forcings, ("Forçage", "Justification"),
                         lambda f: (FORCING_LABELS.get(f.kind, f.kind), f.justification), "Aucun dossier forcé.")
    row += 1
    title("Décisions enregistrées")
    _authored_rows(ws, row, ctx, ctx.decisions, ("Décision", "Motivation"),
                   lambda d: (d.decision, d.rationale), "Aucune décision enregistrée.")
    _fit_columns(ws, maximum=70)


def _write_manifest(wb: Workbook, ctx: _Context, ranking: _Table) -> None:
    ws = wb.create_sheet(SHEET_MANIFEST)
    _header_row(ws, 1, ["Élément", "Valeur"])
    spec_json = json.dumps(ctx.spec, ensure_ascii=False, indent=None, default=_json_default)
    criteria_ids = [c["id"] for c in ctx.spec["criteria"]]
    last_letter = get_column_letter(len(ranking.columns))
    ranking_rows = ranking.rows
    settings = ctx.aggregation
    params = {"v": ctx.profile.v, "missing": ctx.profile.missing}
    if ctx.profile.method == "promethee2":
        params["preferences"] = {c["id"]: c.get("preference", {"function": "usual"}) for c in ctx.spec["criteria"]}
    lines: list[tuple[str, Any, str | None]] = [
        ("Document", "Liste restreinte du jury « Au cœur des territoires » (Cnam)", None),
        ("Date et heure de l'export", ctx.generated_at, "dd/mm/yyyy hh:mm:ss"),
        ("Version de l'application", dashboard.__version__, None),
        ("Appel", f"{ctx.call_id} — {ctx.call_label}", None),
        ("Date des résultats de l'appel", ctx.results_on, FORMAT_DATE),
        ("Profil de pondération", ctx.profile_name, None),
        ("Méthode", f"{METHOD_LABELS.get(ctx.profile.method, ctx.profile.method)} ({ctx.profile.method})", None),
        ("Paramètres de la méthode", _dump(params), None),
        ("Mode de pondération", WEIGHTING_LABELS.get(ctx.profile.weighting.get("mode", "equal"),
                                                     ctx.profile.weighting.get("mode")), None),
    ]
    for criterion in criteria_ids:
        label = ctx.inputs.criteria.at[criterion, "label"] if criterion in ctx.inputs.criteria.index else ""
        lines.append((f"Poids normalisé — {criterion} {label}", float(ctx.result.weights[criterion]), FORMAT_PERCENT))
    lines += [
        (SPEC_LABEL, spec_json, None),
        ("Taille de la liste restreinte", ctx.shortlist.size if ctx.shortlist is not None else None, FORMAT_INT),
        (CONSTRAINTS_LABEL, _dump(ctx.constraints), None),
        ("Agrégation des notes du jury", f"{AGGREGATION_LABELS.get(settings.method, settings.method)}"
                                         f"{' avec correction de sévérité (scores z)' if settings.zscore else ''} ; "
                                         "seules les notes qui comptent (récusations exclues)", None),
        ("Paramètres d'agrégation (JSON)", _dump({"method": settings.method, "zscore": settings.zscore}), None),
        ("Dossiers classés / non éligibles", f"{len(ctx.result.scores)} classés ; "
         f"{int((ctx.inputs.eligibility['status'] == decision.INELIGIBLE).sum())} non éligibles", None),
        (HASH_LABEL, ctx.content_hash, None),
        ("Utilisateur", "(masqué : export anonymisé)" if ctx.anonymise else ctx.user, None),
        ("Export anonymisé", "oui — jurés J1…Jn, sans noms ni organisations ; auteurs des décisions masqués"
         if ctx.anonymise else "non", None),
        ("Matrice de décision", f"Feuille « {SHEET_RANKING} », plage A1:{last_letter}{ranking_rows + 1} : "
         f"colonne « id » puis une colonne par critère ({', '.join(criteria_ids)}) ; les autres colonnes "
         "sont ignorées par le moteur. Cellules vides = valeurs manquantes, complétées comme l'indique "
         "« missing » dans la spécification.", None),
        ("Reproduire le classement",
         f"1. Enregistrer la feuille « {SHEET_RANKING} » en CSV (séparateur virgule, point décimal, UTF-8) "
         "sous M.csv ; 2. copier la cellule « " + SPEC_LABEL + " » dans S.json ; "
         "3. lancer « python -m scoring rank --matrix M.csv --spec S.json » : la sortie id,score,rank "
         f"redonne les colonnes « {ctx.score_header} » et « Rang » de la feuille « {SHEET_RANKING} ».", None),
        ("Commande", "python -m scoring rank --matrix M.csv --spec S.json", None),
    ]
    for row, (label, value, fmt) in enumerate(lines, start=2):
        _put(ws, row, 1, label, bold=True)
        cell = _put(ws, row, 2, value, fmt)
        if isinstance(value, str) and len(value) > 80:
            cell.alignment = _WRAP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:B{len(lines) + 1}"
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 100


# --------------------------------------------------------------------------- public entry points


def build_workbook(*, call: Mapping[str, Any], inputs: DecisionInputs, profile: WeightProfile,
                   profile_name: str, result: scoring.RankResult, shortlist: ShortlistResult | None,
                   constraints: Mapping[str, Any] | None, forcings: pd.DataFrame | None,
                   ratings: pd.DataFrame | None, decisions: pd.DataFrame | None, content_hash: str,
                   user: str, aggregation: AggregationSettings | None = None, anonymise: bool = False,
                   generated_at: datetime | None = None, register: pd.DataFrame | None = None) -> bytes:
    """The shortlist workbook as .xlsx bytes (see the module docstring for the arguments)."""
    call_id = str(call.get("id") or call.get("call_id") or inputs.call_id)
    results_on = call.get("results_on")
    results_day = None if is_missing(results_on) else pd.Timestamp(results_on).date()
    ctx = _Context(
        call_id=call_id,
        call_label=str(call.get("label") or call_id),
        results_on=results_day,
        inputs=inputs,
        profile=profile,
        profile_name=profile_name,
        result=result,
        spec=profile.spec(inputs),
        shortlist=shortlist,
        constraints=dict(constraints or {}),
        forcings=forcings if forcings is not None else pd.DataFrame(),
        ratings=ratings,
        decisions=decisions if decisions is not None else pd.DataFrame(),
        content_hash=content_hash,
        user=user,
        aggregation=aggregation or AggregationSettings(),
        anonymise=anonymise,
        generated_at=(generated_at or datetime.now()).replace(microsecond=0, tzinfo=None),
        register=register,
        pseudonyms=juror_pseudonyms(pd.concat(
            [frame[["juror_id"]] for frame in (ratings, register) if frame is not None and not frame.empty]
            or [pd.DataFrame({"juror_id": []})])),
    )
    wb = Workbook()
    wb.remove(wb.active)
    splice = _Splice()
    _write_table(wb, SHEET_SHORTLIST, _shortlist_table(ctx), splice)
    ranking = _ranking_table(ctx)
    _write_table(wb, SHEET_RANKING, ranking, splice)
    _write_table(wb, SHEET_INELIGIBLE, _ineligible_table(ctx), splice)
    _write_weights(wb, ctx)
    _write_table(wb, SHEET_RATINGS, _ratings_table(ctx), splice)
    _write_table(wb, SHEET_REGISTER, _register_table(ctx), splice)
    _write_constraints(wb, ctx)
    _write_manifest(wb, ctx, ranking)
    wb.properties.creator = "Jury « Au cœur des territoires »"
    wb.properties.title = f"Liste restreinte {call_id}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return splice.apply(buffer.getvalue())

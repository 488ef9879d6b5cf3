"""The .xlsx writer engine under the workbooks the application hands out.

openpyxl (without lxml) writes about 130 000 cells a second, too slow for
2 000 dossiers and their ratings. A `Table`'s bulk rows are therefore
serialised here as sheet XML (numbers as ``<v>``, texts as inline strings,
style ids registered in openpyxl's own style table) and spliced into the
openpyxl-saved package by a `Splice`; openpyxl writes everything else
(headers, styles, widths, filters, panes, conditional formats, small sheets).

Every text is written as a string cell (`put`, `write_table`), so a value
typed as ``=1+1`` stays the text ``=1+1``; control characters XML forbids
are dropped (`clean_text`).

Every sheet prints (`set_print_layout`): A4, landscape when wide, one page
wide, its header row on top of every page, its print area, and in the margins
the document, the sheet's name, the call, the export's time and « page N / M ».
The print settings are openpyxl's own parts of the sheet XML (after
``<sheetData>``) and defined names of the workbook, which the splice leaves as
they are.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScale, FormatObject, Rule
from openpyxl.styles import Alignment, Border, Color, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.core.formatting import is_missing

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
TITLE_FONT = Font(bold=True, size=12)
LABEL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
LEFT_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="left")
TOP = Alignment(vertical="top")
# The height of one line of text in a row, in points (the default row's height).
LINE_HEIGHT = 15.0

MIN_WIDTH, MAX_WIDTH = 6.0, 60.0
# The width of a column the file does not size (the readers' default).
DEFAULT_WIDTH = 8.43
# The width (in characters of the default font) above which a sheet prints in landscape.
PORTRAIT_WIDTH = 95.0
# The printable part of an A4 page under `set_print_layout`'s margins (points, portrait), and
# the width of a character of the default font (points).
_PAGE_WIDTH, _PAGE_HEIGHT, _CHARACTER = 537.0, 741.0, 5.25
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

# The values of a column: a list, or a pandas Series as taken from a frame.
Values: TypeAlias = "Sequence[Any] | pd.Series[Any]"


def clean_text(text: Any) -> str:
    """A cell text: str, without the control characters XML forbids."""
    text = str(text)
    return ILLEGAL_CHARACTERS_RE.sub("", text) if ILLEGAL_CHARACTERS_RE.search(text) else text


# --------------------------------------------------------------------------- tables (bulk rows)


@dataclass
class Column:
    """One column of a bulk table: header, values and how to show them."""

    header: str
    values: Values
    kind: str = "text"                 # text | number | datetime
    number_format: str = "General"
    note: str | None = None            # header comment
    score: bool = False                # gets the colour scale
    wrap: int | None = None            # long texts: at most this width, wrapped over lines


@dataclass
class Table:
    columns: list[Column]
    freeze: str = "A2"
    reverse_scale: bool = False        # lower is better (VIKOR Q)
    after: list[str] = field(default_factory=list)   # text lines under the table (after a blank row)

    @property
    def rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


def text_lines(text: Any, width: float) -> int:
    """How many lines `text` takes, wrapped at spaces in a column `width` characters wide.

    A reader keeps a row as tall as the file says (LibreOffice does not fit a row to its
    wrapped text), so the writer sets it. A column `width` wide holds about 1.1 `width`
    characters of text in Calibri as in the DejaVu Sans LibreOffice puts in its place; the count
    keeps a character of margin a line, since a row a little too tall wastes paper where one too
    short hides text."""
    capacity = max(1, int(width * 1.1) - 1)
    lines = 0
    for paragraph in clean_text(text).split("\n"):
        lines, used = lines + 1, 0
        for word in paragraph.split():
            wanted = len(word) if used == 0 else used + 1 + len(word)
            if wanted <= capacity:
                used = wanted
                continue
            lines += (1 if used else 0) + (len(word) - 1) // capacity   # a word longer than a line breaks
            used = (len(word) - 1) % capacity + 1
    return max(1, lines)


def _height(lines: int) -> float | None:
    """The height of a row of `lines` lines of text (None: the default row's)."""
    return None if lines <= 1 else lines * LINE_HEIGHT


def fit_row_heights(ws: Worksheet) -> None:
    """Each row with a wrapped text as tall as its text (openpyxl-written sheets)."""
    lines: dict[int, int] = {}
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                width = ws.column_dimensions[get_column_letter(cell.column)].width or MIN_WIDTH
                lines[cell.row] = max(lines.get(cell.row, 1), text_lines(cell.value, width))
    for number, count in lines.items():
        height = _height(count)
        if height is not None:
            ws.row_dimensions[number].height = height


def _text_fragments(letter: str, style: int, values: Values, start: int) -> list[str]:
    """`<c>` elements of a text column (inline strings: never a formula); "" for empty cells."""
    cache: dict[Any, str] = {}
    head = f'<c r="{letter}'
    out: list[str] = []
    append = out.append
    for row, value in enumerate(values, start):
        body = cache.get(value)
        if body is None:
            if value is None or value != value or value == "":  # None, NaN, NaT, empty
                body = ""
            else:
                text = clean_text(value)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                body = f'" s="{style}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
            with contextlib.suppress(TypeError):  # unhashable: not cached
                cache[value] = body
        append(f"{head}{row}{body}" if body else "")
    return out


def _number_fragments(letter: str, style: int, values: Sequence[Any], start: int) -> list[str]:
    """`<c>` elements of a numeric column (values from `_numbers` / `_serials`)."""
    head = f'<c r="{letter}'
    mid = f'" s="{style}"><v>'
    return [f"{head}{row}{mid}{value!r}</v></c>" if value is not None else ""
            for row, value in enumerate(values, start)]


def _numbers(values: Values) -> list[float | int | None]:
    """Plain Python numbers (None where missing or not finite), integral values as int."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    array = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(array)
    integral = finite & (np.abs(array) < 2**53) & (np.mod(array, 1) == 0)
    out: list[float | int | None] = array.tolist()
    for k in np.flatnonzero(~finite).tolist():
        out[k] = None
    for k in np.flatnonzero(integral).tolist():
        out[k] = int(array[k])
    return out


def _serials(values: Values) -> list[float | None]:
    """Excel serial day numbers of datetimes (None where missing)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    stamps = pd.to_datetime(series, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    days = ((stamps - _EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan).round(10)
    return [None if v != v else v for v in days.tolist()]


def _text_width(values: Sequence[Any]) -> float:
    distinct: set[Any] | list[Any]
    try:
        distinct = set(values)
    except TypeError:  # unhashable values
        distinct = list(values)
    lengths = [len(str(v)) for v in distinct if not is_missing(v)]
    return float(max(lengths, default=0))


def _number_width(values: Sequence[float | int | None], number_format: str) -> float:
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
    return float(min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))


def style_header(cell: Cell | MergedCell) -> None:
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGN
    cell.border = _HEADER_BORDER


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None, *, bold: bool = False,
        wrap: bool = False) -> Cell | MergedCell:
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
        cell.value = clean_text(value)
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = LABEL_FONT
    if wrap:
        cell.alignment = WRAP
    return cell


class Splice:
    """Bulk rows generated as sheet XML, to insert into the saved package."""

    def __init__(self) -> None:
        self.pending: list[tuple[Worksheet, str, str]] = []   # (worksheet, rows xml, dimension ref)

    def add(self, ws: Worksheet, rows_xml: str, ref: str) -> None:
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


@dataclass(frozen=True)
class PrintHeader:
    """What the margins of every printed page carry, besides the sheet's name and « page N / M »."""

    document: str      # « Liste restreinte — jury « Au cœur des territoires » (Cnam) »
    call: str          # « AMI1 — AMI 1 — 2019 »
    exported: str      # « exporté le 26/09/2019 à 14:05 »


def _margin_text(text: str) -> str:
    """`text` as a header/footer part: « & » starts a code there, so it is doubled."""
    return clean_text(text).replace("&", "&&")


def sheet_width(ws: Worksheet) -> float:
    """The sum of the widths of the sheet's columns up to its last used one, in characters."""
    last = max(ws.max_column, *(c.max or 0 for c in ws.column_dimensions.values()), 1)
    return float(sum(ws.column_dimensions[get_column_letter(j)].width or DEFAULT_WIDTH for j in range(1, last + 1)))


def _sheet_height(ws: Worksheet) -> float:
    """The sum of the heights of the sheet's rows, in points (openpyxl-written sheets)."""
    return float(sum(ws.row_dimensions[r].height or LINE_HEIGHT for r in range(1, ws.max_row + 1)))


def _landscape(ws: Worksheet, one_page: bool) -> bool:
    """Landscape when the sheet is wider than a portrait page; for a sheet on one page, the
    orientation that shrinks it least."""
    if not one_page:
        return sheet_width(ws) > PORTRAIT_WIDTH
    width, height = sheet_width(ws) * _CHARACTER, _sheet_height(ws)
    portrait = min(_PAGE_WIDTH / width, _PAGE_HEIGHT / height)
    landscape = min(_PAGE_HEIGHT / width, _PAGE_WIDTH / height)
    return landscape > portrait


def set_print_layout(ws: Worksheet, header: PrintHeader, *, repeat_rows: str | None = "1:1",
                     one_page: bool = False) -> None:
    """How `ws` prints: A4, landscape when wider than a portrait page, fitted to one page wide
    (and one page tall with `one_page`), its print area (set by `write_table`, else the used
    range), the rows `repeat_rows` on top of every page, and the margins' texts."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = ws.ORIENTATION_LANDSCAPE if _landscape(ws, one_page) else ws.ORIENTATION_PORTRAIT
    setup.fitToWidth = 1
    setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if not ws.print_area:
        ws.print_area = ws.calculate_dimension()
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    top, bottom = ws.oddHeader, ws.oddFooter
    assert top is not None and bottom is not None  # openpyxl gives every sheet both
    top.left.text = _margin_text(header.document)
    top.center.text = "&A"
    top.right.text = _margin_text(header.call)
    bottom.left.text = _margin_text(header.exported)
    bottom.right.text = "page &P / &N"


def _colour_scale(low: str, high: str) -> Rule:
    """A three-colour scale: `low` at the minimum, yellow at the median, `high` at the maximum."""
    formats = [FormatObject(type="min"), FormatObject(type="percentile", val=50), FormatObject(type="max")]
    colours = [Color(low), Color("FFEB84"), Color(high)]
    return Rule(type="colorScale", colorScale=ColorScale(cfvo=formats, color=colours))


def write_table(wb: Workbook, title: str, table: Table, splice: Splice) -> Worksheet:
    """A sheet holding one table: header through openpyxl, rows spliced as XML."""
    ws: Worksheet = wb.create_sheet(title)
    n = table.rows
    last_row = n + 1
    prepared: list[tuple[Column, list[Any]]] = []
    for j, col in enumerate(table.columns, start=1):
        cell = put(ws, 1, j, col.header)
        style_header(cell)
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
        fitted = _fit(max(width, len(col.header) + 2))
        ws.column_dimensions[get_column_letter(j)].width = fitted if col.wrap is None else min(fitted, col.wrap)
    # Style ids of the data cells, registered in openpyxl's own style table through a probe cell.
    fragments = []
    for j, (col, values) in enumerate(prepared, start=1):
        probe = ws.cell(row=2, column=j)
        probe.number_format = col.number_format
        probe.alignment = WRAP if col.wrap is not None else TOP   # a row's cells read from its top line
        style = probe.style_id
        del ws._cells[(2, j)]
        letter = get_column_letter(j)
        if col.kind == "text":
            fragments.append(_text_fragments(letter, style, values, 2))
        else:
            fragments.append(_number_fragments(letter, style, values, 2))
    heights = _wrapped_heights(ws, prepared, n)
    rows = [f'<row r="{r}"{heights.get(r, "")}>{"".join(cells)}</row>'
            for r, cells in enumerate(zip(*fragments, strict=True), start=2)]
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
                ws.conditional_formatting.add(f"{letter}2:{letter}{last_row}", _colour_scale(low, high))
    splice.add(ws, "".join(rows), f"A1:{last_col}{ref_rows}")
    ws.print_area = f"A1:{last_col}{ref_rows}"
    return ws


def _wrapped_heights(ws: Worksheet, prepared: Sequence[tuple[Column, list[Any]]], n: int) -> dict[int, str]:
    """The height attributes of the table's rows whose wrapped texts take several lines."""
    lines = [1] * n
    for j, (col, values) in enumerate(prepared, start=1):
        if col.wrap is None:
            continue
        width = ws.column_dimensions[get_column_letter(j)].width or MIN_WIDTH
        for k, value in enumerate(values):
            if not is_missing(value) and value != "":
                lines[k] = max(lines[k], text_lines(value, width))
    return {k + 2: f' ht="{height}" customHeight="1"' for k, count in enumerate(lines)
            if (height := _height(count)) is not None}


def header_row(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for j, header in enumerate(headers, start=1):
        style_header(put(ws, row, j, header))


def fit_columns(ws: Worksheet, minimum: dict[int, float] | None = None, maximum: float = MAX_WIDTH) -> None:
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
        ws.column_dimensions[get_column_letter(column)].width = float(min(maximum, max(MIN_WIDTH, width + 2)))

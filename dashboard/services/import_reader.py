"""Reading an import file (.xlsx, .ods or .csv) into raw tables, within bounded work.

What this module owns:
- the formats: an .xlsx is streamed with openpyxl's sheet parser (so the cached
  value of a formula, the percent style of a number, hidden rows and the sheet's
  state are all seen); an .ods is read with python-calamine after a streaming
  count of its content; a .csv is decoded (UTF-8 with or without BOM, UTF-16 with
  a BOM, cp1252) and split on the separator it declares (`sep=;`) or uses;
- the caps, checked before a sheet is read (size of the file and of each part of
  the archive) and while it is read (rows and cells per sheet), so that a small
  file that unpacks to millions of rows is refused early and cheaply;
- the markers a cell may carry to the importer: `FormulaWithoutValue`,
  `Percent` and `CellError`.

Nothing here knows the store; problems are located by sheet, row and column
letter (the importer names columns by their header once it has found it).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from dashboard.core.formatting import fr_number
from dashboard.errors import Problem
from dashboard.report.workbook_format import SHEETS, Sheet, normalise_header, sheet_by_name

# ------------------------------------------------------------------------ caps
MAX_FILE_BYTES = 20 * 1024 * 1024          # the web uploader's limit too (.streamlit/config.toml)
MAX_PART_BYTES = 100 * 1024 * 1024         # one sheet of an archive, uncompressed
MAX_STRINGS_BYTES = 50 * 1024 * 1024       # an .xlsx's shared strings, uncompressed
MAX_ROWS = 200_000                         # rows holding a value, per sheet
MAX_CELLS = 4_000_000                      # cells up to each row's last value, in the whole file
HEADER_SEARCH_ROWS = 10                    # the header is looked for in the first rows

SUPPORTED = (".xlsx", ".ods", ".csv")
# What the .ods reader cannot see, said in every report of an .ods import (and in the README).
ODS_LIMITS = ("classeur .ods : les contrôles des formules sans valeur calculée, des cellules au format "
              "pourcentage et des lignes masquées ne s'appliquent pas à ce format (enregistrez en .xlsx pour "
              "les avoir)")
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_HIDDEN = ("1", "true")
# Characters a cp1252 decoding yields for bytes a French text never holds in
# cp1252 but does in other encodings (MacRoman é, è, à… land there).
_IMPLAUSIBLE_CP1252 = set("ƒˆ‰Š‹ŽšžŸ˜™†‡¢£¤¥¦¨¯´¸¹¼½¾¿×÷ÐÞð")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTED = re.compile(r'"[^"]*"|\\.')
_NOT_CSV = "illisible : ce n'est pas un fichier texte CSV"


# --------------------------------------------------------------------- markers
@dataclass(frozen=True)
class FormulaWithoutValue:
    """A formula cell whose file holds no computed value (written by a script, never recalculated)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True)
class Percent:
    """A number shown as a percentage: the cell holds `fraction` (0,103 shown « 10,3 % »)."""

    fraction: float

    def __str__(self) -> str:
        shown = f"{self.fraction * 100:.10g}".replace(".", ",")
        return f"{shown} %"


@dataclass(frozen=True)
class CellError:
    """A formula that evaluated to an error (« #DIV/0! », « #N/A »…)."""

    code: str

    def __str__(self) -> str:
        return self.code


# ---------------------------------------------------------------------- result
@dataclass
class RawTable:
    """One recognised sheet as read: its lines holding a value, numbered as in the file."""

    sheet: Sheet
    label: str
    lines: list[tuple[int, list[Any]]]
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)


@dataclass
class FileContent:
    """What a file holds for the importer: tables, problems, and what to tell the user."""

    tables: list[RawTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _TooLarge(Exception):
    """A sheet passed a cap while being read."""


def column_letter(index: int) -> str:
    """« A » for 1, « AB » for 28: how a spreadsheet names a column."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_file(path: Path, original_name: str | None = None, sheets: Sequence[Sheet] = SHEETS) -> FileContent:
    """Read an .xlsx, .ods or .csv into raw tables of the recognised `sheets` (the import
    workbook's by default); every failure becomes a French problem."""
    name = original_name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        hint = " (enregistrez-le au format .xlsx)" if suffix in (".xls", ".xlsm", ".xlsb") else ""
        return FileContent(problems=[_file_problem(name, "format non pris en charge : fournissez un classeur "
                                                   f".xlsx ou .ods, ou un fichier .csv{hint}", suffix or name)])
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return FileContent(problems=[_file_problem(name, f"trop volumineux ({fr_number(size / 1024 / 1024, 1)} Mo ; "
                                                   f"au plus {MAX_FILE_BYTES // 1024 // 1024} Mo)")])
    if suffix == ".csv":
        return _read_csv(path, name)
    archive_problem = _check_archive(path, name, suffix)
    if archive_problem is not None:
        return FileContent(problems=[archive_problem])
    content = _read_xlsx(path, name, sheets) if suffix == ".xlsx" else _read_ods(path, name, sheets)
    if not content.tables and not content.problems:
        expected = ", ".join(f"« {s.name} »" for s in sheets)
        content.problems.append(_file_problem(name, f"aucune feuille reconnue ; feuilles attendues : {expected}",
                                              ", ".join(content.ignored)))
    return content


# --------------------------------------------------------------------- archives
def _file_problem(name: str, message: str, value: object = None, row: int | None = None) -> Problem:
    """A problem of the whole file (« Fichier « x.csv » : … »)."""
    return Problem(name, row, None, value, message, place="fichier")


def _unreadable(name: str, suffix: str) -> Problem:
    kind = "classeur .xlsx" if suffix == ".xlsx" else "classeur .ods"
    return _file_problem(name, f"illisible : ce n'est pas un {kind} valide (fichier endommagé, ou d'un autre "
                               "format renommé) ; ouvrez-le puis enregistrez-le de nouveau dans Excel ou LibreOffice")


def _check_archive(path: Path, name: str, suffix: str) -> Problem | None:
    """An .xlsx or .ods is a zip archive: each part's uncompressed size is capped before reading."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _unreadable(name, suffix)
    for part in parts:
        limit = MAX_STRINGS_BYTES if part.filename.endswith("sharedStrings.xml") else MAX_PART_BYTES
        if part.file_size > limit:
            unpacked, most = part.file_size // 1024 // 1024, limit // 1024 // 1024
            return _file_problem(name, f"contenu trop volumineux une fois décompressé ({unpacked} Mo ; au plus {most} "
                                       "Mo par partie) : le fichier dépasse ce qu'un import accepte "
                                       f"({fr_number(MAX_ROWS)} lignes par feuille)", part.filename)
    return None


def _too_large(label: str, what: str) -> Problem:
    return Problem(label, None, None, None,
                   f"{what} : au plus {fr_number(MAX_ROWS)} lignes remplies par feuille "
                   f"et {fr_number(MAX_CELLS)} cellules par fichier ; rien n'a été lu au-delà")


class _Bounds:
    """Counts the filled rows of the sheet being read and the cells of the whole file against the caps."""

    def __init__(self) -> None:
        self.rows = 0
        self.cells = 0

    def new_sheet(self) -> None:
        self.rows = 0

    def add(self, width: int, repeat: int = 1) -> None:
        """A filled row (`repeat` times) of `width` cells up to its last value."""
        self.rows += repeat
        self.cells += width * repeat
        self.check()

    def check(self, pending_cells: int = 0) -> None:
        if self.rows > MAX_ROWS:
            raise _TooLarge(f"feuille trop grande (plus de {fr_number(MAX_ROWS)} lignes remplies)")
        if self.cells + pending_cells > MAX_CELLS:
            raise _TooLarge(f"fichier trop grand (plus de {fr_number(MAX_CELLS)} cellules jusqu'à cette "
                            "feuille comprise)")


# ------------------------------------------------------------------------ .xlsx
class _CellParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, reading cached values and marking formulas without one."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        formula = element.find(FORMULA_TAG)
        if formula is not None and cell["value"] is None:
            cell["value"] = FormulaWithoutValue("=" + (formula.text or ""))
        elif cell["data_type"] == "e" and cell["value"] is not None:
            cell["value"] = CellError(str(cell["value"]))
        return cell


def _shows_percent(number_format: str) -> bool:
    """A number format that multiplies by 100 and shows « % » (not a quoted or escaped « % »)."""
    return "%" in _QUOTED.sub("", number_format)


def _percent_styles(workbook: Any) -> set[int]:
    """The style indexes of the workbook whose number format is a percentage."""
    styles = set()
    for index, style in enumerate(workbook._cell_styles):
        format_id = style.numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            number_format = BUILTIN_FORMATS.get(format_id, "General")
        else:
            custom = workbook._number_formats
            position = format_id - BUILTIN_FORMATS_MAX_SIZE
            number_format = custom[position] if 0 <= position < len(custom) else "General"
        if _shows_percent(number_format):
            styles.add(index)
    return styles


@dataclass
class _XlsxBook:
    """What the sheets of an .xlsx are read with: the archive, shared strings, dates and styles."""

    archive: zipfile.ZipFile
    shared_strings: Any
    epoch: Any
    date_formats: set[int]
    timedelta_formats: set[int]
    percent_styles: set[int]
    # (title, state, part) of each worksheet, in order; chart sheets left out.
    sheets: list[tuple[str, str, str]]


def _open_xlsx(path: Path) -> _XlsxBook:
    """The workbook parts openpyxl's loader reads, without its reading every worksheet to size it
    (its read-only loader scans a sheet in full when it has no <dimension>, recognised or not)."""
    reader = ExcelReader(str(path), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [(str(sheet.name), str(sheet.state or "visible"), str(rel.target))
                  for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    except BaseException:
        reader.archive.close()
        raise
    workbook: Any = reader.wb  # its date and style tables are private attributes
    return _XlsxBook(reader.archive, reader.shared_strings, workbook.epoch, workbook._date_formats,
                     workbook._timedelta_formats, _percent_styles(workbook), sheets)


def _xlsx_lines(book: _XlsxBook, part: str, bounds: _Bounds) -> tuple[list[tuple[int, list[Any]]], _CellParser]:
    """Stream one worksheet: its lines holding a value, within the caps."""
    bounds.new_sheet()
    lines: list[tuple[int, list[Any]]] = []
    with book.archive.open(part) as source:
        parser = _CellParser(source, book.shared_strings, data_only=True, epoch=book.epoch,
                             date_formats=book.date_formats, timedelta_formats=book.timedelta_formats)
        for number, cells in parser.parse():
            values: dict[int, Any] = {}
            for cell in cells:
                value = cell["value"]
                if value is None or (isinstance(value, str) and value == ""):
                    continue
                if (cell["style_id"] in book.percent_styles and isinstance(value, (int, float))
                        and not isinstance(value, bool)):
                    value = Percent(float(value))
                values[cell["column"]] = value
            if not values:
                continue
            width = max(values)
            bounds.add(width)
            row: list[Any] = [None] * width
            for column, value in values.items():
                row[column - 1] = value
            lines.append((number, row))
    return lines, parser


def _hidden_columns(parser: _CellParser, width: int) -> set[int]:
    hidden: set[int] = set()
    for attrs in parser.column_dimensions.values():
        if attrs.get("hidden") in _HIDDEN:
            first, last = int(attrs.get("min", 0)), int(attrs.get("max", 0))
            hidden.update(range(max(first, 1), min(last, width) + 1))
    return hidden


def _read_xlsx(path: Path, name: str, sheets: Sequence[Sheet]) -> FileContent:
    content = FileContent()
    try:
        book = _open_xlsx(path)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors…) on a damaged file
        content.problems.append(_unreadable(name, ".xlsx"))
        return content
    bounds = _Bounds()
    try:
        for title, state, part in book.sheets:
            sheet = _sheet_to_read(title, state, content, sheets)
            if sheet is not None:
                _read_xlsx_sheet(book, sheet, title, part, bounds, content)
    finally:
        book.archive.close()
    return content


def _sheet_to_read(title: str, state: str, content: FileContent, sheets: Sequence[Sheet]) -> Sheet | None:
    """The recognised sheet behind a title, or None (ignored, or refused when very hidden)."""
    sheet = sheet_by_name(title, sheets)
    if sheet is None:
        content.ignored.append(f"feuille « {title} »" + (" (masquée)" if state != "visible" else ""))
        return None
    if state == "veryHidden":
        content.problems.append(Problem(title, None, None, None,
                                        "feuille « très masquée » (invisible même avec « Afficher ») : "
                                        "rendez-la visible ou supprimez-la, puis importez de nouveau"))
        return None
    if state == "hidden":
        content.notes.append(f"feuille masquée importée : {title}")
    return sheet


def _read_xlsx_sheet(book: _XlsxBook, sheet: Sheet, title: str, part: str, bounds: _Bounds,
                     content: FileContent) -> None:
    try:
        lines, parser = _xlsx_lines(book, part, bounds)
    except _TooLarge as exc:
        content.problems.append(_too_large(title, str(exc)))
        return
    except Exception:  # malformed sheet XML, a bad shared-string index, an impossible date…
        content.problems.append(Problem(title, None, None, None,
                                        "feuille illisible : son contenu XML est endommagé ; ouvrez le classeur "
                                        "puis enregistrez-le de nouveau dans Excel ou LibreOffice"))
        return
    hidden_rows = {int(number) for number, attrs in parser.row_dimensions.items()
                   if attrs.get("hidden") in _HIDDEN}
    width = max((len(cells) for _, cells in lines), default=0)
    content.tables.append(RawTable(sheet, title, lines, hidden_rows, _hidden_columns(parser, width)))


# ------------------------------------------------------------------------- .ods
def _ods_cell_has_value(cell: Any) -> bool:
    return cell.get(f"{_ODS_OFFICE}value-type") is not None or len(cell) > 0


def _ods_count(path: Path) -> tuple[str, str] | None:
    """Stream content.xml and count what calamine would expand (repeats included): each table's
    filled rows, and the cells of every table up to its last filled row and column. The first
    table past a cap, with what passed it, or None."""
    table_tag, row_tag = f"{_ODS_TABLE}table", f"{_ODS_TABLE}table-row"
    bounds, current = _Bounds(), ""
    height = last_row = widest = 0
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as source:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == table_tag:
                    bounds.new_sheet()
                    current, height, last_row, widest = element.get(f"{_ODS_TABLE}name", ""), 0, 0, 0
                continue
            if element.tag == row_tag:
                repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
                width = _ods_row_width(element)
                height += repeat
                if width:
                    last_row, widest = height, max(widest, width)
                    bounds.rows += repeat
                try:
                    bounds.check(pending_cells=last_row * widest)
                except _TooLarge as exc:
                    return current, str(exc)  # the file is refused: no need to read further
                element.clear()
            elif element.tag == table_tag:
                bounds.cells += last_row * widest
                element.clear()
    return None


def _ods_row_width(row: Any) -> int:
    """The position of a row's last cell holding a value (repeated cells included)."""
    position = width = 0
    for cell in row:
        position += int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
        if _ods_cell_has_value(cell):
            width = position
    return width


def _ods_state(visible: Any) -> str:
    """openpyxl's name for calamine's sheet visibility."""
    from python_calamine import SheetVisibleEnum

    if visible == SheetVisibleEnum.Visible:
        return "visible"
    return "hidden" if visible == SheetVisibleEnum.Hidden else "veryHidden"


def _ods_value(value: Any) -> Any:
    return None if isinstance(value, str) and value == "" else value


def _read_ods(path: Path, name: str, sheets: Sequence[Sheet]) -> FileContent:
    from python_calamine import CalamineError, CalamineWorkbook  # a compiled reader, loaded only for .ods

    content = FileContent(notes=[ODS_LIMITS])
    try:
        too_large = _ods_count(path)
    except Exception:  # the XML parser and zipfile raise their own kinds on a damaged file
        content.problems.append(_unreadable(name, ".ods"))
        return content
    if too_large is not None:  # calamine expands every table on opening: a file past the caps never reaches it
        content.problems.append(_too_large(*too_large))
        return content
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises its own kinds (and OSError) on a damaged file
        content.problems.append(_unreadable(name, ".ods"))
        return content
    try:
        for metadata in workbook.sheets_metadata:
            sheet = _sheet_to_read(metadata.name, _ods_state(metadata.visible), content, sheets)
            if sheet is not None:
                lines = list(_ods_lines(workbook.get_sheet_by_name(metadata.name)))
                content.tables.append(RawTable(sheet, metadata.name, lines))
    except CalamineError:
        content.problems.append(_unreadable(name, ".ods"))
    finally:
        workbook.close()
    return content


def _ods_lines(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    first_row = sheet.start[0] if sheet.start else 0
    first_column = sheet.start[1] if sheet.start else 0
    for offset, cells in enumerate(sheet.iter_rows()):
        row = [None] * first_column + [_ods_value(v) for v in cells]
        while row and row[-1] is None:
            row.pop()
        if row:
            yield first_row + offset + 1, row


# ------------------------------------------------------------------------- .csv
def decode_text(raw: bytes) -> tuple[str | None, str | None]:
    """The text of a CSV file, or why it cannot be read."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, "encodage"
    if b"\x00" in raw:
        return None, "binaire"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            return None, "encodage"
        if _IMPLAUSIBLE_CP1252 & set(text):
            return None, "encodage"
    if _CONTROL.search(text):
        return None, "binaire"
    return text, None


def csv_delimiter(lines: list[str]) -> str:
    """The separator a CSV uses: the one of « ; », « , » and tab most found in its first lines."""
    sample = "\n".join(lines[:HEADER_SEARCH_ROWS])
    return max((";", ",", "\t"), key=sample.count)


def _read_csv(path: Path, name: str) -> FileContent:
    text, failure = decode_text(path.read_bytes())
    if failure == "encodage":
        return FileContent(problems=[_file_problem(name, "encodage non reconnu : enregistrez le fichier au format "
                                                         "« CSV UTF-8 » (ou « CSV (séparateur : point-virgule) »)")])
    if failure == "binaire" or text is None:
        return FileContent(problems=[_file_problem(name, _NOT_CSV)])
    physical = text.splitlines()
    first_number, delimiter = 1, None
    declared = re.fullmatch(r'\s*"?sep=(.)"?\s*', physical[0]) if physical else None
    if declared:
        delimiter, first_number = declared.group(1), 2
        text = text.split("\n", 1)[1] if "\n" in text else ""
    delimiter = delimiter or csv_delimiter(physical)
    lines: list[tuple[int, list[Any]]] = []
    bounds = _Bounds()
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for line in reader:
            number = first_number + reader.line_num - 1
            cells = [cell if cell.strip() != "" else None for cell in line]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                bounds.add(len(cells))
                lines.append((number, cells))
    except _TooLarge as exc:
        return FileContent(problems=[_too_large(name, str(exc))])
    except csv.Error:
        return FileContent(problems=[_file_problem(name, _NOT_CSV)])
    if not lines:
        return FileContent(problems=[_file_problem(name, "vide : ligne d'en-tête absente", row=1)])
    sheet = sheet_by_name(Path(name).stem) or _sheet_from_headers(lines)
    if sheet is None:
        first_number, first_cells = lines[0]
        return FileContent(problems=[_file_problem(
            name, "en-têtes non reconnus : nommez le fichier comme une feuille du classeur (par exemple "
                  "« Notes.csv ») ou utilisez les en-têtes d'une feuille",
            ", ".join(str(c) for c in first_cells if c), row=first_number)])
    return FileContent(tables=[RawTable(sheet, sheet.name, lines)])


def _sheet_from_headers(lines: list[tuple[int, list[Any]]]) -> Sheet | None:
    """The sheet whose required headers all appear in one of the first lines (best match wins)."""
    best, best_score = None, 0
    for number, cells in lines:
        if number > HEADER_SEARCH_ROWS:
            break
        present = {normalise_header(cell) for cell in cells if cell is not None}
        for sheet in SHEETS:
            required = {normalise_header(c.header) for c in sheet.columns if c.required}
            if required <= present:
                score = len({normalise_header(c.header) for c in sheet.columns} & present)
                if score > best_score:
                    best, best_score = sheet, score
    return best

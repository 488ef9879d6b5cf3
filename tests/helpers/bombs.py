"""Import files that are small on disk and huge once read (« bombs »), written quickly and in little memory.

Each holds one sheet « Notes » (header `Juré, Dossier, Critère, Note`) then `rows` data rows
`J1, D1, J01, 3`:

* `write_rows_bomb`: a minimal .xlsx (inline strings, no shared strings, no styles) whose sheet XML
  is streamed into the archive in chunks, never built whole. Its rows carry no `r` attribute (the
  format allows it), so they are identical and compress well: 3 000 000 rows are about 1,7 Mo on disk
  and 430 Mo once uncompressed (over the 100 Mo per-part cap); 250 000 rows are 36 Mo uncompressed
  (under that cap, over the 200 000 filled rows cap). The sheet declares its `<dimension>` as Excel
  and LibreOffice do; without it (`dimension=False`) openpyxl's read-only loader parses the whole
  sheet once more, when the workbook is opened, just to size it.
* `write_ods_rows_bomb`: an .ods of about 1 Ko whose single data row is repeated `rows` times
  (`table:number-rows-repeated`), in the table « Notes » and, with `tables` > 1, in as many more
  tables « Feuille2 », « Feuille3 »…
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HEADER = ("Juré", "Dossier", "Critère", "Note")
ROW = ("J1", "D1", "J01", 3)
SHEET_NAME = "Notes"
_CHUNK_ROWS = 10_000

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOCUMENT_RELS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"),
    "xl/workbook.xml": (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT_RELS}">'
        f'<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOCUMENT_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"),
}
XLSX_SHEET_PART = "xl/worksheets/sheet1.xml"


def _xlsx_cell(value: str | int) -> str:
    if isinstance(value, int):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _xlsx_row(values: tuple[str | int, ...]) -> str:
    return "<row>" + "".join(_xlsx_cell(v) for v in values) + "</row>"


def write_rows_bomb(path: Path, rows: int, dimension: bool = True) -> Path:
    """A minimal .xlsx: sheet « Notes », the header row, then `rows` rows `J1, D1, J01, 3`."""
    declared = f'<dimension ref="A1:D{rows + 1}"/>' if dimension else ""
    chunk = (_xlsx_row(ROW) * _CHUNK_ROWS).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open(XLSX_SHEET_PART, "w", force_zip64=True) as sheet:
            sheet.write(f'{_XML}<worksheet xmlns="{_MAIN}">{declared}<sheetData>{_xlsx_row(HEADER)}'.encode())
            full, rest = divmod(rows, _CHUNK_ROWS)
            for _ in range(full):
                sheet.write(chunk)
            sheet.write((_xlsx_row(ROW) * rest).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>")


def _ods_cell(value: str | int) -> str:
    if isinstance(value, int):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def _ods_table(name: str, rows: int) -> str:
    return (f'<table:table table:name="{name}">'
            '<table:table-column table:number-columns-repeated="4"/>'
            "<table:table-row>" + "".join(_ods_cell(v) for v in HEADER) + "</table:table-row>"
            f'<table:table-row table:number-rows-repeated="{rows}">'
            + "".join(_ods_cell(v) for v in ROW) + "</table:table-row></table:table>")


def write_ods_rows_bomb(path: Path, rows: int, tables: int = 1) -> Path:
    """An .ods: table « Notes », the header row, then ONE row `J1, D1, J01, 3` repeated `rows` times
    (and `tables` - 1 more such tables)."""
    names = [SHEET_NAME] + [f"Feuille{k}" for k in range(2, tables + 1)]
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        + "".join(_ods_table(name, rows) for name in names)
        + "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", _ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return path

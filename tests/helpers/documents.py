"""Real documents of each accepted kind, and refused ones, built in memory for the tests:
a PDF written by pypdf, an .xlsx by openpyxl, a .docx, .ods and .odt with their manifests,
a macro-bearing workbook, and archives (a zip bomb, a zip slip)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from pypdf import PdfWriter

_OOXML_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                '2006/content-types"><Override PartName="/{part}" ContentType="{main}"/></Types>')
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ODF_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0"/>')


def pdf_bytes(pages: int = 1) -> bytes:
    """A PDF of `pages` blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A one-sheet workbook (a « budget prévisionnel »)."""
    workbook = Workbook()
    workbook.active.append(["Poste", "Montant"])
    workbook.active.append(["Locaux", 120000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": _OOXML_TYPES.format(part="word/document.xml", main=DOCX_MAIN),
                 "word/document.xml": "<w:document/>"})


def macro_workbook_bytes() -> bytes:
    """An .xlsm's content: a macro-enabled main part and its VBA project."""
    return _zip({"[Content_Types].xml": _OOXML_TYPES.format(part="xl/workbook.xml", main=XLSM_MAIN),
                 "xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": b"\x00VBA"})


def odf_bytes(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    return _zip({"mimetype": mimetype, "META-INF/manifest.xml": ODF_MANIFEST, "content.xml": "<office:document/>"})


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    """`files` written into `folder` (created), sub-folders included."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def zip_of(files: dict[str, bytes]) -> bytes:
    """An archive holding `files` under the names given, unchecked (`../x.pdf` included)."""
    return _zip(dict(files))


def zip_bomb(entry: str, size: int) -> bytes:
    """An archive of one entry of `size` zero bytes: a few kilobytes on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(entry, "w") as member:
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
        member.write(bytes(size % len(chunk)))
    return buffer.getvalue()

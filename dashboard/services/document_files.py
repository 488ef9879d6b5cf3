"""The files to attach to dossiers, read within bounded work and checked to be what their
names say, before anything is stored.

What this module owns:
- the sources: a folder (its files, sub-folders included), a ZIP archive, or files uploaded
  on /import (an uploaded ZIP is opened as an archive). An archive is opened under the
  import's bounded-work rules: its entries are counted and their declared sizes capped
  before anything is decompressed (no zip bomb), a read never goes past the size an entry
  declares, and an entry whose path leaves the archive (`../`, `/etc/…`, `C:\\…`) refuses
  the whole archive (no path traversal; nothing is ever written to disk anyway);
- the content checks: a PDF opens with pypdf and has at least one page; an .xlsx, .docx, .ods
  or .odt is a valid zip holding its manifest and the main part of its kind; a file with
  macros (`.xlsm`, `.docm`… or a renamed one carrying a macro project) is refused, as is a
  content that is not of the kind its extension says;
- the `pieces.csv` manifest (columns `dossier` and `fichier`, separated by « , » or « ; »)
  and the matching of each file to a dossier, by the manifest or by its name.

Problems are located as the import locates them (`Problem`): the file (its path in the
folder or archive), and for the manifest its row, column and value.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from dashboard.core.documents import (
    DOCUMENT_KINDS,
    MANIFEST_NAME,
    MAX_CALL_BYTES,
    MAX_DOCUMENT_BYTES,
    MAX_FILES,
    REFUSED_EXTENSIONS,
    dossier_of_name,
    kind_of_name,
    too_large,
)
from dashboard.core.formatting import fr_number, fr_size
from dashboard.errors import Problem
from dashboard.services.import_reader import csv_delimiter, decode_text

# An office document's parts, decompressed, may not hold more than this (its own zip bomb).
MAX_OFFICE_UNPACKED = 200 * 1024 * 1024
# The manifest and an office document's small parts read to know its kind.
MAX_SMALL_PART = 1024 * 1024
_SKIPPED_PARTS = ("__MACOSX",)
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
}
_OOXML_MACRO = re.compile(r"macroEnabled|vbaProject", re.IGNORECASE)
_ODF_KINDS = {"application/vnd.oasis.opendocument.spreadsheet": "ods", "application/vnd.oasis.opendocument.text": "odt"}
_ACCEPTED = ", ".join(kind.extension for kind in DOCUMENT_KINDS.values())


@dataclass(frozen=True)
class IncomingFile:
    """A file offered for attachment: its path in the folder or archive (POSIX), its bytes."""

    path: str
    content: bytes

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class MatchedFile:
    """A file and the dossier it goes to."""

    file: IncomingFile
    dossier_id: str


def file_problem(path: str, message: str, value: object = None) -> Problem:
    """A problem of one file (« Fichier « x.pdf » : … »)."""
    return Problem(path, None, None, value, message, place="fichier")


def _skipped(path: PurePosixPath) -> bool:
    """Hidden files and the folders a Mac adds to an archive (`.DS_Store`, `__MACOSX/`) are not offered."""
    return any(part.startswith(".") or part in _SKIPPED_PARTS for part in path.parts)


# ------------------------------------------------------------------- sources
def folder_files(folder: Path) -> tuple[list[IncomingFile], list[Problem]]:
    """The files of a folder and its sub-folders, each size checked before it is read."""
    files: list[IncomingFile] = []
    problems: list[Problem] = []
    total = 0
    for path in sorted(folder.rglob("*")):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if _skipped(relative) or (path.is_dir() and not path.is_symlink()):
            continue
        if path.is_symlink() or not path.is_file():
            problems.append(file_problem(str(relative), "lien ou fichier spécial : non suivi ; copiez le fichier "
                                                        "lui-même dans le dossier"))
            continue
        if len(files) + len(problems) >= MAX_FILES:
            problems.append(file_problem(folder.name, f"plus de {fr_number(MAX_FILES)} fichiers : rien n'a été lu "
                                                      "au-delà ; attachez les pièces en plusieurs fois"))
            break
        size = path.stat().st_size
        total += size
        if size > MAX_DOCUMENT_BYTES:
            problems.append(_too_large(str(relative), size))
        elif total > MAX_CALL_BYTES:
            problems.append(_batch_too_large(folder.name))
            break
        else:
            files.append(IncomingFile(str(relative), path.read_bytes()))
    return files, problems


def _too_large(path: str, size: int) -> Problem:
    return file_problem(path, too_large(size))


def _batch_too_large(source: str) -> Problem:
    return file_problem(source, f"l'ensemble dépasse {fr_size(MAX_CALL_BYTES)}, le plafond des pièces d'un appel : "
                                "rien n'a été lu au-delà")


def _unsafe_entry(name: str) -> bool:
    """An archive entry whose path would leave the folder it is unpacked in."""
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


def archive_files(source: str, content: bytes) -> tuple[list[IncomingFile], list[Problem]]:
    """The files of a ZIP archive, under the bounded-work rules (module docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return [], [file_problem(source, "archive illisible : ce n'est pas un fichier .zip valide")]
    with archive:
        if len(entries) > MAX_FILES:
            return [], [file_problem(source, f"archive de {fr_number(len(entries))} entrées : au plus "
                                             f"{fr_number(MAX_FILES)} ; rien n'a été décompressé")]
        problems = [file_problem(f"{source}/{entry.filename}", "chemin refusé : il sort du dossier de l'archive "
                                                               "(« .. », chemin absolu ou « \\ »)")
                    for entry in entries if _unsafe_entry(entry.filename)]
        wanted = [e for e in entries if not e.is_dir() and not _skipped(PurePosixPath(e.filename))]
        problems += [_too_large(e.filename, e.file_size) for e in wanted if e.file_size > MAX_DOCUMENT_BYTES]
        if sum(e.file_size for e in wanted) > MAX_CALL_BYTES:
            problems.append(file_problem(source, f"contenu trop volumineux une fois décompressé "
                                                 f"({fr_size(sum(e.file_size for e in wanted))} ; au plus "
                                                 f"{fr_size(MAX_CALL_BYTES)}) : rien n'a été décompressé"))
        problems += [file_problem(e.filename, "entrée chiffrée (protégée par mot de passe) : illisible")
                     for e in wanted if e.flag_bits & 0x1]
        if problems:
            return [], problems
        return _read_entries(archive, source, wanted)


def _read_entries(archive: zipfile.ZipFile, source: str,
                  entries: Sequence[zipfile.ZipInfo]) -> tuple[list[IncomingFile], list[Problem]]:
    """Each entry read, never past its declared size (zipfile stops there and checks the CRC)."""
    files: list[IncomingFile] = []
    for entry in entries:
        try:
            with archive.open(entry) as member:
                files.append(IncomingFile(entry.filename, member.read(MAX_DOCUMENT_BYTES + 1)))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return [], [file_problem(f"{source}/{entry.filename}", "entrée endommagée ou de compression "
                                                                   "non prise en charge : archive refusée")]
    return files, []


def uploaded_files(uploads: Iterable[tuple[str, bytes]]) -> tuple[list[IncomingFile], list[Problem]]:
    """Files uploaded on /import, an uploaded .zip opened as an archive (its entries named in it)."""
    files: list[IncomingFile] = []
    problems: list[Problem] = []
    for name, content in uploads:
        if name.lower().endswith(".zip"):
            unpacked, found = archive_files(name, content)
            files += unpacked
            problems += found
        else:
            files.append(IncomingFile(PurePosixPath(name).name, content))
    return files, problems


# ------------------------------------------------------------------ contents
def content_kind(file: IncomingFile) -> tuple[str | None, str | None]:
    """The kind of an accepted file, or why it is refused (its extension, its content)."""
    lowered = file.name.lower()
    if lowered.endswith(REFUSED_EXTENSIONS):
        return None, (f"format refusé ({PurePosixPath(lowered).suffix}) : les fichiers à macros et les anciens "
                      "formats Office ne sont pas acceptés ; enregistrez-le en .xlsx, .docx, .ods, .odt ou PDF")
    claimed = kind_of_name(file.name)
    if claimed is None:
        return None, f"type non accepté : seuls les fichiers {_ACCEPTED} sont des pièces"
    if len(file.content) > MAX_DOCUMENT_BYTES:
        return None, too_large(len(file.content))
    if not file.content:
        return None, "fichier vide"
    actual, reason = _pdf_kind(file.content) if file.content[:1024].find(b"%PDF-") >= 0 else _office_kind(file.content)
    if reason is not None:
        return None, reason
    if actual != claimed.kind:
        found = DOCUMENT_KINDS[actual].label if actual in DOCUMENT_KINDS else "fichier d'un autre type"
        return None, (f"le contenu ne correspond pas à l'extension {claimed.extension} : c'est un {found}, "
                      f"pas un {claimed.label}")
    return claimed.kind, None


def _pdf_kind(content: bytes) -> tuple[str | None, str | None]:
    """« pdf » for a PDF pypdf opens with at least one page, else why not."""
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            return None, "PDF protégé par mot de passe : les jurés ne pourraient pas le lire"
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return None, "PDF illisible (fichier endommagé ou incomplet)"
    if pages < 1:
        return None, "PDF sans aucune page"
    return "pdf", None


def _office_kind(content: bytes) -> tuple[str | None, str | None]:
    """The kind of an OOXML or OpenDocument file from its manifest, or why it is refused; a
    content that is neither gives (None, None): a type that does not match its name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = {entry.filename: entry for entry in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "autre", None
    with archive:
        if sum(entry.file_size for entry in entries.values()) > MAX_OFFICE_UNPACKED:
            return None, (f"contenu trop volumineux une fois décompressé (au plus {fr_size(MAX_OFFICE_UNPACKED)}) : "
                          "refusé")
        try:
            if "[Content_Types].xml" in entries:
                return _ooxml_kind(archive, entries)
            if "mimetype" in entries:
                return _odf_kind(archive, entries)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return None, "document illisible (archive endommagée)"
    return "autre", None


def _small_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> str:
    with archive.open(entry) as part:
        return part.read(MAX_SMALL_PART).decode("utf-8", errors="replace")


_MACROS = "document à macros refusé : enregistrez-le sans macros (.xlsx, .docx, .ods ou .odt)"


def _ooxml_kind(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> tuple[str | None, str | None]:
    types = _small_part(archive, entries["[Content_Types].xml"])
    if _OOXML_MACRO.search(types) or any(name.lower().endswith("vbaproject.bin") for name in entries):
        return None, _MACROS
    kind = next((kind for content_type, kind in _OOXML_MAIN.items() if content_type in types), None)
    return kind or "autre", None


def _odf_kind(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> tuple[str | None, str | None]:
    if "META-INF/manifest.xml" not in entries:
        return None, "document OpenDocument incomplet (manifeste « META-INF/manifest.xml » absent)"
    if any(name.startswith(("Basic/", "Scripts/")) for name in entries):
        return None, _MACROS
    return _ODF_KINDS.get(_small_part(archive, entries["mimetype"]).strip(), "autre"), None


# ------------------------------------------------------------------ matching
@dataclass(frozen=True)
class ManifestLine:
    """One line of `pieces.csv`: its row number, the dossier and the file it names."""

    row: int
    dossier_id: str
    file_path: str


def read_manifest(file: IncomingFile) -> tuple[list[ManifestLine], list[Problem]]:
    """The lines of a `pieces.csv` (UTF-8 or Windows-1252, « , » or « ; »), or its problems."""
    text, failure = decode_text(file.content) if len(file.content) <= MAX_SMALL_PART else (None, "taille")
    if text is None:
        reason = "trop volumineux" if failure == "taille" else "illisible : enregistrez-le en « CSV UTF-8 »"
        return [], [file_problem(file.path, reason)]
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text.splitlines()[:10])))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "dossier" not in header or "fichier" not in header:
        return [], [Problem(file.path, 1, None, ", ".join(rows[0]) if rows else None,
                            "en-têtes « dossier » et « fichier » attendus", place="fichier")]
    dossier_at, file_at = header.index("dossier"), header.index("fichier")
    lines: list[ManifestLine] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row] + [""] * len(header)
        if not any(cells):
            continue
        for column, at in (("dossier", dossier_at), ("fichier", file_at)):
            if not cells[at]:
                problems.append(Problem(file.path, number, column, None, "valeur obligatoire", place="fichier"))
        if cells[dossier_at] and cells[file_at]:
            lines.append(ManifestLine(number, cells[dossier_at], cells[file_at]))
    return lines, problems


def _by_path(files: Sequence[IncomingFile]) -> dict[str, IncomingFile]:
    """Each file under its path, and under its bare name when no other file has that name."""
    found = {file.path: file for file in files}
    names: dict[str, list[IncomingFile]] = {}
    for file in files:
        names.setdefault(file.name, []).append(file)
    found.update({name: same[0] for name, same in names.items() if len(same) == 1 and name not in found})
    return found


def match_files(files: Sequence[IncomingFile], dossier_ids: Sequence[str],
                call_id: str) -> tuple[list[MatchedFile], list[Problem]]:
    """Each file with its dossier: by `pieces.csv` when it names the file, else by the file's
    name; a file neither names, a manifest line naming an absent file or an unknown dossier
    are problems."""
    manifests = [file for file in files if file.name.lower() == MANIFEST_NAME]
    offered = [file for file in files if file.name.lower() != MANIFEST_NAME]
    matched: list[MatchedFile] = []
    problems: list[Problem] = []
    named: set[str] = set()
    known = {dossier_id.lower(): dossier_id for dossier_id in dossier_ids}
    paths = _by_path(offered)
    for manifest in manifests:
        lines, found = read_manifest(manifest)
        for line in lines:
            file, dossier_id = paths.get(line.file_path), known.get(line.dossier_id.lower())
            if dossier_id is None:
                found.append(Problem(manifest.path, line.row, "dossier", line.dossier_id,
                                     f"dossier inconnu dans l'appel « {call_id} »", place="fichier"))
            if file is None:
                found.append(Problem(manifest.path, line.row, "fichier", line.file_path,
                                     "fichier absent du dossier ou de l'archive", place="fichier"))
            if file is not None and dossier_id is not None:
                matched.append(MatchedFile(file, dossier_id))
                named.add(file.path)
        problems += sorted(found, key=lambda problem: problem.row or 0)
    for file in offered:
        if file.path in named:
            continue
        dossier_id = dossier_of_name(file.name, dossier_ids)
        if dossier_id is None:
            problems.append(file_problem(file.path, f"ne correspond à aucun dossier de l'appel « {call_id} » : "
                                                    "nommez-le « <dossier>_… » (ex. « "
                                                    f"{dossier_ids[0] if dossier_ids else call_id + '-001'}"
                                                    f"_candidature.pdf ») ou citez-le dans « {MANIFEST_NAME} »"))
        else:
            matched.append(MatchedFile(file, dossier_id))
    return matched, problems

"""What a dossier's document is: the accepted kinds, the caps, and how a file's name
names its dossier. Pure: the checks of a file's content are in `services/document_files.py`,
the storage in `store/documents.py`.

A file is matched to a dossier by its name when it starts with the dossier's id
followed by « _ », « - » or « . » (`AMI1-006_candidature.pdf`), or by a `pieces.csv`
manifest that names it (columns `dossier` and `fichier`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.core.formatting import fr_number, fr_size

__all__ = ["DOCUMENT_KINDS", "MANIFEST_NAME", "MAX_CALL_BYTES", "MAX_DOCUMENT_BYTES", "MAX_FILES", "PDF_MIME",
           "REFUSED_EXTENSIONS", "DocumentKind", "attach_sentence", "dossier_of_name", "kind_of_name", "too_large"]

MEGABYTE = 1024 * 1024
MAX_DOCUMENT_BYTES = 20 * MEGABYTE     # one file (the web uploader's limit too)
MAX_CALL_BYTES = 500 * MEGABYTE        # every document of one call, stored and new together
MAX_FILES = 2_000                      # files in one folder or archive
MANIFEST_NAME = "pieces.csv"
PDF_MIME = "application/pdf"


@dataclass(frozen=True)
class DocumentKind:
    """An accepted kind of document: its file extension, its MIME type, how a person names it."""

    kind: str
    extension: str
    mime: str
    label: str


DOCUMENT_KINDS: dict[str, DocumentKind] = {kind.kind: kind for kind in (
    DocumentKind("pdf", ".pdf", PDF_MIME, "PDF"),
    DocumentKind("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "classeur Excel"),
    DocumentKind("ods", ".ods", "application/vnd.oasis.opendocument.spreadsheet", "classeur OpenDocument"),
    DocumentKind("docx", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "texte Word"),
    DocumentKind("odt", ".odt", "application/vnd.oasis.opendocument.text", "texte OpenDocument"),
)}
# Office files that carry macros, and the old binary formats: refused by their extension (a renamed
# macro file is refused by its content, `services/document_files.py`).
REFUSED_EXTENSIONS = (".xlsm", ".xltm", ".xlsb", ".docm", ".dotm", ".pptm", ".xls", ".doc")

_SEPARATORS = "_.-"


def kind_of_name(file_name: str) -> DocumentKind | None:
    """The kind a file's extension claims, if it is an accepted one."""
    lowered = file_name.lower()
    return next((kind for kind in DOCUMENT_KINDS.values() if lowered.endswith(kind.extension)), None)


def dossier_of_name(file_name: str, dossier_ids: Iterable[str]) -> str | None:
    """The dossier whose id starts the file's name, followed by « _ », « - » or « . » (case
    ignored; the longest id wins, so that `AMI1-0061_x.pdf` is never taken for `AMI1-006`)."""
    lowered = file_name.lower()
    found = [dossier_id for dossier_id in dossier_ids
             if re.match(re.escape(dossier_id.lower()) + f"[{re.escape(_SEPARATORS)}]", lowered)]
    return max(found, key=len) if found else None


def too_large(size: int) -> str:
    """Why a file of `size` bytes is refused: « trop volumineux (21,0 Mio ; au plus 20,0 Mio par pièce) »."""
    return f"trop volumineux ({fr_size(size)} ; au plus {fr_size(MAX_DOCUMENT_BYTES)} par pièce)"


def attach_sentence(call_id: str, added: int, present: int) -> str:
    """« AMI1 : 3 nouveaux, 0 déjà présent. » — what an attachment did, in one line."""
    return (f"Pièces de l'appel « {call_id} » : {fr_number(added)} nouveau{'x' if added > 1 else ''}, "
            f"{fr_number(present)} déjà présent{'s' if present > 1 else ''}.")

"""The application's exception tree; every message is French and says what was
expected and what was found.

    JuryError
    ├── StoreError            a database operation failed (the detail goes to the log)
    │   ├── DatabaseLockedError   another process holds the database file
    │   ├── SchemaTooNewError     the file was written by a newer version
    │   ├── DamagedDatabaseError  the file is truncated, corrupt or not a database
    │   ├── DiskFullError         the disk is full: the write was undone
    │   ├── WriteConflictError    a write clashed with one made outside the store
    │   ├── JournalKeyError       the journal's key file is missing or unreadable
    │   └── DatabaseFailedError   DuckDB invalidated the open database (a fatal error)
    ├── ImportRejected        an import file has problems; nothing was written
    ├── AccessDenied          the acting user's role or a recusal forbids the action
    ├── StaleWrite            a save was based on a value someone changed since
    ├── SeanceChanged         a move in the séance was based on a state that moved on since
    └── LoginRefused          wrong credentials, or too many failed attempts
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboard.core.formatting import fr_number


class JuryError(Exception):
    """Base of every error this application raises on purpose."""


class StoreError(JuryError):
    """A database operation failed."""


class DatabaseLockedError(StoreError):
    """The DuckDB file is held by another process."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the application."""


class DamagedDatabaseError(StoreError):
    """The file cannot be read whole: truncated, corrupt, or not a DuckDB database."""


class DiskFullError(StoreError):
    """The disk holding the database is full; the transaction was undone."""


class WriteConflictError(StoreError):
    """A write clashed with another made on the same rows outside the store; nothing was written."""


class JournalKeyError(StoreError):
    """The key file that seals the journal is missing, unreadable or malformed."""


class DatabaseFailedError(StoreError):
    """DuckDB invalidated the open database after a fatal error (it must be reopened)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an import file, located as a person would find it."""

    sheet: str
    row: int | None
    column: str | None
    value: object
    message: str
    # « feuille » for a sheet of a workbook; « fichier » when `sheet` names the whole file.
    place: str = "feuille"
    # The file the sheet is in, when a batch reads several (application forms).
    file: str | None = None
    # A form's cell (« C12 »): named in place of the row and column, the column then
    # holding the field's label.
    cell: str | None = None

    def __str__(self) -> str:
        where = [f"fichier « {self.file} »"] if self.file is not None else []
        where.append(f"{self.place} « {self.sheet} »")
        if self.cell is not None:
            where.append(f"cellule {self.cell}" + (f" ({self.column})" if self.column is not None else ""))
        else:
            if self.row is not None:
                where.append(f"ligne {self.row}")
            if self.column is not None:
                where.append(f"colonne « {self.column} »")
        text = ", ".join(where)
        if self.value is not None and str(self.value) != "":
            text += f", valeur « {self.value} »"
        return f"{text[0].upper()}{text[1:]} : {self.message}"


# An import refusal lists this many problems, then counts the others.
MAX_LISTED_PROBLEMS = 200


class ImportRejected(JuryError):
    """An import file was refused; `problems` lists the first problems found
    (at most MAX_LISTED_PROBLEMS), `total` counts them all."""

    refused = "Import refusé"

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems[:MAX_LISTED_PROBLEMS]
        self.total = max(total or 0, len(problems))
        plural = "s" if self.total > 1 else ""
        lines = [f"{self.refused} : {fr_number(self.total)} problème{plural} trouvé{plural}, "
                 "la base n'a pas été modifiée."]
        lines += [f"  – {p}" for p in self.problems]
        hidden = self.total - len(self.problems)
        if hidden:
            others = "s" if hidden > 1 else ""
            lines.append(f"  – … et {fr_number(hidden)} autre{others} problème{others}")
        super().__init__("\n".join(lines))


class DocumentsRejected(ImportRejected):
    """Files to attach to dossiers were refused, all of them (`problems`: per file, why)."""

    refused = "Import des pièces refusé"


class AccessDenied(JuryError):
    """The acting user may not do this; nothing was read or written."""


class SeanceChanged(JuryError):
    """Compare-and-set: the séance moved on since the page showed it; nothing was changed."""


class StaleWrite(JuryError):
    """Optimistic concurrency: the stored value changed since it was read."""

    def __init__(self, message: str, current: dict[str, Any] | None) -> None:
        self.current = current
        super().__init__(message)


class LoginRefused(JuryError):
    """Log-in refused; `retry_after` seconds when throttled."""

    def __init__(self, message: str, retry_after: float = 0.0) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ExportError(JuryError):
    """The workbook cannot be built (unknown call or profile, bad constraints…)."""


class BackupError(JuryError):
    """A copy of the database cannot be made, checked or restored (nothing was replaced)."""


class OperatorRouteError(JuryError):
    """The running server refused, or did not answer, an operator command."""

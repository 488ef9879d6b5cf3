"""The incident log: the detail of what went wrong, kept where no user sees it.

An error that reaches the top of a page or of a `jury` command is written, with
its traceback, to a rotating file beside the database (`<base>.incidents.log`:
`data/jury.incidents.log` for `data/jury.duckdb`; 5 Mio per file, the four
previous files kept as `.1` … `.4`), under a reference that the page or the
command shows instead. The person gives the reference to the operator, who finds
the detail with `grep`.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from dashboard.errors import (
    DamagedDatabaseError,
    DatabaseLockedError,
    JuryError,
    SchemaTooNewError,
    StoreError,
)

LOG_SUFFIX = ".incidents.log"
MAX_LOG_BYTES = 5 * 1024 * 1024
KEPT_LOGS = 4

UNEXPECTED_MESSAGE = "Une erreur inattendue est survenue ; elle a été consignée (référence {reference})."
UNAVAILABLE_MESSAGE = ("La base est indisponible ; l'incident a été consigné (référence {reference}). "
                       "Prévenez l'administrateur.")

# Errors written for the operator at the server's shell: complete (they name the file, so a page
# says less), with nothing more to log.
OPERATOR_ERRORS = (DatabaseLockedError, DamagedDatabaseError, SchemaTooNewError)

_logger = logging.getLogger("jury.incidents")
_logger.propagate = False


def incident_log_path(db_path: Path) -> Path:
    """The incident log of a database file: `jury.duckdb` → `jury.incidents.log`."""
    return db_path.with_name(db_path.stem + LOG_SUFFIX)


def configure_incident_log(db_path: Path) -> Path:
    """Send incidents to the log beside `db_path` (once per process and file); its path."""
    path = incident_log_path(db_path)
    for handler in list(_logger.handlers):
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path.resolve():
            return path
        _logger.removeHandler(handler)
        handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=MAX_LOG_BYTES, backupCount=KEPT_LOGS, encoding="utf-8",
                                  delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    _logger.addHandler(handler)
    _logger.setLevel(logging.INFO)
    return path


def new_reference() -> str:
    """« 20261201-142503-7F3A »: the time, to the second, and four random hex digits."""
    return f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"


def record_incident(exc: BaseException, where: str) -> str:
    """Write `exc` and its traceback to the incident log; the reference to show."""
    reference = new_reference()
    level = logging.WARNING if isinstance(exc, JuryError) else logging.ERROR
    _logger.log(level, "référence %s — %s — %s: %s", reference, where, type(exc).__name__, exc,
                exc_info=(type(exc), exc, exc.__traceback__))
    return reference


def hides_detail(exc: BaseException) -> bool:
    """Whether the message leaves out a detail the log must keep: a store failure, whose
    DuckDB words (SQL, file paths) were kept out of what people read."""
    return isinstance(exc, StoreError) and exc.__cause__ is not None and not isinstance(exc, OPERATOR_ERRORS)


def refusal_message(exc: JuryError, where: str) -> str:
    """What a page says of a refusal it expected: the error's own message, with the
    reference of its incident when the message leaves a detail out."""
    if not hides_detail(exc):
        return str(exc)
    return user_message(exc, record_incident(exc, where))


def user_message(exc: BaseException, reference: str) -> str:
    """What a page shows for an error nobody caught: the application's own French
    message when it has one for users, else a sentence that gives nothing away."""
    if isinstance(exc, OPERATOR_ERRORS):
        return UNAVAILABLE_MESSAGE.format(reference=reference)
    if isinstance(exc, JuryError):
        return f"{exc} (référence {reference})"
    return UNEXPECTED_MESSAGE.format(reference=reference)

"""The names of the files the product writes: one grammar for all of them.

``{kind}_{call}_{scope}_{YYYY-MM-DD_HHhMM}.{ext}``, in ASCII only, so that a
name survives every e-mail client, USB key and Windows share:

- ``kind``: what the file is (`KINDS`: « liste-restreinte », « rapport »,
  « proces-verbal »);
- ``call``: the call's id (« AMI2-P1 »);
- ``scope``: whose file it is: ``officiel-s{séance}-v{version}`` for the export of a
  séance's official settings (`official_scope`), ``essai-{login}`` for a user's personal
  export (`trial_scope`), ``cli`` for the operator's command on its own settings
  (`OPERATOR_SCOPE`);
- the time the export was made, to the minute.

A copy of the database follows the same grammar with the database's name in place
of the call: ``sauvegarde_{base}_{scope}_{YYYY-MM-DD_HHhMM}.duckdb``, the scope
being ``auto`` (the server's automatic copies), ``cli`` (`jury backup` into a
folder) or ``avant-restauration`` (the database `jury restore` replaced).

Underscores separate the parts, so no part holds one: accents are dropped,
anything else than letters, digits, dots and hyphens becomes a hyphen.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

__all__ = ["AUTO_SCOPE", "BACKUP_KIND", "BEFORE_RESTORE_SCOPE", "EXTENSIONS", "KINDS", "OPERATOR_SCOPE",
           "ascii_part", "backup_file_name", "official_scope", "product_file_name", "trial_scope"]

KINDS = ("liste-restreinte", "rapport", "proces-verbal")
EXTENSIONS = ("xlsx", "pdf")
OPERATOR_SCOPE = "cli"
BACKUP_KIND = "sauvegarde"
AUTO_SCOPE = "auto"
BEFORE_RESTORE_SCOPE = "avant-restauration"


def ascii_part(text: str) -> str:
    """`text` as one part of a file name: ASCII letters, digits, dots and hyphens only
    (« Saint-Étienne_2 » → « Saint-Etienne-2 »)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", plain.encode("ascii", "ignore").decode("ascii"))
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-.")
    if not cleaned:
        raise ValueError(f"« {text} » ne donne aucun caractère utilisable dans un nom de fichier.")
    return cleaned


def trial_scope(login: str) -> str:
    """The scope of a user's working export: « essai-claire.martin »."""
    return f"essai-{ascii_part(login)}"


def official_scope(seance_id: int, version: int) -> str:
    """The scope of a séance's official export: « officiel-s3-v4 »."""
    return f"officiel-s{int(seance_id)}-v{int(version)}"


def product_file_name(kind: str, call_id: str, scope: str, at: datetime, extension: str) -> str:
    """« liste-restreinte_AMI1_essai-claire.martin_2026-12-01_14h05.xlsx »."""
    if kind not in KINDS:
        raise ValueError(f"Type de fichier « {kind} » inconnu : {', '.join(KINDS)}.")
    if extension not in EXTENSIONS:
        raise ValueError(f"Extension « {extension} » inconnue : {', '.join(EXTENSIONS)}.")
    return f"{kind}_{ascii_part(call_id)}_{ascii_part(scope)}_{at:%Y-%m-%d_%Hh%M}.{extension}"


def backup_file_name(database_stem: str, scope: str, at: datetime) -> str:
    """« sauvegarde_jury_auto_2026-12-01_14h05.duckdb »."""
    return f"{BACKUP_KIND}_{ascii_part(database_stem)}_{ascii_part(scope)}_{at:%Y-%m-%d_%Hh%M}.duckdb"

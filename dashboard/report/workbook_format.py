"""The import workbook's format: sheet names, columns, types and allowed values.

One source of truth shared by the importer (`dashboard.services.importer`), the demo
workbook builder (`data/build_demo.py`) and the README. Sheet and column names
are French, as the secretariat sees them; the `key` of each column is the
English identifier the code uses.

Header matching is tolerant: case, accents, spaces, apostrophes and hyphens are
ignored (`"date d'ouverture"`, `"DATE D OUVERTURE"` and `"Date_d’ouverture"`
all match).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["id", "text", "int", "float", "date", "bool", "choice"]

# Identifiers of calls, criteria, candidates, dossiers and jurors: they end up in
# file names and addresses, so letters, digits, « . », « _ » and « - » only.
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# The largest whole number the store keeps (DuckDB INTEGER).
MAX_INTEGER = 2_147_483_647


@dataclass(frozen=True)
class Column:
    """One column of an import sheet."""

    key: str
    header: str
    type: ColumnType
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Sheet:
    """One sheet of the import workbook; `key_columns` identify a row."""

    key: str
    name: str
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...]

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


CANDIDATE_KINDS = ("commune", "EPCI", "consortium", "entente")
CRITERION_GROUPS = ("éligibilité", "objectif", "dossier", "jury", "descripteur")
DIRECTIONS = ("max", "min")
ANTENNA_CONCEPTS = (
    "offre de service avec montée en puissance progressive",
    "tiers-lieu pluri-partenaires",
    "centre Cnam territorial",
    "hub des compétences",
)
HISTORICAL_DECISIONS = ("lauréat", "non retenu")
# The priority sectors a dossier names (at most 3), from the criteria catalogue (X02); a form's
# drop-down offers them, another sector typed by hand is accepted.
SECTORS = (
    "Industrie du futur", "BTP", "Bois", "Numérique", "Maintenance industrielle", "Logistique/e-commerce",
    "Tertiaire", "Entrepreneuriat", "Informatique", "Métallurgie", "Santé/thermalisme", "Aide à la personne",
    "Chimie",
)
MAX_SECTORS = 3
JUROR_ROLES = ("jure", "president", "direction", "admin")
RATING_MIN, RATING_MAX = 1, 5

CALLS = Sheet(
    key="calls",
    name="Appels",
    key_columns=("call_id",),
    columns=(
        Column("call_id", "Identifiant", "id"),
        Column("label", "Libellé", "text"),
        Column("opens_on", "Date d'ouverture", "date", required=False),
        Column("deadline", "Date limite", "date", required=False),
        Column("results_on", "Date des résultats", "date", required=False),
    ),
)

CRITERIA = Sheet(
    key="criteria",
    name="Critères",
    key_columns=("criterion_id",),
    columns=(
        Column("criterion_id", "Identifiant", "id"),
        Column("group", "Groupe", "choice", choices=CRITERION_GROUPS),
        Column("label", "Libellé", "text"),
        Column("unit", "Unité", "text", required=False),
        # Direction is required for objectif / dossier / jury criteria (checked by the importer).
        Column("direction", "Sens", "choice", required=False, choices=DIRECTIONS),
        # Gates: a dossier is eligible when lower <= value <= upper (either bound optional);
        # a value in [derogation_lower, lower) is « dérogation à examiner ».
        Column("lower", "Borne basse", "float", required=False),
        Column("upper", "Borne haute", "float", required=False),
        Column("derogation_lower", "Borne basse dérogatoire", "float", required=False),
        Column("source", "Source", "text", required=False),
        Column("description", "Description", "text", required=False),
    ),
)

CANDIDATES = Sheet(
    key="candidates",
    name="Candidats",
    key_columns=("candidate_id",),
    columns=(
        Column("candidate_id", "Identifiant", "id"),
        Column("kind", "Type", "choice", choices=CANDIDATE_KINDS),
        Column("name", "Nom", "text"),
        # INSEE code of the commune (or of the carrying commune for an EPCI or a consortium).
        Column("insee_code", "Code INSEE", "text"),
        Column("siren", "SIREN", "text", required=False),
        # Other member communes, INSEE codes separated by « ; ».
        Column("member_communes", "Communes associées", "text", required=False),
        Column("population", "Population", "int", minimum=1),
    ),
)

DOSSIERS = Sheet(
    key="dossiers",
    name="Dossiers",
    key_columns=("dossier_id",),
    columns=(
        Column("dossier_id", "Identifiant", "id"),
        Column("call_id", "Appel", "id"),
        Column("candidate_id", "Candidat", "id"),
        Column("submitted_on", "Date de dépôt", "date", required=False),
        Column("antenna_concept", "Concept d'antenne", "choice", required=False, choices=ANTENNA_CONCEPTS),
        # Priority sectors, separated by « ; » (at most 3).
        Column("sectors", "Filières", "text", required=False),
        Column("partners", "Partenaires", "text", required=False),
        Column("summary", "Résumé", "text", required=False),
        Column("historical_decision", "Décision historique", "choice", required=False,
               choices=HISTORICAL_DECISIONS),
    ),
)

CRITERION_VALUES = Sheet(
    key="criterion_values",
    name="Valeurs",
    key_columns=("dossier_id", "criterion_id"),
    columns=(
        Column("dossier_id", "Dossier", "id"),
        Column("criterion_id", "Critère", "id"),
        Column("value", "Valeur", "float"),
        # Where the value comes from: « INSEE PL 2017 », « dossier », « synthétique »…
        Column("provenance", "Provenance", "text", required=False),
    ),
)

JURORS = Sheet(
    key="jurors",
    name="Jurés",
    key_columns=("juror_id",),
    columns=(
        Column("juror_id", "Identifiant", "id"),
        Column("name", "Nom", "text"),
        Column("organisation", "Organisation", "text"),
        Column("role", "Rôle", "choice", choices=JUROR_ROLES),
        Column("region", "Région", "text", required=False),
    ),
)

RECUSALS = Sheet(
    key="recusals",
    name="Récusations",
    key_columns=("juror_id", "call_id", "dossier_id"),
    columns=(
        Column("juror_id", "Juré", "id"),
        Column("call_id", "Appel", "id"),
        # Empty: the juror declares no conflict of interest for this call.
        Column("dossier_id", "Dossier", "id", required=False),
        Column("reason", "Motif", "text", required=False),
        Column("declared_on", "Date de déclaration", "date"),
    ),
)

RATINGS = Sheet(
    key="ratings",
    name="Notes",
    key_columns=("juror_id", "dossier_id", "criterion_id"),
    columns=(
        Column("juror_id", "Juré", "id"),
        Column("dossier_id", "Dossier", "id"),
        Column("criterion_id", "Critère", "id"),
        Column("score", "Note", "int", minimum=RATING_MIN, maximum=RATING_MAX),
        Column("comment", "Commentaire", "text", required=False),
    ),
)

# Import order: a sheet only refers to sheets before it.
SHEETS: tuple[Sheet, ...] = (
    CALLS, CRITERIA, CANDIDATES, DOSSIERS, CRITERION_VALUES, JURORS, RECUSALS, RATINGS,
)


def normalise_header(text: object) -> str:
    """Fold a header for tolerant matching: no accents, case, spaces or punctuation."""
    folded = unicodedata.normalize("NFKD", str(text))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return "".join(ch for ch in folded.casefold() if ch.isalnum())


def sheet_by_name(name: str, sheets: Sequence[Sheet] = SHEETS) -> Sheet | None:
    """The sheet of `sheets` whose French name matches `name` tolerantly, or None."""
    wanted = normalise_header(name)
    for sheet in sheets:
        if normalise_header(sheet.name) == wanted:
            return sheet
    return None

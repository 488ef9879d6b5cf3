"""Import: upload an .xlsx, .ods or .csv, see every problem or what was imported; the
« Formulaires de candidature »: a call's blank form to download, the filled ones (one a town)
imported with their documents, all or nothing; and the « Import des pièces »: documents
attached to a call's dossiers, all or nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.core.documents import MAX_CALL_BYTES, MAX_DOCUMENT_BYTES
from dashboard.core.formatting import fr_number, fr_size
from dashboard.core.text import md, md_format
from dashboard.errors import ImportRejected, Problem
from dashboard.report.application_form import form_file_name
from dashboard.report.workbook_format import SHEETS
from dashboard.services.document_files import IncomingFile, uploaded_files
from dashboard.services.documents import AttachReport, attach_files
from dashboard.services.import_reader import HEADER_SEARCH_ROWS, MAX_FILE_BYTES, MAX_ROWS
from dashboard.services.importer import import_file
from dashboard.services.intake import IntakeReport, blank_form, intake_forms
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.downloads import offer_download
from dashboard.ui.session import get_store, require_actor

INTRODUCTION = (
    "Importez un classeur **.xlsx** ou **.ods** (une feuille par table) ou un fichier **.csv** (une table, "
    "nommé comme la feuille, par exemple `Notes.csv`). Le fichier est entièrement vérifié avant toute "
    "écriture : au moindre problème, rien n'est importé. Réimporter le même fichier ne change rien ; une "
    "colonne absente du fichier laisse les valeurs enregistrées telles quelles."
)
OUTCOME_KEY = "import_outcome"
DOCUMENTS_OUTCOME_KEY = "documents_outcome"
FORMS_OUTCOME_KEY = "forms_outcome"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMS_INTRODUCTION = (
    "Chaque ville envoie son dossier de candidature dans le **formulaire vierge** de l'appel, un classeur par "
    "candidature (enregistré en .xlsx ou .ods). Déposez ici les formulaires remplis, avec leurs pièces (PDF…) "
    "nommées comme leur formulaire suivi de « _ » (`formulaire_Saintes_budget.pdf`), ou une archive **.zip** qui "
    "range chaque formulaire et ses pièces dans un dossier à part. Chaque réponse est vérifiée comme à l'import : "
    "au moindre problème, rien n'est importé. Un formulaire renvoyé (même type de candidat, même code INSEE) met "
    "à jour son dossier ; une cellule laissée vide y garde la valeur enregistrée."
)
DOCUMENTS_INTRODUCTION = (
    "Joignez aux dossiers d'un appel leurs pièces (dossier de candidature, budget prévisionnel…) : des fichiers "
    "**PDF**, **.xlsx**, **.ods**, **.docx** ou **.odt**, ou une archive **.zip** qui les contient. Chaque fichier "
    "va au dossier dont l'identifiant commence son nom, suivi de « _ », « - » ou « . » (`AMI1-006_candidature.pdf`), "
    "ou à celui qu'indique un fichier `pieces.csv` joint (colonnes `dossier` et `fichier`, séparées par « , » ou "
    "« ; »). Tout est vérifié avant l'écriture : au moindre problème (type qui ne correspond pas au contenu, fichier "
    "à macros, fichier sans dossier…), aucune pièce n'est enregistrée. Joindre de nouveau les mêmes fichiers ne "
    "change rien."
)


def _limits_md() -> str:
    """What a file may hold, in one sentence (Markdown of ours)."""
    return md(f"Au plus {MAX_FILE_BYTES // 1024 // 1024} Mo par fichier, {fr_number(MAX_ROWS)} lignes par feuille ; "
              f"les en-têtes sont cherchés dans les {HEADER_SEARCH_ROWS} premières lignes. CSV : UTF-8, UTF-16 ou "
              "Windows-1252, séparateur « ; », « , » ou tabulation.")


def _render_format() -> None:
    """The expected sheets and their columns, folded."""
    with st.expander("Format attendu"):
        for sheet in SHEETS:
            columns = ", ".join(f"{c.header}{'' if c.required else ' (facultatif)'}" for c in sheet.columns)
            st.markdown(md_format("- **{}** : {}", sheet.name, columns))
        st.caption(_limits_md())


def _import(upload: UploadedFile, store: Store, actor: Actor) -> None:
    """Import the uploaded file; its outcome (kind and lines) is kept for the page to show."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            report = import_file(path, store, actor=actor, original_name=upload.name)
        except ImportRejected as rejected:
            st.session_state[OUTCOME_KEY] = ("error", str(rejected).splitlines())
        else:
            st.session_state[OUTCOME_KEY] = ("success", report.lines())


def _render_upload(store: Store, actor: Actor) -> None:
    """The file uploader and, once a file is chosen, the import button."""
    upload = st.file_uploader("Fichier à importer", type=["xlsx", "ods", "csv"], key="import_file")
    if upload is not None and st.button("Importer", type="primary", key="import_go"):
        _import(upload, store, actor)


def _take_in(uploads: list[UploadedFile], key: str,
             work: Callable[[list[IncomingFile], str, list[Problem]], AttachReport | IntakeReport]) -> None:
    """Hand the uploaded files (an archive opened) to `work`, with their source and the problems
    met reading them; its outcome, or its refusal, is kept under `key` for the page to show."""
    files, problems = uploaded_files((upload.name, upload.getvalue()) for upload in uploads)
    source = uploads[0].name if len(uploads) == 1 else f"{fr_number(len(uploads))} fichiers déposés"
    try:
        report = work(files, source, problems)
    except ImportRejected as rejected:  # DocumentsRejected and FormsRejected are kinds of it
        st.session_state[key] = ("error", str(rejected).splitlines())
    else:
        st.session_state[key] = ("success", report.lines())


def _render_documents(store: Store, actor: Actor) -> None:
    """The « Import des pièces » section: the call, the files, the button, the outcome."""
    st.header("Import des pièces")
    st.markdown(DOCUMENTS_INTRODUCTION)
    st.caption(md(f"Au plus {fr_size(MAX_DOCUMENT_BYTES)} par fichier déposé et {fr_size(MAX_CALL_BYTES)} de pièces "
                  "par appel ; pour une archive plus lourde, l'opérateur utilise « jury attach ». Un PDF doit "
                  "s'ouvrir et avoir au moins une page."))
    call_id = _call_choice(store, "documents_call")
    if call_id is None:
        return
    # Every type is taken, so that a refused one (.xlsm, .txt) is explained here, in French.
    uploads = st.file_uploader("Pièces ou archive .zip", accept_multiple_files=True, key="documents_files")
    if uploads and st.button("Joindre les pièces", type="primary", key="documents_go"):
        _take_in(list(uploads), DOCUMENTS_OUTCOME_KEY,
                 lambda files, source, problems: attach_files(store, actor, call_id, files, source, problems))
    _render_outcome(DOCUMENTS_OUTCOME_KEY)


def _call_choice(store: Store, key: str) -> str | None:
    """The call a section works on, chosen among the stored ones (None, said so, when there is none)."""
    calls = store.calls()
    if calls.empty:
        st.info("Aucun appel dans la base : importez d'abord un classeur.")
        return None
    labels = dict(zip(calls["call_id"], calls["label"], strict=True))
    return str(st.selectbox("Appel", list(labels), format_func=lambda c: f"{c} — {labels[c]}", key=key))


def _render_forms(store: Store, actor: Actor) -> None:
    """The « Formulaires de candidature » section: the call, its blank form, the filled ones, the outcome."""
    st.header("Formulaires de candidature")
    st.markdown(FORMS_INTRODUCTION)
    call_id = _call_choice(store, "forms_call")
    if call_id is None:
        return
    offer_download(actor, "Télécharger le formulaire vierge", lambda: blank_form(store, call_id)[1],
                   file_name=form_file_name(call_id), mime=XLSX_MIME, key="forms_template", icon=":material/download:")
    uploads = st.file_uploader("Formulaires remplis, pièces ou archive .zip", accept_multiple_files=True,
                               key="forms_files")
    if uploads and st.button("Importer les formulaires", type="primary", key="forms_go"):
        _take_in(list(uploads), FORMS_OUTCOME_KEY,
                 lambda files, source, problems: intake_forms(store, actor, call_id, files, source, problems))
    _render_outcome(FORMS_OUTCOME_KEY)


def _render_outcome(key: str = OUTCOME_KEY) -> None:
    """The last import's outcome: the refusal and every problem, or what was imported."""
    outcome = st.session_state.get(key)
    if not outcome:
        return
    kind, lines = outcome
    if kind == "error":
        st.error(md(lines[0]))
    else:
        st.success(md(lines[0]))
    for line in lines[1:]:
        st.text(f"– {line.strip(' –')}")  # names and values from the file: shown as text, never Markdown


def main() -> None:
    """The page: what to upload, the upload, the outcome."""
    actor = require_actor("import_data")
    store = get_store()
    st.title("Import")
    st.markdown(INTRODUCTION)
    _render_format()
    _render_upload(store, actor)
    _render_outcome()
    _render_forms(store, actor)
    _render_documents(store, actor)


main()

"""Import: upload an .xlsx, .ods or .csv, see every problem or what was imported."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.core.formatting import fr_number
from dashboard.core.text import md, md_format
from dashboard.errors import ImportRejected
from dashboard.report.workbook_format import SHEETS
from dashboard.services.import_reader import HEADER_SEARCH_ROWS, MAX_FILE_BYTES, MAX_ROWS
from dashboard.services.importer import import_file
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.session import get_store, require_actor

INTRODUCTION = (
    "Importez un classeur **.xlsx** ou **.ods** (une feuille par table) ou un fichier **.csv** (une table, "
    "nommé comme la feuille, par exemple `Notes.csv`). Le fichier est entièrement vérifié avant toute "
    "écriture : au moindre problème, rien n'est importé. Réimporter le même fichier ne change rien ; une "
    "colonne absente du fichier laisse les valeurs enregistrées telles quelles."
)
OUTCOME_KEY = "import_outcome"


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


def _render_outcome() -> None:
    """The last import's outcome: the refusal and every problem, or what was imported."""
    outcome = st.session_state.get(OUTCOME_KEY)
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


main()

"""Import: upload an .xlsx or .csv, see every problem or what was imported."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboard.errors import ImportRejected
from dashboard.report.workbook_format import SHEETS
from dashboard.services.importer import import_file
from dashboard.ui.session import get_store, require_actor

actor = require_actor("admin")
store = get_store()
st.title("Import")
st.markdown(
    "Importez un classeur **.xlsx** (une feuille par table) ou un fichier **.csv** (une table, nommé comme "
    "la feuille, par exemple `Notes.csv`). Le fichier est entièrement vérifié avant toute écriture : "
    "au moindre problème, rien n'est importé. Réimporter le même fichier ne change rien."
)
with st.expander("Format attendu"):
    for sheet in SHEETS:
        columns = ", ".join(f"{c.header}{'' if c.required else ' (facultatif)'}" for c in sheet.columns)
        st.markdown(f"- **{sheet.name}** : {columns}")

upload = st.file_uploader("Fichier à importer", type=["xlsx", "csv"], key="import_file")
if upload is not None and st.button("Importer", type="primary", key="import_go"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            report = import_file(path, store, actor=actor, original_name=upload.name)
        except ImportRejected as rejected:
            st.session_state["import_outcome"] = ("error", str(rejected).splitlines())
        else:
            st.session_state["import_outcome"] = ("success", report.lines())

outcome = st.session_state.get("import_outcome")
if outcome:
    kind, lines = outcome
    if kind == "error":
        st.error(lines[0])
        st.markdown("\n".join(f"- {line.strip(' –')}" for line in lines[1:]))
    else:
        st.success(lines[0])
        st.markdown("\n".join(f"- {line.strip(' –')}" for line in lines[1:]))

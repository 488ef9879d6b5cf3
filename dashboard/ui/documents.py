"""A dossier's documents, as every page with a dossier card shows them (/dossiers, /notation,
/seance): each listed with its kind, size and who added it; a PDF read in the page on
demand (`st.pdf`), every document downloadable. A juror recused from the dossier is told
why none is shown: the store refuses them the list and the content alike, and the media
guard the address of a file someone else opened.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.core.documents import DOCUMENT_KINDS
from dashboard.core.formatting import fr_datetime, fr_number, fr_size
from dashboard.core.text import md, md_format
from dashboard.errors import AccessDenied
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.downloads import offer_download, show_pdf


def _render_document(store: Store, actor: Actor, row: Any, key: str) -> None:
    """One document: its line, « Lire ici » for a PDF, « Télécharger »."""
    line, read, download = st.columns([5, 2, 3], vertical_alignment="center")
    line.markdown(md_format("**{}** — {}, {}, ajoutée le {} par {}", row.file_name, DOCUMENT_KINDS[row.kind].label,
                            fr_size(int(row.size_bytes)), fr_datetime(row.added_at), row.added_by))
    document_id = int(row.document_id)
    reading = row.kind == "pdf" and read.toggle("Lire ici", key=f"{key}_read_{document_id}")
    with download:
        offer_download(actor, "Télécharger", lambda: store.document(actor, document_id).content,
                       file_name=str(row.file_name), mime=DOCUMENT_KINDS[row.kind].mime,
                       key=f"{key}_download_{document_id}", icon=":material/download:")
    if reading:
        document = store.document(actor, document_id)
        show_pdf(actor, document.content, key=f"{key}_pdf_{document_id}", alt=f"Pièce {document.file_name}")


def render_documents(store: Store, actor: Actor, dossier_id: str, *, key: str) -> None:
    """The documents of one dossier (module docstring)."""
    try:
        documents = store.dossier_documents(actor, dossier_id)
    except AccessDenied as refused:
        st.markdown("#### Pièces du dossier")
        st.warning(md(refused))
        return
    st.markdown(md_format("#### Pièces du dossier ({})", fr_number(len(documents))))
    if documents.empty:
        st.caption("Aucune pièce n'est jointe à ce dossier.")
        return
    for row in documents.itertuples():
        _render_document(store, actor, row, key)

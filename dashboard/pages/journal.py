"""Journal: the append-only audit trail of every write, its verification, and filters."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.formatting import fr_number
from dashboard.core.text import md
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.session import get_store, require_actor

INTRODUCTION = ("Chaque écriture (note, pondération, décision, import, compte, récusation) y ajoute une ligne : "
                "quand, qui, quoi, avant, après. Aucun utilisateur ne peut la modifier ni la supprimer ; "
                "chaque ligne est chaînée à la précédente et scellée, si bien qu'une modification faite "
                "directement dans le fichier de la base est détectée par la vérification.")


def _render_filters(log: pd.DataFrame) -> pd.DataFrame:
    """The filter row (author, action, object); returns the lines passing it, latest first."""
    with st.container(horizontal=True):
        who = st.multiselect("Auteur", sorted(log["actor"].unique()), key="journal_actor")
        what = st.multiselect("Action", sorted(log["action"].unique()), key="journal_action")
        text = st.text_input("Objet contient", key="journal_text")
    shown = log
    if who:
        shown = shown[shown["actor"].isin(who)]
    if what:
        shown = shown[shown["action"].isin(what)]
    if text:
        shown = shown[shown["entity_id"].fillna("").str.contains(text, case=False, regex=False)]
    return shown.sort_values("audit_id", ascending=False)


def _render_table(shown: pd.DataFrame, total: int) -> None:
    """The lines shown, with their count."""
    st.caption(f"{fr_number(len(shown))} ligne(s) sur {fr_number(total)}")
    st.dataframe(pd.DataFrame({
        "N°": shown["audit_id"],
        "Date": shown["occurred_at"].dt.strftime("%d/%m/%Y %H:%M:%S"),
        "Auteur": shown["actor"],
        "Action": shown["action"],
        "Objet": shown["entity"] + " " + shown["entity_id"].fillna(""),
        "Avant": shown["before"].fillna(""),
        "Après": shown["after"].fillna(""),
    }), hide_index=True, width="stretch")


def _render_verification(store: Store, actor: Actor) -> None:
    """The check of the chain, on demand (it reads every line and every protected table)."""
    with st.container(horizontal=True, vertical_alignment="center"):
        checked = st.button("Vérifier l'intégrité du journal", key="journal_verify")
        st.caption("Même vérification que « jury audit --verify » sur le serveur.")
    if not checked:
        return
    verdict = store.verify_journal(actor)
    lines = verdict.report().splitlines()
    if verdict.intact:
        st.success("\n\n".join(md(line) for line in lines[:-1]))
    else:
        st.error("\n\n".join(md(line) for line in lines[:-1]))
    st.caption(md(lines[-1]))


def main() -> None:
    """The page: what the journal holds, its verification, the filters, the lines."""
    actor = require_actor("read_journal")
    store = get_store()
    st.title("Journal des modifications")
    st.caption(INTRODUCTION)
    _render_verification(store, actor)
    log = store.audit_log(actor)
    shown = _render_filters(log)
    _render_table(shown, len(log))


main()

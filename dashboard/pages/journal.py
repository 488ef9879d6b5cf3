"""Journal: the append-only audit trail of every write, with filters."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.formatting import fr_number
from dashboard.ui.session import get_store, require_actor

actor = require_actor("president", "admin")
store = get_store()
st.title("Journal des modifications")
st.caption("Chaque écriture (note, pondération, décision, import, compte, récusation) y ajoute une ligne : "
           "quand, qui, quoi, avant, après. Aucun utilisateur ne peut la modifier ni la supprimer.")

log = store.audit_log(actor)
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
shown = shown.sort_values("audit_id", ascending=False)
st.caption(f"{fr_number(len(shown))} ligne(s) sur {fr_number(len(log))}")
st.dataframe(pd.DataFrame({
    "N°": shown["audit_id"],
    "Date": shown["occurred_at"].dt.strftime("%d/%m/%Y %H:%M:%S"),
    "Auteur": shown["actor"],
    "Action": shown["action"],
    "Objet": shown["entity"] + " " + shown["entity_id"].fillna(""),
    "Avant": shown["before"].fillna(""),
    "Après": shown["after"].fillna(""),
}), hide_index=True, width="stretch")

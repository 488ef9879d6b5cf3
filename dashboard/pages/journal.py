"""Journal: the append-only audit trail of every write in French sentences with people's names,
its verification, the filters (call, author, action, text) and the raw detail of the lines shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.formatting import fr_number
from dashboard.core.journal_text import described_log, raw_details
from dashboard.core.text import md
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.session import get_store, require_actor
from dashboard.ui.shell import CHOOSE

INTRODUCTION = ("Chaque écriture (note, pondération, décision, import, compte, récusation, séance) y ajoute une "
                "ligne : quand, qui, quoi, avant, après. Aucun utilisateur ne peut la modifier ni la supprimer ; "
                "chaque ligne est chaînée à la précédente et scellée, si bien qu'une modification faite "
                "directement dans le fichier de la base est détectée par la vérification.")
ALL_CALLS = ""  # the « Appel » filter's choice of every call
ALL_CALLS_LABEL = "Tous les appels"
SENTENCE = "Ce qui s'est passé"
# The raw detail shows at most this many of the lines shown, the latest.
RAW_LINES = 200


@st.cache_data(show_spinner=False, max_entries=4)
def _described(_store: Store, _actor: Actor, tip: tuple[int, str]) -> pd.DataFrame:
    """The journal in sentences, read and phrased once per state of its chain (`tip`: its last
    entry's number and seal, unique to a database)."""
    return described_log(_store.audit_log(_actor), _store.journal_names(_actor))


def _render_filters(lines: pd.DataFrame, calls: dict[str, str]) -> pd.DataFrame:
    """The filter row (call, author, action, text); returns the lines passing it, latest first.
    An entry of no call (an account, an import) passes every call."""
    with st.container(horizontal=True):
        call = st.selectbox("Appel", [ALL_CALLS, *calls], key="journal_call", placeholder=CHOOSE,
                            format_func=lambda c: calls.get(c, c) if c else ALL_CALLS_LABEL)
        who = st.multiselect("Auteur", sorted(lines["author"].unique()), key="journal_actor",
                             placeholder=CHOOSE)
        what = st.multiselect("Action", sorted(lines["action_label"].unique()), key="journal_action",
                              placeholder=CHOOSE)
        text = st.text_input("Contient", key="journal_text", placeholder="un nom, une ville, un mot…")
    shown = lines
    if call:
        shown = shown[(shown["call_id"] == call) | shown["call_id"].isna()]
    if who:
        shown = shown[shown["author"].isin(who)]
    if what:
        shown = shown[shown["action_label"].isin(what)]
    if text:
        shown = shown[shown["sentence"].str.contains(text, case=False, regex=False)]
    return shown


def _render_table(shown: pd.DataFrame, total: int) -> None:
    """The lines shown, with their count (the sentences are table cells: text, never Markdown)."""
    st.caption(f"{fr_number(len(shown))} ligne(s) sur {fr_number(total)}")
    st.dataframe(pd.DataFrame({
        "N°": shown["audit_id"],
        "Date": shown["occurred_at"].dt.strftime("%d/%m/%Y %H:%M"),
        "Auteur": shown["author"],
        SENTENCE: shown["sentence"],
    }), hide_index=True, width="stretch",
        column_config={SENTENCE: st.column_config.TextColumn(SENTENCE, width="large")})


def _render_raw(shown: pd.DataFrame) -> None:
    """The lines shown as stored (action, entity, key, before and after), the latest `RAW_LINES`."""
    with st.expander("Détail brut des lignes affichées"):
        st.caption(f"Les {fr_number(min(len(shown), RAW_LINES))} dernières lignes affichées (au plus "
                   f"{fr_number(RAW_LINES)}), telles qu'enregistrées : action, objet et valeurs avant / après.")
        details = raw_details(shown.head(RAW_LINES))
        if details:
            st.code("\n\n".join(details), language=None, wrap_lines=True)


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
    """The page: what the journal holds, its verification, the filters, the lines, their raw detail."""
    actor = require_actor("read_journal")
    store = get_store()
    st.title("Journal des modifications")
    st.caption(INTRODUCTION)
    _render_verification(store, actor)
    lines = _described(store, actor, store.chain_tip())
    frame = store.calls()
    calls = {str(c): str(label) for c, label in zip(frame["call_id"], frame["label"], strict=True)}
    shown = _render_filters(lines, calls)
    _render_table(shown, len(lines))
    _render_raw(shown)


main()

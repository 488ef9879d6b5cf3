"""The president's decision form for one dossier, on /seance (the dossier under discussion,
after its vote) and /liste-restreinte (any dossier): décision, motivation and, after a vote,
why the decision departs from it. The store applies the rules (`store.deliberation`); a
refusal names the dossier « Nom (dép.) » and the form keeps everything typed.

The form saves from its button's callback, before the page is drawn again, so that the
page drawn next (and the séance's followers) already show the decision.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.text import md, md_format
from dashboard.core.votes import DECISIONS, Tally
from dashboard.errors import JuryError
from dashboard.services.incidents import refusal_message
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.server import page_address

DEPARTURE_LABEL = "Écart au vote : pourquoi la décision s'en écarte (obligatoire dans ce cas)"

# What the form said after its last save, per dossier: (kind, text), shown above its form once.
_NOTICE = "decision_notice_{}"


def _save(store: Store, actor: Actor, call_id: str, dossier_id: str, label: str, key: str) -> None:
    """The form's callback: record the decision as typed; keep what to say."""
    state = st.session_state
    decision = str(state[f"{key}_decision"])
    try:
        store.record_decision(actor, call_id, dossier_id, decision, str(state.get(f"{key}_rationale") or ""),
                              str(state.get(f"{key}_departure") or ""))
    except JuryError as exc:
        state[_NOTICE.format(dossier_id)] = ("error", refusal_message(exc, page_address()))
    else:
        state[_NOTICE.format(dossier_id)] = ("success", f"Décision enregistrée pour « {label} » : {decision}.")


def _start(current: pd.Series | None, suggestion: str | None) -> tuple[str, str]:
    """The decision and motivation the form starts from: the current decision, else the suggestion."""
    if current is not None:
        return str(current["decision"]), str(current["rationale"] or "")
    return (suggestion if suggestion in DECISIONS else DECISIONS[0]), ""


def _recorded_state(current: pd.Series | None) -> str:
    """What names the dossier's recorded decision: a save starts the next form from what it recorded."""
    return "nouvelle" if current is None else pd.Timestamp(str(current["decided_at"])).strftime("%Y%m%d%H%M%S%f")


def decision_form(store: Store, actor: Actor, call_id: str, dossier_id: str, label: str, *,
                  current: pd.Series | None, tally: Tally | None, suggestion: str | None, key: str) -> None:
    """The form; `key` names it for one dossier (and vote), and the decision recorded for it
    (`current`) completes its name, so that each recorded state gets a form of its own."""
    key = f"{key}_{_recorded_state(current)}"
    kind, text = st.session_state.pop(_NOTICE.format(dossier_id), (None, ""))
    if kind == "success":
        st.success(md(text))
    elif kind == "error":
        st.error(md(text))
    decision, rationale = _start(current, suggestion)
    with st.form(f"{key}_form", border=True):
        st.markdown(md_format("**Décision sur « {} »**", label))
        if tally is not None:
            st.caption(md(f"Vote : {tally.sentence()}. {tally.plurality_sentence()}"))
        st.radio("Décision", DECISIONS, index=DECISIONS.index(decision), horizontal=True, key=f"{key}_decision")
        st.text_area("Motivation (obligatoire)", value=rationale, key=f"{key}_rationale")
        if tally is not None:
            st.text_area(DEPARTURE_LABEL, key=f"{key}_departure")
        st.form_submit_button("Enregistrer la décision", type="primary", key=f"{key}_save", on_click=_save,
                              args=(store, actor, call_id, dossier_id, label, key))

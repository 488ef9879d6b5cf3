"""Each person's working state in the store (`dashboard/core/workspace.py` says what is
kept): read into the session when a tab first shows their pages, written back at the end
of every run in which the person changed it, forgotten when they reset it.

Two tabs of one person share it: each writes only what it changed, so the last change
made is the one kept, and a new tab or a reload starts from it.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard.core import workspace
from dashboard.errors import JuryError
from dashboard.services.incidents import record_incident
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.live import CLOCK_KEY, USED_CONTROLS_KEY
from dashboard.ui.server import CURRENT_PAGE_KEY
from dashboard.ui.session import SIGNED_IN_KEYS, clear_tab

# The user whose working state this tab's session holds, that state as stored, and the
# values the pages started from that the person has not changed (not written).
RESTORED_FOR_KEY = "working_state_of"
STORED_KEY = "working_state_stored"
FIRST_SEEN_KEY = "working_state_first_seen"


def restore_working_state(store: Store, actor: Actor) -> None:
    """Once per tab and user: the person's kept values into the session, before any page reads them."""
    if st.session_state.get(RESTORED_FOR_KEY) == actor.login:
        return
    stored = store.working_state(actor)
    readable: dict[str, str] = {}
    for key, text in stored.items():
        value = workspace.decode(key, text)
        if value is not None:
            st.session_state[key] = value
            readable[key] = text
    st.session_state[STORED_KEY] = readable
    st.session_state[FIRST_SEEN_KEY] = {}
    st.session_state[RESTORED_FOR_KEY] = actor.login


def keep_working_state(store: Store, actor: Actor) -> None:
    """At the end of a run: the kept values this run changed, into the store. A failure is
    logged and tried again at the next run; it never hides what the page showed."""
    if st.session_state.get(RESTORED_FOR_KEY) != actor.login:
        return
    stored: dict[str, str] = st.session_state.get(STORED_KEY, {})
    now = workspace.encode_all({str(key): value for key, value in st.session_state.items()})
    changed, st.session_state[FIRST_SEEN_KEY] = workspace.changes(
        stored, st.session_state.get(FIRST_SEEN_KEY, {}), now)
    if not changed:
        return
    try:
        store.save_working_state(actor, dict(changed), datetime.now())
    except JuryError as exc:
        record_incident(exc, where="espace de travail")
        return
    st.session_state[STORED_KEY] = {**stored, **changed}


def reset_working_state(store: Store, actor: Actor) -> None:
    """Forget the person's working state, in the store and in this tab: every page starts
    over from its defaults (the widgets' own values go too); the sign-in and the séance's
    bookkeeping stay."""
    store.reset_working_state(actor)
    clear_tab(keep=(*SIGNED_IN_KEYS, RESTORED_FOR_KEY, CLOCK_KEY, USED_CONTROLS_KEY, CURRENT_PAGE_KEY))
    st.session_state[STORED_KEY] = {}
    st.session_state[FIRST_SEEN_KEY] = {}

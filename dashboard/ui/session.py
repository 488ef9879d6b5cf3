"""Shared pieces of every page: the database (one per process), this session's
store and signed-in user, the call selector in the sidebar, cached frames of
the selected call, and the keys under which pages keep a call's working state
in `st.session_state`.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard.errors import StoreError
from dashboard.services.accounts import session_expired
from dashboard.services.meeting import CallData, load_call
from dashboard.store import Database, Store
from dashboard.store.access import Action, Actor, may
from dashboard.ui.server import served_database, show_script_error

# --------------------------------------------------------------------------- session keys


def profile_key(call_id: str) -> str:
    """Where the weight profile the panel is working with for a call is kept (a `WeightProfile`)."""
    return f"profile_{call_id}"


def reference_key(call_id: str) -> str:
    """Where the name of the profile rank changes are measured against is kept."""
    return f"reference_{call_id}"


def shortlist_key(call_id: str) -> str:
    """Where the page keeps the current shortlist of a call.

    The value is a dict: ``selected`` (ids, best first), ``size``,
    ``constraints`` (engine format), ``choices`` (`ShortlistChoices`),
    ``result`` (`ShortlistResult`), ``profile`` (fingerprint of the weight
    profile) and ``inputs`` (the inputs' cache key).
    """
    return f"shortlist_{call_id}"


# --------------------------------------------------------------------------- database and user

STORE_KEY = "store"
# When the person was last active (the idle sign-out counts from it).
LAST_SEEN_KEY = "last_seen"
# Set by the séance's live view (`dashboard/ui/live.py`) when its poll reruns the app:
# that run is not the person's activity.
POLL_RERUN_KEY = "rerun_by_seance_poll"


@st.cache_resource(show_spinner=False)
def _opened_here() -> Database:
    """The database opened at the first page, when no server opened it (AppTest, `streamlit run`)."""
    return Database()


def get_database() -> Database:
    """The process's one open database file: the one `jury serve` opened before listening."""
    return served_database() or _opened_here()


def get_store() -> Store:
    """This session's store, on a cursor of its own; stops the page if the file is unavailable.

    After a fatal DuckDB error the file is reopened here, at the next page shown, and
    every session then takes a new cursor (the database's `generation` moved on)."""
    try:
        database = get_database()
        database.reopen_if_failed()
    except StoreError as exc:
        show_script_error(exc)
        st.stop()
    # (generation of the open file, the store on a cursor of it)
    held: tuple[int, Store] | None = st.session_state.get(STORE_KEY)
    if held is None or held[0] != database.generation:
        held = (database.generation, database.store())
        st.session_state[STORE_KEY] = held
    return held[1]


def signed_in_actor() -> Actor | None:
    """The signed-in user, or None; an idle session past its limit is signed out. A run the
    séance's poll started is not activity and leaves the idle time running."""
    actor: Actor | None = st.session_state.get("actor")
    if actor is None:
        return None
    if session_expired(st.session_state.get(LAST_SEEN_KEY)):
        sign_out(expired=True)
        return None
    if not st.session_state.get(POLL_RERUN_KEY):
        st.session_state[LAST_SEEN_KEY] = datetime.now()
    return actor


def end_of_run() -> None:
    """The entry script's last word: a rerun the poll started is over."""
    st.session_state.pop(POLL_RERUN_KEY, None)


def sign_in(actor: Actor) -> None:
    st.session_state["actor"] = actor
    st.session_state[LAST_SEEN_KEY] = datetime.now()


def sign_out(expired: bool = False) -> None:
    """Forget everything this session held, keep only the reason."""
    for key in list(st.session_state.keys()):
        if key != STORE_KEY:
            del st.session_state[key]
    if expired:
        st.session_state["signed_out_reason"] = "Session expirée après inactivité : reconnectez-vous."


def require_actor(action: Action | None = None) -> Actor:
    """The signed-in user, or stop the page (nothing drawn) when there is none or their
    role may not do `action` (the page's own, from the permission table; None: any role)."""
    actor = signed_in_actor()
    if actor is None:
        st.warning("Connectez-vous pour accéder au tableau de bord.")
        st.stop()
    if action is not None and not may(actor, action):
        st.error("Cette page n'est pas accessible avec votre rôle.")
        st.stop()
    return actor


@st.cache_data(show_spinner=False, max_entries=32)
def _load_call(_store: Store, _actor: Actor, call_id: str, data_version: int) -> CallData:
    return load_call(_store, _actor, call_id)


def select_call(store: Store) -> str | None:
    """The call selector in the sidebar (its id, None without calls); the choice is kept across pages."""
    calls = store.calls()
    if calls.empty:
        st.sidebar.info("Aucun appel dans la base : importez un classeur.")
        return None
    ids = [str(c) for c in calls["call_id"]]
    labels = {str(c): str(label) for c, label in zip(calls["call_id"], calls["label"], strict=True)}
    current = st.session_state.get("selected_call")
    if current not in ids:
        current = ids[0]
        st.session_state["selected_call"] = current

    def remember() -> None:
        st.session_state["selected_call"] = st.session_state["call_widget"]

    st.sidebar.selectbox("Appel à manifestation d'intérêt", ids, index=ids.index(current),
                         format_func=lambda c: labels.get(c, c), key="call_widget",
                         on_change=remember)
    return str(current)


def current_call(action: Action | None = None) -> tuple[Store, Actor, CallData | None]:
    """Store, signed-in user (allowed `action`) and the selected call's data, for a page to draw."""
    actor = require_actor(action)
    store = get_store()
    call_id = select_call(store)
    if call_id is None:
        return store, actor, None
    return store, actor, _load_call(store, actor, call_id, store.data_version())

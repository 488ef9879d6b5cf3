"""Shared pieces of every page: the database (one per process), this session's
store and signed-in user, the call selector in the sidebar, cached frames of
the selected call, and the keys under which pages keep a call's working state
in `st.session_state`.

The signed-in user is the session cookie's under `jury serve` (the session is kept
in the store, `dashboard/services/web_sessions.py`), so a reload or a new tab keeps
it; without a cookie (AppTest, a plain `streamlit run`), the user signed in in this
tab only.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard.errors import StoreError
from dashboard.services import web_sessions
from dashboard.services.accounts import session_expired
from dashboard.services.meeting import CallData, load_call
from dashboard.services.web_sessions import COOKIE_NAME
from dashboard.store import Database, Store
from dashboard.store.access import Action, Actor, may
from dashboard.store.sessions import IDLE
from dashboard.ui.server import served_database, show_script_error

# --------------------------------------------------------------------------- session keys


def profile_key(call_id: str) -> str:
    """Where the weight profile the panel is working with for a call is kept (a `WeightProfile`)."""
    return f"profile_{call_id}"


def trial_key(call_id: str) -> str:
    """Where whether the person works on their « essai personnel » for a call is kept (a bool)."""
    return f"trial_{call_id}"


def choices_key(call_id: str) -> str:
    """Where the person's last shortlist choices for a call are kept (a `ShortlistChoices`)."""
    return f"shortlist_choices_{call_id}"


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
        # (generation of the open file, the store on a cursor of it)
        held = get_database().held_store(st.session_state.get(STORE_KEY))
    except StoreError as exc:
        show_script_error(exc)
        st.stop()
    st.session_state[STORE_KEY] = held
    return held[1]


# The login of the user this tab's session last showed pages to (its values are theirs).
SHOWN_TO_KEY = "shown_to"
# What the log-in page says first: why the last session ended.
SIGNED_OUT_REASON_KEY = "signed_out_reason"
# Set by a test (`tests/helpers/apptest.py`) or by the log-in page outside `jury serve`:
# the user signed in in this tab only (no route sets a cookie there).
TAB_ACTOR_KEY = "actor"
# What a tab holds of its sign-in (a reset of the working state keeps them).
SIGNED_IN_KEYS = (TAB_ACTOR_KEY, LAST_SEEN_KEY, SHOWN_TO_KEY, POLL_RERUN_KEY)


def session_token() -> str | None:
    """The session cookie's token this tab was loaded with (None: none, or outside a server)."""
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except (AttributeError, RuntimeError):
        return None
    # (AppTest's stand-in for the browser answers every cookie with a mock, not a text.)
    return token if isinstance(token, str) and token else None


def signed_in_actor() -> Actor | None:
    """The signed-in user, or None. Under `jury serve` the session is the cookie's, kept in
    the store (`web_sessions`); a run the séance's poll started is not activity and leaves
    the idle time running. Without a cookie, a user signed in in this tab only (tests, a
    plain `streamlit run`), with the same idle limit."""
    token = session_token()
    if token is not None:
        return _cookie_actor(token)
    actor: Actor | None = st.session_state.get(TAB_ACTOR_KEY)
    if actor is None:
        return None
    if session_expired(st.session_state.get(LAST_SEEN_KEY)):
        sign_out(reason=web_sessions.end_message(IDLE))
        return None
    if not st.session_state.get(POLL_RERUN_KEY):
        st.session_state[LAST_SEEN_KEY] = datetime.now()
    return actor


def _cookie_actor(token: str) -> Actor | None:
    """The user of the cookie's session, while it is open; the tab forgets a user whose session ended."""
    store = get_store()
    now = datetime.now()
    session = web_sessions.current_session(store, token, now)
    if session.actor is None:
        # Said once per tab; the tab's values are forgotten once (not the log-in form's, at each run).
        if SHOWN_TO_KEY in st.session_state:
            sign_out(reason=web_sessions.end_message(session.end_reason))
        elif SIGNED_OUT_REASON_KEY not in st.session_state:
            st.session_state[SIGNED_OUT_REASON_KEY] = web_sessions.end_message(session.end_reason)
        return None
    if st.session_state.get(SHOWN_TO_KEY) not in (None, session.actor.login):
        sign_out()
    st.session_state[SHOWN_TO_KEY] = session.actor.login
    if st.session_state.get(POLL_RERUN_KEY):
        # Another tab's activity counts for this one too: the idle time is the session's.
        st.session_state[LAST_SEEN_KEY] = session.last_active_at
    else:
        web_sessions.note_activity(store, token, session.last_active_at, now)
        st.session_state[LAST_SEEN_KEY] = now
    return session.actor


def end_of_run() -> None:
    """The entry script's last word: a rerun the poll started is over."""
    st.session_state.pop(POLL_RERUN_KEY, None)


def sign_in(actor: Actor) -> None:
    """Sign in in this tab only (outside `jury serve`: no route to set the cookie)."""
    st.session_state[TAB_ACTOR_KEY] = actor
    st.session_state[LAST_SEEN_KEY] = datetime.now()


def sign_out(reason: str | None = None) -> None:
    """Forget everything this tab held, keep only why (when there is something to say)."""
    clear_tab()
    st.session_state[SIGNED_OUT_REASON_KEY] = reason


def clear_tab(keep: tuple[str, ...] = ()) -> None:
    """Forget this tab's values but the database's cursor and the keys in `keep`."""
    for key in list(st.session_state.keys()):
        if key != STORE_KEY and key not in keep:
            del st.session_state[key]


def end_session() -> bool:
    """« Se déconnecter »: the cookie's session ends in the store (True: the caller then sends
    the browser to drop its cookie), or the tab's sign-in is forgotten (False)."""
    token = session_token()
    if token is not None:
        web_sessions.close_session(get_store(), token)
    sign_out()
    return token is not None


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

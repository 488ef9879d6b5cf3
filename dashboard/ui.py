"""Shared pieces of every page: the database (one per process), this session's
store, the call selector in the sidebar, cached frames of the selected call.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.errors import StoreError
from dashboard.store import Database, Store


@st.cache_resource(show_spinner=False)
def get_database() -> Database:
    """The process's one open database file."""
    return Database()


def get_store() -> Store:
    """This session's store, on a cursor of its own; stops the page if the file is unavailable."""
    if "store" not in st.session_state:
        try:
            st.session_state["store"] = Store(get_database().cursor())
        except StoreError as exc:
            st.error(str(exc))
            st.stop()
    return st.session_state["store"]


@dataclass(frozen=True)
class CallData:
    """One call's dossiers and criterion values, as the pages use them."""

    call_id: str
    label: str
    dossiers: pd.DataFrame
    values: pd.DataFrame
    criteria: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=32)
def _load_call(_store: Store, call_id: str, label: str, data_version: int) -> CallData:
    return CallData(call_id, label, _store.dossiers(call_id), _store.criterion_values(call_id),
                    _store.criteria())


def select_call(store: Store) -> tuple[str, str] | None:
    """The call selector in the sidebar; the choice is kept across pages."""
    calls = store.calls()
    if calls.empty:
        st.sidebar.info("Aucun appel dans la base : importez un classeur.")
        return None
    ids = calls["call_id"].tolist()
    labels = dict(zip(calls["call_id"], calls["label"]))
    current = st.session_state.get("selected_call")
    if current not in ids:
        current = ids[0]
        st.session_state["selected_call"] = current

    def remember() -> None:
        st.session_state["selected_call"] = st.session_state["call_widget"]

    st.sidebar.selectbox("Appel à manifestation d'intérêt", ids, index=ids.index(current),
                         format_func=lambda c: labels.get(c, c), key="call_widget",
                         on_change=remember)
    return current, labels[current]


def current_call() -> tuple[Store, CallData | None]:
    """Store and the selected call's data, for a page to draw."""
    store = get_store()
    selected = select_call(store)
    if selected is None:
        return store, None
    call_id, label = selected
    return store, _load_call(store, call_id, label, store.data_version())

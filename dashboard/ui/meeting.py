"""The selection meeting's shared state, for the pages /ponderation,
/classement, /comparer, /sensibilite and /liste-restreinte.

- `meeting_inputs` builds (and caches per data version and aggregation
  settings) the call's decision inputs from the store;
- the profile being edited lives in `st.session_state` per call; it starts
  from the stored « profil du jury » when there is one, else equal weights;
- `ranking` caches the engine's result per profile fingerprint, so moving a
  weight re-ranks without reloading anything from the database;
- `open_meeting_page` is the preamble every meeting page starts with.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

import scoring
from dashboard.core import decision
from dashboard.core.decision import AggregationSettings, DecisionInputs, WeightProfile
from dashboard.core.labels import JURY_PROFILE
from dashboard.core.text import md
from dashboard.errors import ExportError
from dashboard.services import meeting as meeting_service
from dashboard.services.meeting import CallData
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.aggregation import aggregation_settings
from dashboard.ui.session import current_call, profile_key, reference_key


@st.cache_data(show_spinner=False, max_entries=16)
def _inputs(_store: Store, _actor: Actor, _call: CallData, call_id: str, data_version: int,
            settings: AggregationSettings, ratings_view: str) -> DecisionInputs:
    return meeting_service.call_inputs(_store, _actor, _call, settings, data_version)


def meeting_inputs(store: Store, actor: Actor, call: CallData) -> DecisionInputs:
    """The call's decision inputs under the panel's aggregation settings (sidebar)."""
    return _inputs(store, actor, call, call.call_id, store.data_version(), aggregation_settings(),
                   meeting_service.ratings_view(actor))


def current_profile(store: Store, actor: Actor, inputs: DecisionInputs) -> WeightProfile:
    """The profile the panel is working with for this call (it starts as `resolve_profile` says)."""
    key = profile_key(inputs.call_id)
    if key not in st.session_state:
        st.session_state[key] = meeting_service.resolve_profile(store, actor, inputs)[1]
    profile: WeightProfile = st.session_state[key]
    return profile


def set_current_profile(call_id: str, profile: WeightProfile) -> None:
    st.session_state[profile_key(call_id)] = profile


def reference_name(call_id: str) -> str:
    """The name of the profile rank changes are measured against (« profil du jury » by default)."""
    name: str = st.session_state.get(reference_key(call_id), JURY_PROFILE)
    return name


def reference_profile(store: Store, actor: Actor, inputs: DecisionInputs) -> tuple[str, WeightProfile]:
    """The profile rank changes are measured against: the one chosen by name when it is still
    saved, else as `resolve_profile` says (« profil du jury », else equal weights)."""
    name = reference_name(inputs.call_id)
    try:
        return meeting_service.resolve_profile(store, actor, inputs, name)
    except ExportError:
        return meeting_service.resolve_profile(store, actor, inputs)


def set_reference_profile(call_id: str, name: str) -> None:
    st.session_state[reference_key(call_id)] = name


@st.cache_data(show_spinner=False, max_entries=64)
def _ranking(_inputs: DecisionInputs, inputs_key: str, fingerprint: str,
             _profile: WeightProfile) -> scoring.RankResult:
    return decision.rank_call(_inputs, _profile)


def ranking(inputs: DecisionInputs, profile: WeightProfile) -> scoring.RankResult:
    """The engine's ranking of the eligible dossiers under `profile` (cached)."""
    return _ranking(inputs, inputs.cache_key, profile.fingerprint(), profile)


class MeetingPage(NamedTuple):
    """What a meeting page draws from: who is signed in, the selected call, its inputs, the profile."""

    store: Store
    actor: Actor
    call: CallData
    inputs: DecisionInputs
    profile: WeightProfile


def open_meeting_page(title: str) -> MeetingPage:
    """The preamble of every meeting page: the signed-in user (else the page stops), its title,
    the selected call (the page stops when the base holds none), the call's decision inputs and
    the weight profile the panel is working with."""
    store, actor, call = current_call()
    st.title(md(title))
    if call is None:
        st.stop()
    inputs = meeting_inputs(store, actor, call)
    return MeetingPage(store, actor, call, inputs, current_profile(store, actor, inputs))

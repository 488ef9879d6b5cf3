"""The selection meeting's shared state, for the pages /ponderation,
/classement, /comparer, /sensibilite and /liste-restreinte.

- `meeting_inputs` builds (and caches per data version and aggregation
  settings) the call's decision inputs from the store;
- the profile being edited lives in `st.session_state` per call; it starts
  from the stored « profil du jury » when there is one, else equal weights;
- `ranking` caches the engine's result per profile fingerprint, so moving a
  weight re-ranks without reloading anything from the database.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import scoring
from dashboard import decision
from dashboard.decision import JURY_PROFILE, DecisionInputs, WeightProfile
from dashboard.decision import AggregationSettings, aggregate_call_ratings
from dashboard.ratings_view import aggregation_settings
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui import CallData


@st.cache_data(show_spinner=False, max_entries=16)
def _inputs(_store: Store, _actor: Actor, _call: CallData, call_id: str, data_version: int,
            settings: AggregationSettings, ratings_view: str) -> DecisionInputs:
    ratings = _store.ratings_for_ranking(_actor, call_id)
    aggregated = aggregate_call_ratings(ratings, settings) if not ratings.empty else None
    inputs = decision.build_inputs(call_id, _call.dossiers, _call.values, _call.criteria, aggregated)
    return replace(inputs, cache_key=f"{call_id}/{data_version}/{settings}/{ratings_view}")


def meeting_inputs(store: Store, actor: Actor, call: CallData) -> DecisionInputs:
    """The call's decision inputs under the panel's aggregation settings (sidebar)."""
    settings = aggregation_settings()
    # Jurors get pseudonymous ratings without their recused dossiers: cache them apart.
    ratings_view = f"juror:{actor.login}" if actor.role == "jure" else "panel"
    return _inputs(store, actor, call, call.call_id, store.data_version(), settings, ratings_view)


def stored_profile(store: Store, actor: Actor, call_id: str, name: str) -> WeightProfile | None:
    data = store.weight_profile(actor, call_id, name)
    return None if data is None else WeightProfile.from_dict(data)


def current_profile(store: Store, actor: Actor, inputs: DecisionInputs) -> WeightProfile:
    """The profile the panel is working with for this call."""
    key = f"profile_{inputs.call_id}"
    if key not in st.session_state:
        st.session_state[key] = (stored_profile(store, actor, inputs.call_id, JURY_PROFILE)
                                 or decision.default_profile(inputs))
    return st.session_state[key]


def set_current_profile(call_id: str, profile: WeightProfile) -> None:
    st.session_state[f"profile_{call_id}"] = profile


def reference_profile(store: Store, actor: Actor, inputs: DecisionInputs) -> tuple[str, WeightProfile]:
    """The profile rank changes are measured against (« profil du jury » by default, else equal weights)."""
    name = st.session_state.get(f"reference_{inputs.call_id}", JURY_PROFILE)
    profile = stored_profile(store, actor, inputs.call_id, name)
    if profile is None:
        return "poids égaux", decision.default_profile(inputs)
    return name, profile


def set_reference_profile(call_id: str, name: str) -> None:
    st.session_state[f"reference_{call_id}"] = name


@st.cache_data(show_spinner=False, max_entries=64)
def _ranking(_inputs: DecisionInputs, inputs_key: str, fingerprint: str,
             _profile: WeightProfile) -> scoring.RankResult:
    return decision.rank_call(_inputs, _profile)


def ranking(inputs: DecisionInputs, profile: WeightProfile) -> scoring.RankResult:
    """The engine's ranking of the eligible dossiers under `profile` (cached)."""
    return _ranking(inputs, inputs.cache_key, profile.fingerprint(), profile)

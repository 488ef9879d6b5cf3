"""The selection meeting's shared state, for the pages /ponderation,
/classement, /comparer, /sensibilite and /liste-restreinte.

- `meeting_inputs` builds (and caches per data version and aggregation
  settings) the call's decision inputs from the store;
- once the call has a séance, the pages show its **official** weights and
  constraints (`services.meeting.official`: the open séance, else the last closed
  one), which only the president changes, while the séance is open; anyone may
  switch to an « essai personnel » (`trial_key`, kept per person) that never
  changes the séance;
- the personal profile lives in `st.session_state` per call; it starts
  from the stored « profil du jury » when there is one, else equal weights;
- `ranking` caches the engine's result per profile fingerprint, so moving a
  weight re-ranks without reloading anything from the database;
- `open_meeting_page` is the preamble every meeting page starts with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import streamlit as st

import scoring
from dashboard.core import decision
from dashboard.core.decision import AggregationSettings, DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_datetime
from dashboard.core.labels import JURY_PROFILE
from dashboard.core.text import md, md_format
from dashboard.errors import ExportError, JuryError
from dashboard.services import meeting as meeting_service
from dashboard.services.meeting import CallData, Official
from dashboard.store import Store
from dashboard.store.access import Actor, may
from dashboard.ui.aggregation import aggregation_settings
from dashboard.ui.projection import hidden_in_projection
from dashboard.ui.server import show_refusal
from dashboard.ui.session import current_call, profile_key, reference_key, trial_key


@st.cache_data(show_spinner=False, max_entries=16)
def _inputs(_store: Store, _actor: Actor, _call: CallData, call_id: str, data_version: int,
            settings: AggregationSettings, ratings_view: str) -> DecisionInputs:
    return meeting_service.call_inputs(_store, _actor, _call, settings, data_version)


def meeting_inputs(store: Store, actor: Actor, call: CallData) -> DecisionInputs:
    """The call's decision inputs under the panel's aggregation settings (sidebar)."""
    return _inputs(store, actor, call, call.call_id, store.data_version(), aggregation_settings(),
                   meeting_service.ratings_view(actor))


def in_trial(call_id: str) -> bool:
    """Whether this person works on their « essai personnel » rather than the official settings."""
    return bool(st.session_state.get(trial_key(call_id), False))


def set_trial(call_id: str, trial: bool) -> None:
    st.session_state[trial_key(call_id)] = trial


def personal_profile(store: Store, actor: Actor, inputs: DecisionInputs) -> WeightProfile:
    """The person's own profile for this call (it starts as `resolve_profile` says)."""
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


def content_hash(store: Store) -> str:
    """The database's content hash, computed once per data version in this session (exports record it)."""
    version = store.data_version()
    cached = st.session_state.get("_content_hash")
    if not cached or cached[0] != version:
        cached = (version, store.content_hash())
        st.session_state["_content_hash"] = cached
    return str(cached[1])


class MeetingPage(NamedTuple):
    """What a meeting page draws from: who is signed in, the selected call, its inputs, the profile
    in use, the call's official settings (None before its first séance) and whether the person is
    in their « essai personnel »."""

    store: Store
    actor: Actor
    call: CallData
    inputs: DecisionInputs
    profile: WeightProfile
    official: Official | None = None
    trial: bool = False

    @property
    def shows_official(self) -> bool:
        """The page shows the séance's official settings (not the person's own)."""
        return self.official is not None and not self.trial

    @property
    def edits_official(self) -> bool:
        """The person changes the official settings here: the president, in an open séance."""
        return (self.shows_official and self.official is not None and self.official.seance.is_open
                and may(self.actor, "set_official_settings"))


def _shown_key(page: MeetingPage, what: str) -> str:
    assert page.official is not None
    return f"official_shown_{what}_{page.official.seance.seance_id}"


def _official_changed(page: MeetingPage, what: str, shown: str) -> bool:
    """Whether the president changed the official `what` (« profil », « contraintes ») in the widgets:
    the first draw of a version records what its widgets show (`shown`, a fingerprint), and only a
    later draw that shows something else is a change. A mere look never writes a version."""
    assert page.official is not None
    key, version = _shown_key(page, what), page.official.settings.version
    drawn = st.session_state.get(key)
    if drawn is None or drawn[0] != version:
        st.session_state[key] = (version, shown)
        return False
    return bool(drawn[1] != shown)


def write_official(write: Callable[[], object]) -> bool:
    """Run the president's write of the séance's next official version; whether it was written (a
    refusal, such as a version written meanwhile from another screen, is shown)."""
    try:
        write()
    except JuryError as refused:
        show_refusal(refused)
        return False
    return True


def change_official(page: MeetingPage, what: str, shown: str, write: Callable[[], object]) -> bool:
    """The president's widgets on the official `what`: when the person changed them (`shown`, what
    they show, against what they showed of this version), `write` the next version; whether it did.
    After a write, the next version is what the widgets show."""
    if not (_official_changed(page, what, shown) and write_official(write)):
        return False
    assert page.official is not None
    st.session_state[_shown_key(page, what)] = (page.official.settings.version + 1, shown)
    return True


def _official_banner(page: MeetingPage) -> None:
    """Whose settings the page shows, and the switch to the « essai personnel »."""
    official = page.official
    if official is None:
        return
    if page.trial:
        st.warning("**Essai personnel** : vos pondérations et contraintes ne changent pas la séance ; "
                   "elles sont gardées pour vous seul·e.")
    else:
        settings = official.settings
        who = ("Vos changements créent une nouvelle version officielle, suivie par tous."
               if page.edits_official else "Seule la présidence les modifie, pendant la séance.")
        st.info(md_format("**Réglages officiels** de la séance « {} » — version {} ({}, le {} par {}). {}",
                          official.seance.title, settings.version, settings.change, fr_datetime(settings.changed_at),
                          settings.changed_by, who))
    toggle_key = f"essai_toggle_{page.inputs.call_id}"
    st.toggle("Essai personnel (ne change pas la séance)", value=page.trial, key=toggle_key,
              on_change=lambda: set_trial(page.inputs.call_id, bool(st.session_state[toggle_key])))


def open_meeting_page(title: str) -> MeetingPage:
    """The preamble of every meeting page: the signed-in user (else the page stops), its title,
    the selected call (the page stops when the base holds none), the call's decision inputs, its
    official settings and the weight profile in use (the official one unless the person is in
    their « essai personnel »)."""
    store, actor, call = current_call()
    st.title(md(title))
    if call is None:
        st.stop()
    inputs = meeting_inputs(store, actor, call)
    try:
        official = meeting_service.official(store, actor, call.call_id)
    except ExportError as exc:
        st.error(md(exc))
        official = None
    trial = official is not None and in_trial(call.call_id)
    profile = official.profile if official is not None and not trial else personal_profile(store, actor, inputs)
    page = MeetingPage(store, actor, call, inputs, profile, official, trial)
    with hidden_in_projection("official_banner"):
        _official_banner(page)
    return page

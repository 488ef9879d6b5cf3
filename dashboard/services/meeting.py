"""A call's meeting from the store to the workbook: the one path.

The pages (/ponderation … /liste-restreinte), `jury export`, the benchmarks
and the tests all go through these functions, so they rank the same inputs
under the same profile, merge the same forcings and write the same workbook:

- `load_call` reads a call's dossiers, criterion values and criteria;
- `call_inputs` turns them, with the jurors' ratings that count aggregated
  under the panel's settings, into the engine's `DecisionInputs` (its
  `cache_key` names the data version, the settings and whose view of the
  ratings it holds);
- `resolve_profile` gives a profile by name, else « profil du jury » when saved,
  else equal weights; `official` gives the séance's official settings, the séance
  being the one named, else the call's open séance, else its last closed one. The
  one rule of the weights an export uses: a profile named, else the official one,
  else « profil du jury », else equal weights (`export_call`, the pages);
- `with_stored_forcings` unites the session's constraints with the call's
  stored forcings (`core.shortlist.merge_forcings`: a contradiction is refused);
- `export_request` gathers everything the workbook shows (what the actor may
  read, and nothing more), `export_file_name` names the file, and
  `build_export` writes the bytes; `export_call` does all of it from a call id.

Problems raise `ExportError` with a French message. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pandas as pd

import scoring
from dashboard.core import analysis, decision, filenames
from dashboard.core import shortlist as shortlist_logic
from dashboard.core.decision import AggregationSettings, DecisionInputs, WeightProfile, aggregate_call_ratings
from dashboard.core.formatting import fr_datetime, is_missing
from dashboard.core.labels import EQUAL_WEIGHTS, JURY_PROFILE, UNSAVED_PROFILE
from dashboard.errors import ExportError, StoreError
from dashboard.report.shortlist_workbook import build_workbook
from dashboard.store import Store
from dashboard.store.access import OPERATOR, Actor, may
from dashboard.store.deliberation import OfficialSettings
from dashboard.store.seance import SeanceRecord
from scoring.errors import ScoringError
from scoring.shortlist import ShortlistResult

__all__ = [
    "CallData",
    "ExportRequest",
    "build_export",
    "call_inputs",
    "call_request",
    "export_call",
    "export_file_name",
    "export_request",
    "known_call",
    "load_call",
    "official",
    "official_seance",
    "ratings_view",
    "resolve_profile",
    "stored_profile",
    "with_stored_forcings",
]


# --------------------------------------------------------------------------- the call and its inputs


@dataclass(frozen=True)
class CallData:
    """One call's dossiers and criterion values, as the store returned them for an actor."""

    call_id: str
    label: str
    results_on: date | None
    dossiers: pd.DataFrame
    values: pd.DataFrame
    criteria: pd.DataFrame


def known_call(store: Store, call_id: str) -> pd.Series:
    """The call's row of `Store.calls`; an unknown call is refused with the list of known ones."""
    calls = store.calls()
    match = calls[calls["call_id"] == call_id]
    if match.empty:
        known = ", ".join(calls["call_id"].astype(str)) or "aucun"
        raise ExportError(f"Appel « {call_id} » inconnu (appels de la base : {known}).")
    return match.iloc[0]


def load_call(store: Store, actor: Actor, call_id: str) -> CallData:
    """The call's data; an unknown call is refused with the list of known ones."""
    row = known_call(store, call_id)
    results_on = None if is_missing(row["results_on"]) else pd.Timestamp(str(row["results_on"])).date()
    return CallData(call_id, str(row["label"]), results_on, store.dossiers(actor, call_id),
                    store.criterion_values(actor, call_id), store.criteria())


def ratings_view(actor: Actor) -> str:
    """Whose view of the ratings the inputs hold: jurors get pseudonymous ratings without the
    dossiers they are recused from, so their inputs are kept apart from the panel's."""
    return "panel" if may(actor, "read_all_ratings") else f"juror:{actor.login}"


def call_inputs(store: Store, actor: Actor, call: CallData, settings: AggregationSettings,
                data_version: int | None = None) -> DecisionInputs:
    """The call's decision inputs: the ratings that count for `actor`, aggregated under
    `settings`, beside the objective and dossier criteria."""
    version = store.data_version() if data_version is None else data_version
    ratings = store.ratings_for_ranking(actor, call.call_id)
    aggregated = aggregate_call_ratings(ratings, settings) if not ratings.empty else None
    inputs = decision.build_inputs(call.call_id, call.dossiers, call.values, call.criteria, aggregated)
    return replace(inputs, cache_key=f"{call.call_id}/{version}/{settings}/{ratings_view(actor)}")


# --------------------------------------------------------------------------- the weight profile


def stored_profile(store: Store, actor: Actor, call_id: str, name: str) -> WeightProfile | None:
    """The profile saved under `name` for the call, or None."""
    data = store.weight_profile(actor, call_id, name)
    return None if data is None else WeightProfile.from_dict(data)


def resolve_profile(store: Store, actor: Actor, inputs: DecisionInputs,
                    name: str | None = None) -> tuple[str, WeightProfile]:
    """(name, profile): the profile saved as `name` (« poids égaux » is built in); without a name,
    « profil du jury » when it is saved, else equal weights. An unknown name is refused."""
    if name == EQUAL_WEIGHTS:
        return EQUAL_WEIGHTS, decision.default_profile(inputs)
    if name:
        profile = stored_profile(store, actor, inputs.call_id, name)
        if profile is None:
            names = store.weight_profiles(actor, inputs.call_id)["name"].tolist()
            known = ", ".join(f"« {n} »" for n in names) or "aucun"
            raise ExportError(f"Profil de pondération « {name} » introuvable pour l'appel « {inputs.call_id} » "
                              f"(profils enregistrés : {known}).")
        return name, profile
    jury = stored_profile(store, actor, inputs.call_id, JURY_PROFILE)
    if jury is not None:
        return JURY_PROFILE, jury
    return EQUAL_WEIGHTS, decision.default_profile(inputs)


# --------------------------------------------------------------------------- the séance's official settings


@dataclass(frozen=True)
class Official:
    """The official weights and constraints of a séance, as one version of them."""

    seance: SeanceRecord
    settings: OfficialSettings

    @property
    def profile(self) -> WeightProfile:
        return WeightProfile.from_dict(self.settings.profile)

    @property
    def choices(self) -> shortlist_logic.ShortlistChoices:
        """The constraints without the forcings (`forcings` holds them)."""
        return shortlist_logic.ShortlistChoices.from_settings(self.settings.choices)

    @property
    def forcings(self) -> pd.DataFrame:
        return self.settings.forcings_frame

    @property
    def profile_name(self) -> str:
        """« officiel — Séance du 05/09/2019 (n° 3), version 4 »."""
        return f"officiel — {self.seance.title} (n° {self.seance.seance_id}), version {self.settings.version}"

    @property
    def scope(self) -> str:
        return filenames.official_scope(self.seance.seance_id, self.settings.version)

    @property
    def nature(self) -> str:
        """What the Manifeste says of an official export."""
        return f"{self.anonymous_nature[:-1]} par {self.settings.changed_by}."

    @property
    def anonymous_nature(self) -> str:
        """What an anonymised export says of its official settings: no one named."""
        state = "ouverte" if self.seance.is_open else "close"
        return (f"Officiel : pondération et contraintes de la séance n° {self.seance.seance_id} "
                f"« {self.seance.title} » ({state}), version {self.settings.version} du "
                f"{fr_datetime(self.settings.changed_at)}.")


def official_seance(store: Store, actor: Actor, call_id: str, seance_id: int | None = None) -> SeanceRecord | None:
    """The séance whose settings are official for a call: `seance_id` when given (it must be the
    call's), else the call's open séance, else its last closed one; None when the call has none."""
    if seance_id is not None:
        try:
            seance = store.seance(actor, seance_id)
        except StoreError as exc:
            raise ExportError(str(exc)) from exc
        if seance.call_id != call_id:
            raise ExportError(f"La séance n° {seance_id} est celle de l'appel « {seance.call_id} », "
                              f"pas de l'appel « {call_id} ».")
        return seance
    seances = store.call_seances(actor, call_id)
    return seances[0] if seances else None


def official(store: Store, actor: Actor, call_id: str, seance_id: int | None = None) -> Official | None:
    """The official settings the rule of `official_seance` designates (their latest version)."""
    seance = official_seance(store, actor, call_id, seance_id)
    if seance is None:
        return None
    try:
        return Official(seance, store.official_settings(actor, seance.seance_id))
    except StoreError as exc:
        raise ExportError(str(exc)) from exc


def personal_nature(actor: Actor, anonymise: bool = False) -> str:
    """What the Manifeste says of a personal export (an anonymised one names no one)."""
    if actor == OPERATOR:
        return "Export de l'opérateur (ligne de commande) : réglages donnés à la commande, hors séance."
    whose = "" if anonymise else f" de {actor.name} ({actor.login})"
    return f"Essai personnel{whose} : ces réglages n'engagent pas le jury et ne changent pas la séance."


# --------------------------------------------------------------------------- the shortlist


def with_stored_forcings(constraints: Mapping[str, Any] | None, forcings: pd.DataFrame) -> dict[str, Any]:
    """The session's constraints united with the call's stored forcings; a dossier both
    imposed and excluded is refused (`ExportError`)."""
    try:
        return shortlist_logic.merge_forcings(constraints or {}, forcings)
    except ValueError as exc:
        raise ExportError(str(exc)) from exc


def _checked_size(inputs: DecisionInputs, size: object) -> int:
    """The shortlist size asked for (the page's default without one), refused when it cannot be met."""
    if size is None:
        return shortlist_logic.default_size(inputs)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ExportError(f"Taille de la liste restreinte invalide : {size!r} (entier ≥ 1 attendu).")
    eligible = len(inputs.eligible_ids)
    if size > eligible:
        raise ExportError(f"Taille de la liste restreinte ({size}) supérieure au nombre de dossiers éligibles "
                          f"de l'appel « {inputs.call_id} » ({eligible}).")
    return size


def solve(inputs: DecisionInputs, profile: WeightProfile, size: int,
          constraints: Mapping[str, Any]) -> tuple[scoring.RankResult, ShortlistResult]:
    """The ranking under `profile` and the shortlist under `constraints`; an infeasible or
    invalid problem is refused with the engine's French message."""
    try:
        ranking = decision.rank_call(inputs, profile)
        result = shortlist_logic.solve_shortlist(inputs, ranking, size, dict(constraints))
    except ScoringError as exc:
        raise ExportError(shortlist_logic.name_dossiers(str(exc), inputs)) from exc
    if not result.feasible:
        raise ExportError(shortlist_logic.name_dossiers(result.message, inputs))
    return ranking, result


# --------------------------------------------------------------------------- the export


@dataclass(frozen=True)
class ExportRequest:
    """Everything the shortlist workbook shows, gathered from the store for one actor."""

    call: Mapping[str, Any]
    inputs: DecisionInputs
    profile: WeightProfile
    profile_name: str
    ranking: scoring.RankResult
    shortlist: ShortlistResult
    constraints: Mapping[str, Any]
    forcings: pd.DataFrame
    ratings: pd.DataFrame | None
    decisions: pd.DataFrame
    decision_history: pd.DataFrame
    register: pd.DataFrame | None
    content_hash: str
    journal_head: str | None
    user: str
    scope: str
    nature: str
    aggregation: AggregationSettings
    anonymise: bool
    keep_motives: bool = False


def export_scope(actor: Actor) -> str:
    """The file name's scope: « cli » for the operator's command, else a trial by the user."""
    return filenames.OPERATOR_SCOPE if actor == OPERATOR else filenames.trial_scope(actor.login)


def _conflict_register(store: Store, actor: Actor, inputs: DecisionInputs) -> pd.DataFrame | None:
    """The call's conflict-of-interest register, for those who may read it."""
    if not (may(actor, "read_conflicts") and may(actor, "read_recusals")):
        return None
    return analysis.conflict_register(store.jurors(), store.conflict_declarations(actor, inputs.call_id),
                                      store.recusals(actor, inputs.call_id), inputs.display_names)


def _profile_name(store: Store, actor: Actor, inputs: DecisionInputs, profile: WeightProfile) -> str:
    """The name of the saved profile `profile` equals (« profil du jury » first), « poids égaux »
    for the built-in one, else « profil en cours (non enregistré) »."""
    saved = shortlist_logic.matching_profile_name(store.weight_profiles(actor, inputs.call_id), profile)
    if saved is not None:
        return saved
    if profile.fingerprint() == decision.default_profile(inputs).fingerprint():
        return EQUAL_WEIGHTS
    return UNSAVED_PROFILE


def export_request(store: Store, actor: Actor, call: CallData, inputs: DecisionInputs, profile: WeightProfile,
                   ranking: scoring.RankResult, shortlist: ShortlistResult, constraints: Mapping[str, Any],
                   forcings: pd.DataFrame, *, aggregation: AggregationSettings, anonymise: bool = False,
                   keep_motives: bool = False, profile_name: str | None = None,
                   content_hash: str | None = None, official_settings: Official | None = None) -> ExportRequest:
    """Gather the workbook's contents: the call, the solved shortlist (under `constraints`, the
    `forcings` united in) and what `actor` may read (every juror's ratings and the conflict
    register only for those allowed). With `official_settings` the export is the séance's official
    one (its name's scope and the Manifeste say so); else it is the actor's own, and without
    `profile_name` the profile is named after the saved or built-in profile it equals."""
    call_id = inputs.call_id
    if official_settings is not None:
        profile_name = official_settings.profile_name
    elif profile_name is None:
        profile_name = _profile_name(store, actor, inputs, profile)
    return ExportRequest(
        call={"id": call_id, "label": call.label, "results_on": call.results_on}, inputs=inputs, profile=profile,
        profile_name=profile_name, ranking=ranking, shortlist=shortlist, constraints=dict(constraints),
        forcings=forcings,
        ratings=store.ratings(actor, call_id) if may(actor, "read_all_ratings") else None,
        decisions=store.decisions(actor, call_id), decision_history=store.decision_history(actor, call_id),
        register=_conflict_register(store, actor, inputs),
        content_hash=content_hash if content_hash is not None else store.content_hash(),
        journal_head=store.journal_head(),
        user=f"{actor.name} ({actor.login})",
        scope=official_settings.scope if official_settings is not None else export_scope(actor),
        nature=(personal_nature(actor, anonymise) if official_settings is None
                else official_settings.anonymous_nature if anonymise else official_settings.nature),
        aggregation=aggregation,
        anonymise=anonymise, keep_motives=keep_motives)


def export_file_name(request: ExportRequest, at: datetime) -> str:
    """« liste-restreinte_AMI1_essai-claire.martin_2026-12-01_14h05.xlsx »: see `core.filenames`."""
    return filenames.product_file_name("liste-restreinte", request.inputs.call_id, request.scope, at, "xlsx")


def build_export(request: ExportRequest, generated_at: datetime) -> bytes:
    """The workbook's bytes; reads nothing from the store (the page runs it on click)."""
    return build_workbook(
        call=request.call, inputs=request.inputs, profile=request.profile, profile_name=request.profile_name,
        result=request.ranking, shortlist=request.shortlist, constraints=request.constraints,
        forcings=request.forcings, ratings=request.ratings, decisions=request.decisions,
        decision_history=request.decision_history,
        content_hash=request.content_hash, journal_head=request.journal_head, user=request.user,
        aggregation=request.aggregation, nature=request.nature,
        anonymise=request.anonymise, keep_motives=request.keep_motives, generated_at=generated_at,
        register=request.register)


def call_request(store: Store, actor: Actor, call_id: str, profile_name: str | None = None,
                 size: int | None = None, constraints: Mapping[str, Any] | None = None, anonymise: bool = False,
                 keep_motives: bool = False, aggregation: AggregationSettings | None = None,
                 seance_id: int | None = None) -> ExportRequest:
    """What an export of a call straight from the store holds (`jury export`, `jury rapport`,
    `jury pv`): the call ranked and its shortlist solved under the one rule.

    The weights are `profile_name` when given, else the official profile of the séance
    `seance_id`, else of the call's open séance, else of its last closed one, else
    « profil du jury », else equal weights. The constraints are `size` and `constraints` when
    given, else the official ones. Only an export whose weights and constraints are both the
    séance's is official (`officiel-s{id}-v{version}` in its name)."""
    call = load_call(store, actor, call_id)
    if call.dossiers.empty:
        raise ExportError(f"L'appel « {call_id} » ne contient aucun dossier : rien à exporter.")
    settings = aggregation or AggregationSettings()
    inputs = call_inputs(store, actor, call, settings)
    settled = official(store, actor, call_id, seance_id)
    if profile_name is None and settled is not None:
        name, profile = settled.profile_name, settled.profile
    else:
        name, profile = resolve_profile(store, actor, inputs, profile_name)
    forcings = settled.forcings if settled is not None else store.forcings(actor, call_id)
    own_constraints = size is not None or constraints is not None
    if settled is not None and not own_constraints:
        size, constraints = settled.choices.size, settled.choices.to_constraints()
    merged = with_stored_forcings(constraints, forcings)
    ranking, result = solve(inputs, profile, _checked_size(inputs, size), merged)
    is_official = settled is not None and profile_name is None and not own_constraints
    return export_request(store, actor, call, inputs, profile, ranking, result, merged, forcings,
                          aggregation=settings, anonymise=anonymise, keep_motives=keep_motives,
                          profile_name=name, official_settings=settled if is_official else None)


def export_call(store: Store, actor: Actor, call_id: str, profile_name: str | None = None,
                size: int | None = None, constraints: Mapping[str, Any] | None = None, anonymise: bool = False,
                keep_motives: bool = False, aggregation: AggregationSettings | None = None,
                generated_at: datetime | None = None, seance_id: int | None = None) -> tuple[str, bytes]:
    """The workbook of a call straight from the store (`jury export`): (file name, bytes), under
    the one rule of `call_request`."""
    request = call_request(store, actor, call_id, profile_name, size, constraints, anonymise, keep_motives,
                           aggregation, seance_id)
    at = (generated_at or datetime.now()).replace(microsecond=0)
    return export_file_name(request, at), build_export(request, at)

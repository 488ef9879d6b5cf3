"""The shortlist workbook of a call, straight from the store: what `jury export` runs.

``export_call(store, actor, call_id, profile_name=None, size=None,
constraints=None, anonymise=False, aggregation=None) -> tuple[str, bytes]``
    Reads the call from the store, ranks it with the named profile (without
    one: « profil du jury » when saved, else equal weights), solves the
    shortlist through `dashboard.core.shortlist` (the page's own path, stored
    forcings included) and returns the file name (results date of the call,
    else today) and the bytes written by `dashboard.report.shortlist_workbook`.
    Problems raise `ExportError` with a French message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from dashboard.core import analysis, decision
from dashboard.core import shortlist as shortlist_logic
from dashboard.core.decision import AggregationSettings, WeightProfile, aggregate_call_ratings
from dashboard.core.formatting import is_missing
from dashboard.core.labels import EQUAL_WEIGHTS, JURY_PROFILE
from dashboard.errors import AccessDenied, ExportError
from dashboard.report.shortlist_workbook import build_workbook, workbook_filename
from scoring.errors import ScoringError

__all__ = ["ExportError", "export_call"]


def _merge_forcings(constraints: Mapping[str, Any], forcings: pd.DataFrame) -> dict[str, Any]:
    """The constraints with the call's stored forcings added to force_in / force_out."""
    merged = dict(constraints)
    if forcings is None or forcings.empty:
        return merged
    for kind in ("force_in", "force_out"):
        stored = [str(i) for i in forcings.loc[forcings["kind"] == kind, "dossier_id"]]
        if stored:
            merged[kind] = list(dict.fromkeys([str(i) for i in merged.get(kind) or ()] + stored))
    both = sorted(set(merged.get("force_in") or ()) & set(merged.get("force_out") or ()))
    if both:
        raise ExportError(f"Dossier à la fois imposé et écarté : {', '.join(both)} "
                          "(contraintes et forçages enregistrés se contredisent).")
    return merged


def export_call(store, actor, call_id: str, profile_name: str | None = None, size: int | None = None,
                constraints: Mapping[str, Any] | None = None, anonymise: bool = False,
                aggregation: AggregationSettings | None = None,
                generated_at: datetime | None = None) -> tuple[str, bytes]:
    """Build the workbook of a call from the store: (file name, bytes). See the module docstring."""
    calls = store.calls()
    match = calls[calls["call_id"] == call_id]
    if match.empty:
        known = ", ".join(calls["call_id"].astype(str)) or "aucun"
        raise ExportError(f"Appel « {call_id} » inconnu (appels de la base : {known}).")
    call = match.iloc[0]
    dossiers = store.dossiers(actor, call_id)
    if dossiers.empty:
        raise ExportError(f"L'appel « {call_id} » ne contient aucun dossier : rien à exporter.")
    settings = aggregation or AggregationSettings()
    ranking_ratings = store.ratings_for_ranking(actor, call_id)
    aggregated = aggregate_call_ratings(ranking_ratings, settings) if not ranking_ratings.empty else None
    inputs = decision.build_inputs(call_id, dossiers, store.criterion_values(actor, call_id), store.criteria(),
                                   aggregated)
    if profile_name:
        data = store.weight_profile(actor, call_id, profile_name)
        if data is None:
            names = store.weight_profiles(actor, call_id)["name"].tolist()
            known = ", ".join(f"« {n} »" for n in names) or "aucun"
            raise ExportError(f"Profil de pondération « {profile_name} » introuvable pour l'appel « {call_id} » "
                              f"(profils enregistrés : {known}).")
        name = profile_name
    else:
        data = store.weight_profile(actor, call_id, JURY_PROFILE)
        name = JURY_PROFILE if data is not None else EQUAL_WEIGHTS
    profile = WeightProfile.from_dict(data) if data is not None else decision.default_profile(inputs)
    forcings = store.forcings(actor, call_id)
    engine_constraints = _merge_forcings(constraints or {}, forcings)
    eligible = len(inputs.eligible_ids)
    if size is None:
        size = shortlist_logic.default_size(inputs)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ExportError(f"Taille de la liste restreinte invalide : {size!r} (entier ≥ 1 attendu).")
    if size > eligible:
        raise ExportError(f"Taille de la liste restreinte ({size}) supérieure au nombre de dossiers éligibles "
                          f"de l'appel « {call_id} » ({eligible}).")
    try:
        result = decision.rank_call(inputs, profile)
        shortlist = shortlist_logic.solve_shortlist(inputs, result, size, engine_constraints)
    except ScoringError as exc:
        raise ExportError(str(exc)) from exc
    if not shortlist.feasible:
        raise ExportError(shortlist.message)
    try:
        ratings = store.ratings(actor, call_id)
    except AccessDenied:
        ratings = None
    try:
        register = analysis.conflict_register(
            store.jurors(), store.conflict_declarations(actor, call_id), store.recusals(actor, call_id),
            dict(zip(inputs.attributes.index, inputs.attributes["display_name"])))
    except AccessDenied:
        register = None
    day = None if is_missing(call["results_on"]) else pd.Timestamp(call["results_on"]).date()
    content = build_workbook(
        call={"id": call_id, "label": call["label"], "results_on": day},
        inputs=inputs, profile=profile, profile_name=name, result=result, shortlist=shortlist,
        constraints=engine_constraints, forcings=forcings, ratings=ratings,
        decisions=store.decisions(actor, call_id), content_hash=store.content_hash(),
        user=f"{actor.name} ({actor.login})", aggregation=settings, anonymise=anonymise,
        generated_at=generated_at, register=register)
    return workbook_filename(call_id, day or date.today()), content

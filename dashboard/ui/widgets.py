"""Streamlit pieces drawn on several pages: the dossier card, the conflict
register, the current ranking of a meeting page (or its error), and the charts' settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, cast

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

import scoring
from dashboard.core import analysis
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_date, fr_number
from dashboard.core.labels import KIND_LABELS
from dashboard.core.text import md_format, md_frame, md_quote
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui import meeting

# Every chart without Plotly's toolbar (English tooltips, and a PNG download that would bypass
# `downloads.offer_download`): zoom and hover remain.
CHART_CONFIG: dict[str, object] = {"displayModeBar": False, "displaylogo": False}


def french_numbers(frame: pd.DataFrame, decimals: Mapping[str, int]) -> Styler:
    """The frame for `st.dataframe` with these number columns shown in French (« 12 345,6 », whatever
    the browser's language) and still numbers underneath: they sort as numbers and align right."""
    formats: dict[Any, str | Callable[[object], str] | None] = {
        column: partial(_french_cell, decimals=places) for column, places in decimals.items()}
    return frame.style.format(formats)


def _french_cell(value: object, decimals: int) -> str:
    return fr_number(cast(float, value), decimals)


def dossier_card(row: pd.Series, values: pd.DataFrame, criteria: pd.DataFrame, with_values: bool = True) -> None:
    """One dossier's full card: candidate, territory, project, criterion values."""
    st.markdown(md_format("### {}", row["display_name"]))
    st.markdown(md_format(
        "**Dossier** : {dossier} · **Porteur** : {kind} — {candidate}  \n"
        "**Région** : {region} · **Département** : {departement}  \n"
        "**Population** : {population} habitants · **Intercommunalité** : {epci} ({epci_population} hab.)  \n"
        "**Pôle universitaire le plus proche** : {hub} à {distance} km  \n"
        "**Dépôt** : {submitted} · **Décision historique** : {decision}",
        dossier=row.name, kind=KIND_LABELS.get(row["kind"], row["kind"]), candidate=row["candidate_name"],
        region=analysis.territory_label(row["region_code"], row["region_name"]),
        departement=row["departement_name"], population=fr_number(row["population"]),
        epci=row["epci_name"], epci_population=fr_number(row["epci_population"]), hub=row["nearest_hub"],
        distance=fr_number(row["dist_hub_km"], 1), submitted=fr_date(row["submitted_on"]),
        decision=row["historical_decision"] or "–"))
    st.markdown(md_format("**Concept d'antenne** : {}  \n**Filières** : {}  \n**Partenaires** : {}",
                          row["antenna_concept"] or "–", row["sectors"] or "–", row["partners"] or "–"))
    if isinstance(row["summary"], str) and row["summary"]:
        st.markdown(md_quote(row["summary"]))
    if not with_values:
        return
    own = values[values["dossier_id"] == row.name].merge(
        criteria[["criterion_id", "label", "unit"]], on="criterion_id").sort_values("criterion_id")
    if own.empty:
        return
    st.table(md_frame(pd.DataFrame({
        "Critère": own["criterion_id"] + " — " + own["label"],
        "Valeur": [fr_number(v, 0 if float(v).is_integer() else 1) for v in own["value"]],
        "Unité": own["unit"].fillna(""),
        "Provenance": own["provenance"].fillna(""),
    }).set_index("Critère")))


def conflict_register(store: Store, actor: Actor, call_id: str, jurors: pd.DataFrame,
                      names: dict[str, str]) -> pd.DataFrame:
    """The conflict-of-interest register of a call, ready to show: one row per juror."""
    register = analysis.conflict_register(jurors, store.conflict_declarations(actor, call_id),
                                          store.recusals(actor, call_id), names)
    return pd.DataFrame({
        "Juré": register["name"] + " (" + register["organisation"] + ")",
        "Déclaration": register["declaration"],
        "Date": [fr_date(d) for d in register["declared_on"]],
        "Récusé·e pour": register["recused_from"].replace("", "–"),
    })


def ranking_or_stop(inputs: DecisionInputs, profile: WeightProfile) -> scoring.RankResult:
    """The call ranked under the current profile; when the engine refuses it, the error and the page stops."""
    try:
        return meeting.ranking(inputs, profile)
    except scoring.ScoringError as error:
        st.error(md_format("Le profil courant ne permet pas de classer l'appel : {} Modifiez-le sur la page "
                           "Pondération.", error))
        st.stop()

"""The jury's aggregation settings and their application to a call's ratings:
the bridge from stored ratings to the engine's `aggregate_ratings`, shared by
the concertation and ranking pages."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from scoring import aggregate_ratings
from scoring.ratings import RatingsResult

AGGREGATION_LABELS = {"mean": "Moyenne", "median": "Médiane", "trimmed_mean": "Moyenne tronquée (10 %)"}


@dataclass(frozen=True)
class AggregationSettings:
    method: str = "mean"
    zscore: bool = False


def aggregation_settings() -> AggregationSettings:
    """The panel's choice in the sidebar (kept in the session across pages)."""
    saved = st.session_state.get("aggregation", AggregationSettings())
    with st.sidebar.expander("Agrégation des notes du jury"):
        method = st.selectbox("Méthode", list(AGGREGATION_LABELS), index=list(AGGREGATION_LABELS).index(saved.method),
                              format_func=AGGREGATION_LABELS.get, key="aggregation_method_widget")
        zscore = st.toggle("Corriger la sévérité des jurés (scores z)", value=saved.zscore,
                           key="aggregation_zscore_widget")
    settings = AggregationSettings(method, zscore)
    st.session_state["aggregation"] = settings
    return settings


def long_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """Store ratings (only those that count) in the engine's long format."""
    if "counts" in ratings.columns:
        ratings = ratings[ratings["counts"].astype(bool)]
    if "juror" in ratings.columns:
        return ratings[["juror", "dossier", "criterion", "score"]]
    return ratings.rename(columns={"juror_id": "juror", "dossier_id": "dossier",
                                   "criterion_id": "criterion"})[["juror", "dossier", "criterion", "score"]]


def aggregate_call_ratings(ratings: pd.DataFrame, settings: AggregationSettings) -> RatingsResult:
    return aggregate_ratings(long_ratings(ratings), method=settings.method, zscore=settings.zscore)

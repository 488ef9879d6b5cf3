"""The jury's aggregation settings in the sidebar (kept in the session across pages)."""

from __future__ import annotations

import streamlit as st

from dashboard.core.decision import AggregationSettings
from dashboard.core.labels import AGGREGATION_LABELS


def aggregation_settings() -> AggregationSettings:
    """The panel's choice in the sidebar (kept in the session across pages)."""
    saved = st.session_state.get("aggregation", AggregationSettings())
    methods = list(AGGREGATION_LABELS)
    with st.sidebar.expander("Agrégation des notes du jury"):
        method = st.selectbox("Méthode", methods, index=methods.index(saved.method),
                              format_func=lambda m: AGGREGATION_LABELS[m], key="aggregation_method_widget")
        zscore = st.toggle("Corriger la sévérité des jurés (scores z)", value=saved.zscore,
                           key="aggregation_zscore_widget")
    settings = AggregationSettings(method, zscore)
    st.session_state["aggregation"] = settings
    return settings

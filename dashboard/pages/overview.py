"""Vue d'ensemble: the selected call's key figures, map, régions and sectors."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard.core import analysis, maps
from dashboard.core.analysis import CallFigures
from dashboard.core.formatting import fr_date, fr_list, fr_number, fr_percent
from dashboard.core.text import chart_text, md, md_format
from dashboard.services.meeting import CallData
from dashboard.store import Store
from dashboard.ui.session import current_call
from dashboard.ui.widgets import CHART_CONFIG

CALL_DATES = (("opens_on", "ouverture"), ("deadline", "date limite"), ("results_on", "résultats"))


def _render_dates(store: Store, call: CallData) -> None:
    """The call's label and its known dates."""
    info = store.calls().set_index("call_id").loc[call.call_id].to_dict()
    st.subheader(md(call.label))
    dates = []
    for column, text in CALL_DATES:
        if info[column] is not None and str(info[column]) not in ("NaT", "None"):
            dates.append(f"{text} : {fr_date(info[column])}")
    if dates:
        st.caption(md(" · ".join(dates)))


def _render_figures(figures: CallFigures) -> None:
    """The five key figures, the candidates' kinds and the régions covered."""
    cols = st.columns(5)
    cols[0].metric("Dossiers", fr_number(figures.dossiers))
    cols[1].metric("Lauréats historiques", fr_number(figures.laureates))
    cols[2].metric("En Territoires d'industrie", fr_percent(figures.ti_share))
    cols[3].metric("En Action cœur de ville", fr_percent(figures.acv_share))
    cols[4].metric("Outre-mer", fr_number(figures.overseas))
    st.markdown(md_format(
        "**Porteurs** : {}  \n**Régions couvertes** : {} — {}{}",
        " · ".join(f"{kind} {fr_percent(share)}" for kind, share in figures.kind_shares.items()),
        fr_number(len(figures.regions)), ", ".join(figures.regions),
        f" ; et {fr_list(figures.collectivities)}" if figures.collectivities else ""))


def _bar(counts: pd.Series, axis: str, title: str) -> go.Figure:
    """A horizontal bar chart of dossier counts, largest at the top."""
    frame = counts.rename_axis(axis).reset_index(name="Dossiers")
    frame[axis] = frame[axis].map(chart_text)   # sectors come from the import: shown as text
    return px.bar(frame, x="Dossiers", y=axis, orientation="h", title=title).update_yaxes(
        categoryorder="total ascending")


def _render_charts(call: CallData, figures: CallFigures) -> None:
    """The map of the candidates, and the dossiers per région and per sector (when there are dossiers)."""
    if not figures.dossiers:
        return
    st.plotly_chart(maps.candidate_map(call.dossiers), width="stretch", config=CHART_CONFIG)
    left, right = st.columns(2)
    left.plotly_chart(_bar(figures.by_region, "Région", "Dossiers par région"), width="stretch",
                      config=CHART_CONFIG)
    right.plotly_chart(_bar(figures.by_sector, "Filière", "Dossiers par filière"), width="stretch",
                       config=CHART_CONFIG)


def main() -> None:
    """The page: dates, key figures, charts."""
    store, _actor, call = current_call()
    st.title("Vue d'ensemble")
    if call is None:
        st.stop()
    figures = analysis.call_figures(call.dossiers, call.values)
    _render_dates(store, call)
    _render_figures(figures)
    _render_charts(call, figures)


main()

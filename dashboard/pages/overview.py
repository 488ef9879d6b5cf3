"""Vue d'ensemble: the selected call's key figures, map, régions and sectors."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard.core import analysis, maps
from dashboard.core.formatting import fr_date, fr_number, fr_percent
from dashboard.ui.session import current_call

store, actor, call = current_call()
st.title("Vue d'ensemble")
if call is None:
    st.stop()

calls = store.calls().set_index("call_id")
info = calls.loc[call.call_id]
figures = analysis.call_figures(call.dossiers, call.values)

st.subheader(call.label)
dates = []
for column, text in (("opens_on", "ouverture"), ("deadline", "date limite"), ("results_on", "résultats")):
    if info[column] is not None and str(info[column]) not in ("NaT", "None"):
        dates.append(f"{text} : {fr_date(info[column])}")
if dates:
    st.caption(" · ".join(dates))

cols = st.columns(5)
cols[0].metric("Dossiers", fr_number(figures.dossiers))
cols[1].metric("Lauréats historiques", fr_number(figures.laureates))
cols[2].metric("En Territoires d'industrie", fr_percent(figures.ti_share))
cols[3].metric("En Action cœur de ville", fr_percent(figures.acv_share))
cols[4].metric("Outre-mer", fr_number(figures.overseas))

st.markdown(
    "**Porteurs** : "
    + " · ".join(f"{kind} {fr_percent(share)}" for kind, share in figures.kind_shares.items())
    + f"  \n**Régions couvertes** : {len(figures.regions)} — {', '.join(figures.regions)}"
)

if figures.dossiers:
    st.plotly_chart(maps.candidate_map(call.dossiers), width="stretch")

    left, right = st.columns(2)
    by_region = figures.by_region.rename_axis("Région").reset_index(name="Dossiers")
    left.plotly_chart(px.bar(by_region, x="Dossiers", y="Région", orientation="h",
                             title="Dossiers par région").update_yaxes(categoryorder="total ascending"),
                      width="stretch")
    by_sector = figures.by_sector.rename_axis("Filière").reset_index(name="Dossiers")
    right.plotly_chart(px.bar(by_sector, x="Dossiers", y="Filière", orientation="h",
                              title="Dossiers par filière").update_yaxes(categoryorder="total ascending"),
                       width="stretch")

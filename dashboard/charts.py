"""Plotly figures shared by the pages (French labels)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.formatting import fr_number

MAP_STYLE = "carto-positron"
DECISION_COLOURS = {"lauréat": "#c1002a", "non retenu": "#7a8599", "sans décision": "#2b6cb0"}


def candidate_map(dossiers: pd.DataFrame, height: int = 520, title: str | None = None) -> go.Figure:
    """Candidate towns on a map; metropolitan France unless the frame is one territory."""
    frame = dossiers.dropna(subset=["lat", "lon"]).copy()
    frame["Décision"] = frame["historical_decision"].fillna("sans décision")
    frame["Population"] = frame["population"].map(fr_number)
    overseas = frame["overseas"].fillna(False).astype(bool)
    if title is None:
        frame = frame[~overseas]
        center, zoom = {"lat": 46.6, "lon": 2.4}, 4.3
    else:
        center = {"lat": float(frame["lat"].mean()), "lon": float(frame["lon"].mean())}
        zoom = 6.5
    figure = px.scatter_map(
        frame, lat="lat", lon="lon", color="Décision", color_discrete_map=DECISION_COLOURS,
        hover_name="display_name", hover_data={"Population": True, "lat": False, "lon": False,
                                               "Décision": True},
        center=center, zoom=zoom, height=height, map_style=MAP_STYLE, title=title,
    )
    figure.update_traces(marker={"size": 10})
    figure.update_layout(margin={"l": 0, "r": 0, "t": 30 if title else 0, "b": 0},
                         legend={"orientation": "h", "y": 0.01, "x": 0.01},
                         showlegend=title is None)
    return figure
